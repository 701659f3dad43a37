package io.tributary.storage.mmap;

import io.tributary.spi.storage.EpochEntry;
import io.tributary.spi.storage.RecordBatchLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a segment file from its start and finds where its valid data ends: the first batch that
 * is torn, has an impossible length, another magic, a bad CRC (when checked) or an offset that
 * does not increase. Rebuilds the indexes on the way ({@link IndexBuilder}) and notes the leader
 * epochs met. The file is mapped read-only for the scan (the scan runs before the segment is
 * served, so nothing truncates it meanwhile).
 */
final class SegmentScan {
    private static final int MIN_BATCH_LENGTH = RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD;
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[64 * 1024]);

    /**
     * @param validBytes where the valid data ends
     * @param nextOffset one past the last valid offset (the base offset when none)
     * @param index the rebuilt index entries and the segment's max timestamp
     * @param epochs each epoch change met, in order
     * @param problem why the scan stopped before the end of the file, null when it reached the
     *     end or only zeros (preallocated space) follow
     * @param fileSize the file's size as found
     */
    record Result(
            int validBytes,
            long nextOffset,
            IndexBuilder index,
            List<EpochEntry> epochs,
            String problem,
            long fileSize,
            int batches) {
        boolean clean() {
            return problem == null;
        }
    }

    private SegmentScan() {}

    /**
     * Scans {@code file}, the segment starting at {@code baseOffset}.
     *
     * @param checkCrc verify every batch's CRC32C (recovery); false only rebuilds indexes
     */
    static Result scan(Path file, long baseOffset, int indexIntervalBytes, boolean checkCrc) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                Arena arena = Arena.ofConfined()) {
            long fileSize = ch.size();
            long length = Math.min(fileSize, Integer.MAX_VALUE);
            IndexBuilder index = new IndexBuilder(baseOffset, indexIntervalBytes);
            List<EpochEntry> epochs = new ArrayList<>();
            if (length == 0) {
                return new Result(0, baseOffset, index, epochs, null, fileSize, 0);
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, length, arena);
            ByteBuffer b = m.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
            int limit = (int) length;
            int pos = 0;
            long next = baseOffset;
            int lastEpoch = -1;
            int batches = 0;
            String problem = null;
            while (pos < limit) {
                if (limit - pos < RecordBatchLayout.LOG_OVERHEAD) {
                    problem = zeros(m, pos, limit) ? null : "a torn batch header (" + (limit - pos) + " bytes)";
                    break;
                }
                long base = b.getLong(pos + RecordBatchLayout.BASE_OFFSET);
                int batchLength = b.getInt(pos + RecordBatchLayout.BATCH_LENGTH);
                if (base == 0 && batchLength == 0) {
                    problem = zeros(m, pos, limit) ? null : "zeros followed by data";
                    break;
                }
                if (batchLength < MIN_BATCH_LENGTH) {
                    problem = "an impossible batch length " + batchLength;
                    break;
                }
                if ((long) pos + RecordBatchLayout.LOG_OVERHEAD + batchLength > limit) {
                    problem = "a torn batch (" + (limit - pos) + " of " + (RecordBatchLayout.LOG_OVERHEAD + batchLength)
                            + " bytes)";
                    break;
                }
                int size = RecordBatchLayout.LOG_OVERHEAD + batchLength;
                if (b.get(pos + RecordBatchLayout.MAGIC) != RecordBatchLayout.CURRENT_MAGIC) {
                    problem = "a batch with magic " + b.get(pos + RecordBatchLayout.MAGIC);
                    break;
                }
                if (checkCrc && RecordBatchLayout.computeCrc(b, pos) != RecordBatchLayout.storedCrc(b, pos)) {
                    problem = "a batch with a bad CRC";
                    break;
                }
                int lastDelta = b.getInt(pos + RecordBatchLayout.LAST_OFFSET_DELTA);
                if (base < next || lastDelta < 0) {
                    problem = "offsets that do not increase (base offset " + base + ", expected at least " + next + ")";
                    break;
                }
                long last = base + lastDelta;
                if (last - baseOffset > Integer.MAX_VALUE) {
                    problem = "an offset too far from the segment's base (" + last + ")";
                    break;
                }
                int epoch = b.getInt(pos + RecordBatchLayout.PARTITION_LEADER_EPOCH);
                long maxTimestamp = b.getLong(pos + RecordBatchLayout.MAX_TIMESTAMP);
                index.add(base, last, pos, size, maxTimestamp, epoch);
                if (epoch > lastEpoch) {
                    epochs.add(new EpochEntry(epoch, base));
                    lastEpoch = epoch;
                }
                batches++;
                next = last + 1;
                pos += size;
            }
            return new Result(pos, next, index, epochs, problem, fileSize, batches);
        }
    }

    /** True when every byte from {@code from} to {@code to} is zero. */
    private static boolean zeros(MemorySegment m, long from, long to) {
        long pos = from;
        while (pos < to) {
            long n = Math.min(ZEROS.byteSize(), to - pos);
            if (MemorySegment.mismatch(m, pos, pos + n, ZEROS, 0, n) != -1) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    /** Writes both index files from a scan's entries, replacing what was there. */
    static void writeIndexes(Path dir, long baseOffset, IndexBuilder index) throws IOException {
        String name = LogFiles.offsetName(baseOffset);
        writeFile(dir.resolve(name + LogFiles.INDEX), IndexFormat.offsetFile(index));
        writeFile(dir.resolve(name + LogFiles.TIME_INDEX), IndexFormat.timeFile(index));
    }

    private static void writeFile(Path file, ByteBuffer content) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                ch.write(content);
            }
        }
    }
}

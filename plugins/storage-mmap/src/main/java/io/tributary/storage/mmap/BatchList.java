package io.tributary.storage.mmap;

import io.tributary.spi.storage.CorruptRecordException;
import io.tributary.spi.storage.RecordBatchLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The batches of one append, as parsed from the caller's buffer: where each starts, its size,
 * offsets, timestamp and epoch. The writer reuses one instance per partition. Not thread-safe.
 */
final class BatchList {
    private static final int MIN_BATCH_LENGTH = RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD;

    private int count;
    private int[] positions = new int[4];
    private int[] sizes = new int[4];
    private int[] lastDeltas = new int[4];
    private int[] epochs = new int[4];
    private long[] baseOffsets = new long[4];
    private long[] maxTimestamps = new long[4];

    /**
     * Reads the batch headers of {@code src} (position to limit, absolute reads, the buffer is not
     * changed) and checks what the engine relies on: whole batches, sane lengths, magic 2.
     *
     * @throws CorruptRecordException naming the first problem
     */
    void parse(ByteBuffer src) {
        count = 0;
        int start = src.position();
        int limit = src.limit();
        if (limit == start) {
            throw new CorruptRecordException("No record batch to append");
        }
        int pos = start;
        while (pos < limit) {
            if (limit - pos < RecordBatchLayout.HEADER_SIZE) {
                throw new CorruptRecordException(
                        "Truncated record batch at byte " + (pos - start) + ": " + (limit - pos) + " bytes left");
            }
            int length = src.getInt(pos + RecordBatchLayout.BATCH_LENGTH);
            if (length < MIN_BATCH_LENGTH || (long) pos + RecordBatchLayout.LOG_OVERHEAD + length > limit) {
                throw new CorruptRecordException("Record batch at byte " + (pos - start) + " declares length " + length
                        + " but " + (limit - pos - RecordBatchLayout.LOG_OVERHEAD) + " bytes follow");
            }
            byte magic = src.get(pos + RecordBatchLayout.MAGIC);
            if (magic != RecordBatchLayout.CURRENT_MAGIC) {
                throw new CorruptRecordException(
                        "Record batch at byte " + (pos - start) + " has magic " + magic + ", only 2 is stored");
            }
            int lastDelta = src.getInt(pos + RecordBatchLayout.LAST_OFFSET_DELTA);
            if (lastDelta < 0) {
                throw new CorruptRecordException(
                        "Record batch at byte " + (pos - start) + " has a negative last offset delta " + lastDelta);
            }
            grow();
            positions[count] = pos - start;
            sizes[count] = RecordBatchLayout.LOG_OVERHEAD + length;
            lastDeltas[count] = lastDelta;
            baseOffsets[count] = src.getLong(pos + RecordBatchLayout.BASE_OFFSET);
            epochs[count] = src.getInt(pos + RecordBatchLayout.PARTITION_LEADER_EPOCH);
            maxTimestamps[count] = src.getLong(pos + RecordBatchLayout.MAX_TIMESTAMP);
            count++;
            pos += RecordBatchLayout.LOG_OVERHEAD + length;
        }
    }

    /** A leader's append: consecutive offsets from {@code firstOffset}, every batch in {@code epoch}. */
    void assignOffsets(long firstOffset, int epoch) {
        long next = firstOffset;
        for (int i = 0; i < count; i++) {
            baseOffsets[i] = next;
            epochs[i] = epoch;
            next += lastDeltas[i] + 1L;
        }
    }

    /**
     * A follower's append: offsets as stored by the leader, starting at or after {@code
     * logEndOffset} and increasing.
     *
     * @throws CorruptRecordException otherwise
     */
    void checkFollowerOffsets(long logEndOffset) {
        long next = logEndOffset;
        for (int i = 0; i < count; i++) {
            if (baseOffsets[i] < next) {
                throw new CorruptRecordException(
                        i == 0
                                ? "First batch base offset " + baseOffsets[i] + " is below the log end offset "
                                        + logEndOffset
                                : "Batch base offset " + baseOffsets[i] + " does not follow the previous batch (next "
                                        + next + ")");
            }
            next = lastOffset(i) + 1;
        }
    }

    private void grow() {
        if (count == positions.length) {
            int n = count * 2;
            positions = Arrays.copyOf(positions, n);
            sizes = Arrays.copyOf(sizes, n);
            lastDeltas = Arrays.copyOf(lastDeltas, n);
            epochs = Arrays.copyOf(epochs, n);
            baseOffsets = Arrays.copyOf(baseOffsets, n);
            maxTimestamps = Arrays.copyOf(maxTimestamps, n);
        }
    }

    int count() {
        return count;
    }

    /** Start of batch {@code i}, relative to the buffer's position. */
    int position(int i) {
        return positions[i];
    }

    int size(int i) {
        return sizes[i];
    }

    long baseOffset(int i) {
        return baseOffsets[i];
    }

    long lastOffset(int i) {
        return baseOffsets[i] + lastDeltas[i];
    }

    long maxTimestamp(int i) {
        return maxTimestamps[i];
    }

    int epoch(int i) {
        return epochs[i];
    }

    long bytes(int from, int to) {
        long b = 0;
        for (int i = from; i < to; i++) {
            b += sizes[i];
        }
        return b;
    }
}

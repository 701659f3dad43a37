package io.tributary.metadata.raft.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RaftLog} in segment files named after their first offset ({@code
 * 00000000000000000000.log}). A segment starts with a 20-byte header (magic "TRML", format
 * version, base offset, CRC32C) and holds {@link BatchFormat} frames. Only the newest segment is
 * written; a new one starts when older entries are trimmed after a snapshot.
 *
 * <p>Recovery on open: sealed segments must be whole. In the newest segment, bytes after the
 * last valid batch are a torn write, discarded, only if no valid batch follows them anywhere;
 * otherwise the damage is in the middle of the log and opening fails with {@link
 * CorruptLogException}, because dropping what follows could lose committed metadata.
 *
 * <p>Not thread-safe.
 */
public final class FileRaftLog implements RaftLog {
    private static final Logger log = LoggerFactory.getLogger(FileRaftLog.class);

    static final String SUFFIX = ".log";
    private static final String PART_SUFFIX = ".part";
    private static final int MAGIC = 0x54524D4C; // "TRML"
    private static final short SEGMENT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 4 + 2 + 2 + 8 + 4;

    private final Path dir;
    private final List<Segment> segments;
    private long endOffset;
    private int lastEpoch;

    /** Where a batch sits in its segment. */
    private record BatchPosition(long position, int frameBytes, int epoch, long nextOffset) {}

    private static final class Segment {
        final Path path;
        final long baseOffset;
        final FileChannel channel;
        final TreeMap<Long, BatchPosition> batches = new TreeMap<>();
        long size = SEGMENT_HEADER_BYTES;

        Segment(Path path, long baseOffset, FileChannel channel) {
            this.path = path;
            this.baseOffset = baseOffset;
            this.channel = channel;
        }

        long endOffset() {
            return batches.isEmpty()
                    ? baseOffset
                    : batches.lastEntry().getValue().nextOffset();
        }
    }

    private FileRaftLog(Path dir, List<Segment> segments) {
        this.dir = dir;
        this.segments = segments;
        this.endOffset = segments.getLast().endOffset();
        this.lastEpoch = lastBatchEpoch();
    }

    /**
     * Opens (recovering) the log in {@code dir}, creating it empty at {@code emptyStartOffset}
     * when it holds no segment.
     *
     * @throws CorruptLogException if the log holds damage that is not a torn tail
     * @throws UncheckedIOException if the files cannot be read or written
     */
    public static FileRaftLog open(Path dir, long emptyStartOffset) {
        try {
            Files.createDirectories(dir);
            deleteLeftoverParts(dir);
            List<Path> files;
            files = listEndingWith(dir, SUFFIX);
            List<Segment> segments = new ArrayList<>();
            try {
                for (int i = 0; i < files.size(); i++) {
                    boolean newest = i == files.size() - 1;
                    long expectedBase =
                            segments.isEmpty() ? -1 : segments.getLast().endOffset();
                    int previousEpoch = segments.isEmpty() ? -1 : lastEpochOf(segments.getLast());
                    segments.add(recover(files.get(i), expectedBase, previousEpoch, newest));
                }
                if (segments.isEmpty()) {
                    segments.add(createSegment(dir, emptyStartOffset));
                }
            } catch (RuntimeException | IOException e) {
                closeAll(segments);
                throw e;
            }
            return new FileRaftLog(dir, segments);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the metadata log in " + dir, e);
        }
    }

    private static void deleteLeftoverParts(Path dir) throws IOException {
        for (Path p : listEndingWith(dir, SUFFIX + PART_SUFFIX)) {
            Files.delete(p); // a segment whose creation did not finish holds no entries
        }
    }

    /** The files in {@code dir} whose names end with {@code suffix}, sorted. */
    private static List<Path> listEndingWith(Path dir, String suffix) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            for (Path p : list) {
                if (p.getFileName().toString().endsWith(suffix)) {
                    found.add(p);
                }
            }
        }
        Collections.sort(found);
        return found;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static long parseBaseOffset(Path file) {
        String name = file.getFileName().toString();
        String digits = name.substring(0, name.length() - SUFFIX.length());
        if (digits.length() != 20 || !allDigits(digits)) {
            throw new CorruptLogException("Unexpected file in the metadata log directory: " + file);
        }
        return Long.parseLong(digits);
    }

    private static Segment recover(Path file, long expectedBase, int previousEpoch, boolean newest) throws IOException {
        long base = parseBaseOffset(file);
        if (expectedBase >= 0 && base != expectedBase) {
            throw new CorruptLogException("Metadata log segment " + file + " starts at offset " + base
                    + " but the previous segment ends at " + expectedBase + ": entries are missing");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment segment = new Segment(file, base, channel);
        try {
            long fileSize = channel.size();
            checkHeader(file, channel, fileSize, base);
            long position = SEGMENT_HEADER_BYTES;
            long expectedOffset = base;
            int epoch = previousEpoch;
            ByteBuffer header = ByteBuffer.allocate(BatchFormat.FRAME_HEADER_BYTES);
            while (position < fileSize) {
                String problem = null;
                LogBatch batch = null;
                int length = -1;
                if (fileSize - position < BatchFormat.FRAME_HEADER_BYTES) {
                    problem = "an incomplete batch header";
                } else {
                    readFully(channel, header.clear(), position);
                    length = header.getInt(0);
                    if (!BatchFormat.plausibleLength(length, fileSize - position - BatchFormat.FRAME_HEADER_BYTES)) {
                        problem = "a batch length of " + length + " with " + (fileSize - position) + " bytes left";
                    } else {
                        byte[] body = new byte[length];
                        readFully(channel, ByteBuffer.wrap(body), position + BatchFormat.FRAME_HEADER_BYTES);
                        if (!BatchFormat.bodyMatches(body, 0, length, header.getInt(4))) {
                            problem = "a batch whose CRC does not match";
                        } else {
                            batch = BatchFormat.decodeBody(ByteBuffer.wrap(body));
                        }
                    }
                }
                if (problem != null) {
                    if (!newest) {
                        throw new CorruptLogException("Sealed metadata log segment " + file + " holds " + problem
                                + " at position " + position + "; refusing to drop committed metadata");
                    }
                    long validAt = findValidFrameAfter(channel, position, fileSize);
                    if (validAt >= 0) {
                        throw new CorruptLogException("Metadata log segment " + file + " holds " + problem
                                + " at position " + position + ", followed by a valid batch at position " + validAt
                                + ": the log is damaged in the middle and opening it would lose committed metadata."
                                + " Restore the directory from a backup or remove it to start empty.");
                    }
                    log.atWarn()
                            .addKeyValue("file", file)
                            .addKeyValue("position", position)
                            .addKeyValue("discardedBytes", fileSize - position)
                            .log("Discarding a torn write at the tail of the metadata log ({})", problem);
                    channel.truncate(position);
                    channel.force(true);
                    break;
                }
                if (batch.baseOffset() != expectedOffset) {
                    throw new CorruptLogException("Metadata log segment " + file + " holds a batch at offset "
                            + batch.baseOffset() + " where offset " + expectedOffset + " was expected");
                }
                if (batch.epoch() < epoch) {
                    throw new CorruptLogException("Metadata log segment " + file + " holds a batch of epoch "
                            + batch.epoch() + " after one of epoch " + epoch);
                }
                int frameBytes = BatchFormat.FRAME_HEADER_BYTES + length;
                segment.batches.put(
                        batch.baseOffset(), new BatchPosition(position, frameBytes, batch.epoch(), batch.nextOffset()));
                epoch = batch.epoch();
                expectedOffset = batch.nextOffset();
                position += frameBytes;
            }
            segment.size = position;
            return segment;
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    private static void checkHeader(Path file, FileChannel channel, long fileSize, long base) throws IOException {
        if (fileSize < SEGMENT_HEADER_BYTES) {
            throw new CorruptLogException("Metadata log segment " + file + " is shorter than its header");
        }
        ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        readFully(channel, header, 0);
        int magic = header.getInt(0);
        short version = header.getShort(4);
        long headerBase = header.getLong(8);
        int crc = header.getInt(16);
        if (magic != MAGIC || BatchFormat.crc(header.array(), 0, 16) != crc) {
            throw new CorruptLogException("Metadata log segment " + file + " has a damaged header");
        }
        if (version != SEGMENT_VERSION) {
            throw new CorruptLogException("Metadata log segment " + file + " has format version " + version
                    + "; this Tributary reads version " + SEGMENT_VERSION);
        }
        if (headerBase != base) {
            throw new CorruptLogException(
                    "Metadata log segment " + file + " says it starts at offset " + headerBase + ", not " + base);
        }
    }

    /**
     * The position of the first complete, CRC-valid batch frame after {@code from}, or -1. Used only
     * after damage was found, to tell a torn tail (nothing valid follows) from damage in the middle.
     */
    private static long findValidFrameAfter(FileChannel channel, long from, long fileSize) throws IOException {
        long tailSize = fileSize - from;
        if (tailSize > Integer.MAX_VALUE - 16) {
            throw new CorruptLogException("Metadata log tail of " + tailSize + " bytes is too large to inspect");
        }
        byte[] tail = new byte[(int) tailSize];
        readFully(channel, ByteBuffer.wrap(tail), from);
        ByteBuffer view = ByteBuffer.wrap(tail);
        int minFrame = BatchFormat.FRAME_HEADER_BYTES + BatchFormat.BODY_HEADER_BYTES;
        for (int i = 1; i + minFrame <= tail.length; i++) {
            int length = view.getInt(i);
            if (BatchFormat.plausibleLength(length, tail.length - i - BatchFormat.FRAME_HEADER_BYTES)
                    && BatchFormat.bodyMatches(tail, i + BatchFormat.FRAME_HEADER_BYTES, length, view.getInt(i + 4))) {
                return from + i;
            }
        }
        return -1;
    }

    private static Segment createSegment(Path dir, long baseOffset) throws IOException {
        Path path = dir.resolve(fileName(baseOffset));
        Path part = dir.resolve(fileName(baseOffset) + PART_SUFFIX);
        ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        header.putInt(MAGIC).putShort(SEGMENT_VERSION).putShort((short) 0).putLong(baseOffset);
        header.putInt(BatchFormat.crc(header.array(), 0, 16)).flip();
        // Written under a temporary name and renamed, so a segment file always has a whole header.
        try (FileChannel channel = FileChannel.open(
                part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, header, 0);
            channel.force(true);
        }
        Files.move(part, path, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(dir);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(path, baseOffset, channel);
    }

    static String fileName(long baseOffset) {
        return zeroPadded(baseOffset, 20) + SUFFIX;
    }

    /**
     * {@code value} (not negative) in at least {@code width} digits, zeros in front. Not
     * String.format: its first use costs ~15 ms of a broker's start (Formatter's set-up).
     */
    static String zeroPadded(long value, int width) {
        String digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    @Override
    public long startOffset() {
        return segments.getFirst().baseOffset;
    }

    @Override
    public long endOffset() {
        return endOffset;
    }

    @Override
    public int lastEpoch() {
        return lastEpoch;
    }

    @Override
    public LogBatch append(int epoch, long appendTimeMs, List<ByteBuffer> records) {
        if (epoch < lastEpoch) {
            throw new IllegalArgumentException("Cannot append in epoch " + epoch + " after epoch " + lastEpoch);
        }
        LogBatch batch = new LogBatch(endOffset, epoch, appendTimeMs, records);
        ByteBuffer frame = BatchFormat.encode(batch);
        Segment active = segments.getLast();
        int frameBytes = frame.remaining();
        try {
            writeFully(active.channel, frame, active.size);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the metadata log " + active.path, e);
        }
        active.batches.put(batch.baseOffset(), new BatchPosition(active.size, frameBytes, epoch, batch.nextOffset()));
        active.size += frameBytes;
        endOffset = batch.nextOffset();
        lastEpoch = epoch;
        return batch;
    }

    @Override
    public void flush() {
        Segment active = segments.getLast();
        try {
            active.channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot sync the metadata log " + active.path, e);
        }
    }

    @Override
    public List<LogBatch> read(long fromOffset, int maxBytes) {
        if (fromOffset < startOffset()) {
            throw new IllegalArgumentException(
                    "Offset " + fromOffset + " is below the log start offset " + startOffset());
        }
        List<LogBatch> result = new ArrayList<>();
        long bytes = 0;
        for (Segment segment : segments) {
            if (segment.endOffset() <= fromOffset) {
                continue;
            }
            Long first = segment.batches.floorKey(fromOffset);
            Map<Long, BatchPosition> tail = first == null ? segment.batches : segment.batches.tailMap(first, true);
            for (BatchPosition position : tail.values()) {
                if (!result.isEmpty() && bytes + position.frameBytes() > maxBytes) {
                    return result;
                }
                result.add(readBatch(segment, position));
                bytes += position.frameBytes();
            }
        }
        return result;
    }

    private static LogBatch readBatch(Segment segment, BatchPosition position) {
        ByteBuffer frame = ByteBuffer.allocate(position.frameBytes());
        try {
            readFully(segment.channel, frame, position.position());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the metadata log " + segment.path, e);
        }
        int length = frame.getInt(0);
        if (!BatchFormat.bodyMatches(frame.array(), BatchFormat.FRAME_HEADER_BYTES, length, frame.getInt(4))) {
            throw new CorruptLogException("Metadata log batch at position " + position.position() + " of "
                    + segment.path + " changed on disk since it was written");
        }
        return BatchFormat.decodeBody(frame.position(BatchFormat.FRAME_HEADER_BYTES));
    }

    @Override
    public int epochOf(long offset) {
        for (Segment segment : segments.reversed()) {
            if (offset >= segment.baseOffset) {
                Map.Entry<Long, BatchPosition> entry = segment.batches.floorEntry(offset);
                if (entry != null && offset < entry.getValue().nextOffset()) {
                    return entry.getValue().epoch();
                }
                break;
            }
        }
        throw new IllegalArgumentException("The metadata log does not hold offset " + offset);
    }

    @Override
    public void truncateTo(long offset) {
        if (offset == endOffset) {
            return;
        }
        if (offset < startOffset() || offset > endOffset) {
            throw new IllegalArgumentException("Cannot truncate to offset " + offset + " outside the log ["
                    + startOffset() + ", " + endOffset + "]");
        }
        try {
            while (segments.size() > 1 && segments.getLast().baseOffset >= offset) {
                Segment removed = segments.removeLast();
                removed.channel.close();
                Files.delete(removed.path);
            }
            Segment active = segments.getLast();
            if (offset < active.endOffset()) {
                BatchPosition position = active.batches.get(offset);
                if (position == null && offset != active.baseOffset) {
                    throw new IllegalArgumentException("Offset " + offset + " is not a batch boundary");
                }
                long newSize = position == null ? SEGMENT_HEADER_BYTES : position.position();
                active.batches.tailMap(offset, true).clear();
                active.channel.truncate(newSize);
                active.channel.force(true);
                active.size = newSize;
            }
            DurableFiles.syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot truncate the metadata log in " + dir, e);
        }
        endOffset = segments.getLast().endOffset();
        lastEpoch = lastBatchEpoch();
    }

    @Override
    public void trimBefore(long offset) {
        if (offset > endOffset) {
            throw new IllegalArgumentException("Cannot trim to offset " + offset + " beyond the end " + endOffset);
        }
        try {
            Segment active = segments.getLast();
            if (offset == endOffset && !active.batches.isEmpty()) {
                // Start a new segment so that the whole of the old one can go.
                flush();
                segments.add(createSegment(dir, endOffset));
            }
            // Oldest first, so the segments left are always contiguous if this stops half-way.
            while (segments.size() > 1 && segments.get(1).baseOffset <= offset) {
                Segment removed = segments.getFirst();
                removed.channel.close();
                Files.delete(removed.path);
                segments.removeFirst();
            }
            DurableFiles.syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot trim the metadata log in " + dir, e);
        }
    }

    private int lastBatchEpoch() {
        for (Segment segment : segments.reversed()) {
            if (!segment.batches.isEmpty()) {
                return lastEpochOf(segment);
            }
        }
        return -1;
    }

    private static int lastEpochOf(Segment segment) {
        return segment.batches.isEmpty()
                ? -1
                : segment.batches.lastEntry().getValue().epoch();
    }

    @Override
    public void close() {
        closeAll(segments);
    }

    private static void closeAll(List<Segment> segments) {
        for (Segment segment : segments) {
            try {
                segment.channel.close();
            } catch (IOException e) {
                log.warn("Cannot close metadata log segment {}", segment.path, e);
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("Unexpected end of file at position " + at);
            }
            at += n;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}

package io.tributary.storage.mmap;

import io.tributary.spi.storage.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;

/**
 * Walks batch headers of a segment file with positional reads, a window of a few KiB at a time,
 * so that small batches cost one read per window rather than one per batch. Only headers are
 * read and only their structure is checked (lengths within the limit); CRCs are recovery's job.
 * The window buffer comes from a per-thread pool and goes back on {@link #close()}. Not
 * thread-safe; use one cursor per thread.
 */
final class BatchCursor implements AutoCloseable {
    static final int WINDOW = 8192;
    private static final int MIN_BATCH_LENGTH = RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD;
    private static final ThreadLocal<ArrayDeque<ByteBuffer>> POOL = ThreadLocal.withInitial(ArrayDeque::new);

    private final FileChannel channel;
    private final long limit;
    private final ByteBuffer window;
    private long windowStart;
    private int windowLength;

    private long position = -1;
    private int size;
    private long baseOffset;
    private int leaderEpoch;
    private int lastOffsetDelta;
    private long maxTimestamp;

    /**
     * @param limit bytes of the file that hold whole batches; headers past it are not read
     */
    BatchCursor(FileChannel channel, long limit) {
        this.channel = channel;
        this.limit = limit;
        ByteBuffer b = POOL.get().pollFirst();
        this.window = b != null ? b : ByteBuffer.allocateDirect(WINDOW).order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * Reads the header of the batch at {@code pos}. False when there is no whole, sane batch
     * there (the end of the data).
     */
    boolean at(long pos) throws IOException {
        position = pos;
        size = 0;
        if (pos < 0 || pos + RecordBatchLayout.HEADER_SIZE > limit) {
            return false;
        }
        if (pos < windowStart || pos + RecordBatchLayout.HEADER_SIZE > windowStart + windowLength) {
            fill(pos);
            if (windowLength < RecordBatchLayout.HEADER_SIZE) {
                return false;
            }
        }
        int at = (int) (pos - windowStart);
        int length = window.getInt(at + RecordBatchLayout.BATCH_LENGTH);
        if (length < MIN_BATCH_LENGTH || pos + RecordBatchLayout.LOG_OVERHEAD + (long) length > limit) {
            return false;
        }
        size = RecordBatchLayout.LOG_OVERHEAD + length;
        baseOffset = window.getLong(at + RecordBatchLayout.BASE_OFFSET);
        leaderEpoch = window.getInt(at + RecordBatchLayout.PARTITION_LEADER_EPOCH);
        lastOffsetDelta = window.getInt(at + RecordBatchLayout.LAST_OFFSET_DELTA);
        maxTimestamp = window.getLong(at + RecordBatchLayout.MAX_TIMESTAMP);
        return true;
    }

    /** Moves to the batch after the current one. */
    boolean next() throws IOException {
        return at(position + size);
    }

    private void fill(long pos) throws IOException {
        window.clear();
        window.limit((int) Math.min(WINDOW, limit - pos));
        windowStart = pos;
        while (window.hasRemaining()) {
            int n = channel.read(window, pos + window.position());
            if (n < 0) {
                break;
            }
        }
        windowLength = window.position();
    }

    long position() {
        return position;
    }

    /** Position just after the current batch. */
    long end() {
        return position + size;
    }

    int size() {
        return size;
    }

    long baseOffset() {
        return baseOffset;
    }

    long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    @Override
    public void close() {
        ArrayDeque<ByteBuffer> pool = POOL.get();
        if (pool.size() < 4) {
            pool.addFirst(window);
        }
    }
}

package io.tributary.storage.mmap;

import io.tributary.spi.storage.IoThrottle;
import io.tributary.spi.storage.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads whole batches of a segment file in order, through a buffer of {@code ioBytes} (grown for
 * a batch larger than it), so that small batches cost a read per buffer, not per batch. For
 * compaction: every read is reported to the throttle. Only structure is checked (lengths within
 * the limit, magic 2); a segment below the recovery point was checked when it was recovered.
 * Not thread-safe.
 */
final class BatchReader {
    private final IoThrottle throttle;
    private ByteBuffer buf;
    private FileChannel channel;
    private long limit;
    /** File position of buf's index 0. */
    private long bufStart;

    private int batchStart = -1;
    private int batchSize;
    private long bytesRead;

    BatchReader(int ioBytes, IoThrottle throttle) {
        this.buf = ByteBuffer.allocate(ioBytes);
        this.throttle = throttle;
    }

    /** Starts on a file holding whole batches in {@code [0, limit)}. */
    void reset(FileChannel channel, long limit) {
        this.channel = channel;
        this.limit = limit;
        this.bufStart = 0;
        this.batchStart = -1;
        this.batchSize = 0;
        buf.clear().limit(0);
    }

    /**
     * Moves to the next batch: {@link #buffer()} then holds it at {@link #start()}.
     *
     * @return false at the end of the data
     * @throws IOException on a read error or bytes that are not a batch
     */
    boolean next() throws IOException {
        long pos = batchStart < 0 ? 0 : bufStart + batchStart + batchSize;
        if (pos >= limit) {
            return false;
        }
        if (!ensure(pos, RecordBatchLayout.HEADER_SIZE)) {
            throw new IOException("A truncated batch header at position " + pos);
        }
        int at = (int) (pos - bufStart);
        int size = RecordBatchLayout.totalSize(buf, at);
        if (size < RecordBatchLayout.HEADER_SIZE
                || buf.get(at + RecordBatchLayout.MAGIC) != RecordBatchLayout.CURRENT_MAGIC) {
            throw new IOException("Not a v2 batch at position " + pos);
        }
        if (!ensure(pos, size)) {
            throw new IOException("A truncated batch at position " + pos);
        }
        batchStart = (int) (pos - bufStart);
        batchSize = size;
        return true;
    }

    /** Makes {@code [pos, pos + n)} of the file available in buf; false when the data ends first. */
    private boolean ensure(long pos, int n) throws IOException {
        if (pos + n > limit) {
            return false;
        }
        if (pos >= bufStart && pos + n <= bufStart + buf.limit()) {
            return true;
        }
        if (buf.capacity() < n) {
            buf = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2));
        }
        // Keep what is already read from pos on, read the rest.
        int keep = 0;
        if (pos >= bufStart && pos < bufStart + buf.limit()) {
            keep = (int) (bufStart + buf.limit() - pos);
            buf.position((int) (pos - bufStart)).limit((int) (pos - bufStart) + keep);
            buf.compact();
        } else {
            buf.clear();
        }
        bufStart = pos;
        buf.position(keep).limit((int) Math.min(buf.capacity(), limit - pos));
        while (buf.position() < n) {
            int r = channel.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("The file ends at " + (pos + buf.position()) + ", before " + limit);
            }
            bytesRead += r;
            throttle.onIo(r);
        }
        buf.limit(buf.position()).position(0);
        return true;
    }

    /** The buffer holding the current batch (big-endian, absolute accessors). */
    ByteBuffer buffer() {
        return buf;
    }

    /** The current batch's start in {@link #buffer()}. */
    int start() {
        return batchStart;
    }

    int size() {
        return batchSize;
    }

    /** The current batch's position in the file. */
    long filePosition() {
        return bufStart + batchStart;
    }

    long bytesRead() {
        return bytesRead;
    }
}

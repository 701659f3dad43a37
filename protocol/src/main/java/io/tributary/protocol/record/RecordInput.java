package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Where {@link RecordParser} reads record bytes from: a region of a {@code ByteBuf} (uncompressed
 * batches, or one record's bytes) or a decompressing stream. End of input is reported as -1 or a
 * short skip, never thrown, so that the parser can say which field was cut short.
 */
abstract sealed class RecordInput {
    /** The next byte (0-255), or -1 at the end of the input. */
    abstract int read() throws IOException;

    /** Skips up to {@code n} bytes; returns how many were skipped, fewer only at the end. */
    abstract long skip(long n) throws IOException;

    /** Bytes consumed so far, or the buffer index for {@link OfBuf}. */
    abstract long position();

    /** The position where the input ends, or {@link Long#MAX_VALUE} while unknown (streams). */
    abstract long limit();

    /**
     * A region {@code [start, end)} of a buffer; positions are buffer indexes. Reads go through a
     * {@link ByteBuffer} view when the buffer has one contiguous region: a {@code ByteBuf} accessor
     * checks the buffer's reference count on every byte, which costs more than the byte.
     */
    static final class OfBuf extends RecordInput {
        private final ByteBuf buf;
        private final ByteBuffer view;
        private final int base;
        private final int end;
        private int position;

        OfBuf(ByteBuf buf, int start, int end) {
            this.buf = buf;
            this.position = start;
            this.end = end;
            this.base = start;
            this.view = buf.nioBufferCount() == 1 ? buf.nioBuffer(start, end - start) : null;
        }

        @Override
        int read() {
            if (position >= end) {
                return -1;
            }
            int i = position++;
            return (view != null ? view.get(i - base) : buf.getByte(i)) & 0xFF;
        }

        @Override
        long skip(long n) {
            int skipped = (int) Math.min(n, end - position);
            position += skipped;
            return skipped;
        }

        @Override
        long position() {
            return position;
        }

        @Override
        long limit() {
            return end;
        }
    }

    /**
     * Decompressed bytes, read through a small buffer. Counts what it has produced and refuses to
     * produce more than {@code maxBytes} (a guard against decompression bombs). Failures of the
     * codec, checked or not, surface as {@link IOException}.
     */
    static final class OfStream extends RecordInput implements AutoCloseable {
        private static final int CHUNK = 8 * 1024;

        private final InputStream in;
        private final RecordBatch batch;
        private final long maxBytes;
        private final byte[] chunk = new byte[CHUNK];
        private long chunkStart;
        private int position;
        private int limit;
        private boolean ended;

        OfStream(InputStream in, RecordBatch batch, long maxBytes) {
            this.in = in;
            this.batch = batch;
            this.maxBytes = maxBytes;
        }

        @Override
        int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return chunk[position++] & 0xFF;
        }

        @Override
        long skip(long n) throws IOException {
            long skipped = 0;
            while (skipped < n) {
                if (position == limit && !fill()) {
                    break;
                }
                int step = (int) Math.min(n - skipped, limit - position);
                position += step;
                skipped += step;
            }
            return skipped;
        }

        /**
         * Reads exactly {@code length} bytes into a new array, growing it only as bytes arrive, so
         * a record that claims more than the data holds costs no more than the data. Returns null
         * when the input ends first; {@link #position()} then tells how much there was.
         */
        byte[] readExactly(int length) throws IOException {
            byte[] out = new byte[Math.min(length, 64 * 1024)];
            int filled = 0;
            while (filled < length) {
                if (position == limit && !fill()) {
                    return null;
                }
                if (filled == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(length, 2L * out.length));
                }
                int step = Math.min(out.length - filled, limit - position);
                System.arraycopy(chunk, position, out, filled, step);
                position += step;
                filled += step;
            }
            return out;
        }

        /** Whether the decompressed data has no more bytes. */
        boolean atEnd() throws IOException {
            return position == limit && !fill();
        }

        @Override
        long position() {
            return chunkStart + position;
        }

        @Override
        long limit() {
            return Long.MAX_VALUE;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                // Nothing was written and the source is a buffer: a failing close loses nothing.
            }
        }

        private boolean fill() throws IOException {
            if (ended) {
                return false;
            }
            chunkStart += limit;
            position = 0;
            limit = 0;
            int n;
            try {
                n = in.read(chunk, 0, CHUNK);
            } catch (RuntimeException e) {
                throw new IOException(e.toString(), e);
            }
            if (n <= 0) {
                // read() may return 0 only for a zero-length request; treat anything else as the end.
                ended = true;
                return false;
            }
            if (chunkStart + n > maxBytes) {
                throw new InvalidRecordException(
                        batch.describe() + ": records decompress to more than the allowed " + maxBytes + " bytes");
            }
            limit = n;
            return true;
        }
    }
}

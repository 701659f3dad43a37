package io.tributary.protocol.record;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;
import org.xerial.snappy.SnappyErrorCode;

/**
 * Reads snappy-java's stream framing: a 16-byte header (magic {@code 0x82 "SNAPPY" 0}, version,
 * compatible version) and then chunks, each a big-endian int32 length and one raw snappy block.
 * A stream that does not start with the magic is one raw snappy block (librdkafka's output).
 *
 * <p>Ours rather than {@code SnappyInputStream} because that one allocates whatever a chunk
 * header claims (up to 512 MiB) before reading it. Here buffers grow only with bytes actually
 * read, and a block may not claim more output than snappy can produce from its size (a copy
 * element yields at most 64 bytes from 3), so neither a lying header nor a lying block length
 * can make us allocate more than a small multiple of the real input. Not thread-safe.
 */
final class XerialSnappyInputStream extends InputStream {
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_SIZE = MAGIC.length + 8;
    private static final int MAGIC_HEAD = 0x82534E41; // the first four magic bytes, as a chunk length
    private static final int MIN_COMPATIBLE_VERSION = 1;
    private static final int MAX_EXPANSION = 22; // 64 output bytes per 3 input bytes, rounded up
    private static final int INITIAL_CHUNK = 32 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final InputStream in;
    private final byte[] lengthBytes = new byte[4];
    private byte[] compressed = EMPTY;
    private byte[] uncompressed = EMPTY;
    private int position;
    private int limit;
    private boolean finished;

    XerialSnappyInputStream(InputStream in) throws IOException {
        this.in = in;
        byte[] header = new byte[HEADER_SIZE];
        int read = readUpTo(header, 0, HEADER_SIZE);
        if (read == HEADER_SIZE && Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            checkVersion(header);
        } else {
            readRawBlock(header, read);
        }
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !nextChunk()) {
            return -1;
        }
        return uncompressed[position++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == limit && !nextChunk()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(uncompressed, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        compressed = EMPTY;
        uncompressed = EMPTY;
        position = limit = 0;
        finished = true;
        in.close();
    }

    private boolean nextChunk() throws IOException {
        while (!finished) {
            int read = readUpTo(lengthBytes, 0, 4);
            if (read == 0) {
                finished = true;
                return false;
            }
            if (read < 4) {
                throw new EOFException("snappy: stream ends inside a chunk length");
            }
            int chunkLength = ((lengthBytes[0] & 0xFF) << 24)
                    | ((lengthBytes[1] & 0xFF) << 16)
                    | ((lengthBytes[2] & 0xFF) << 8)
                    | (lengthBytes[3] & 0xFF);
            if (chunkLength == MAGIC_HEAD) {
                // Concatenated streams: a fresh header where a chunk would start.
                byte[] header = Arrays.copyOf(MAGIC, HEADER_SIZE);
                if (readUpTo(header, 4, HEADER_SIZE - 4) < HEADER_SIZE - 4
                        || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                    throw new IOException("snappy: damaged stream header inside the stream");
                }
                checkVersion(header);
                continue;
            }
            if (chunkLength <= 0) {
                throw new IOException("snappy: invalid chunk length " + chunkLength);
            }
            int length = readGrowing(chunkLength);
            uncompressBlock(length);
            if (limit > 0) {
                return true;
            }
        }
        return false;
    }

    private void readRawBlock(byte[] prefix, int prefixLength) throws IOException {
        compressed = Arrays.copyOf(prefix, Math.max(INITIAL_CHUNK, prefixLength));
        int length = prefixLength;
        while (true) {
            if (length == compressed.length) {
                compressed = Arrays.copyOf(compressed, Math.multiplyExact(compressed.length, 2));
            }
            int n = in.read(compressed, length, compressed.length - length);
            if (n < 0) {
                break;
            }
            length += n;
        }
        finished = true;
        if (length == 0) {
            throw new EOFException("snappy: empty input");
        }
        uncompressBlock(length);
        compressed = EMPTY;
    }

    /** Reads exactly {@code length} bytes into {@link #compressed}, growing it as bytes arrive. */
    private int readGrowing(int length) throws IOException {
        if (compressed.length < Math.min(length, INITIAL_CHUNK)) {
            compressed = new byte[Math.min(length, INITIAL_CHUNK)];
        }
        int filled = 0;
        while (filled < length) {
            if (filled == compressed.length) {
                compressed = Arrays.copyOf(compressed, (int) Math.min(length, 2L * compressed.length));
            }
            int n = in.read(compressed, filled, Math.min(compressed.length, length) - filled);
            if (n < 0) {
                throw new EOFException("snappy: chunk claims " + length + " bytes but the stream ends after " + filled);
            }
            filled += n;
        }
        return length;
    }

    private void uncompressBlock(int length) throws IOException {
        try {
            int size = Snappy.uncompressedLength(compressed, 0, length);
            if (size < 0 || size > (long) MAX_EXPANSION * length) {
                throw new IOException("snappy: a block of " + length + " bytes cannot hold " + (size & 0xFFFFFFFFL)
                        + " uncompressed bytes");
            }
            if (uncompressed.length < size) {
                uncompressed = new byte[size];
            }
            int actual = Snappy.uncompress(compressed, 0, length, uncompressed, 0);
            if (actual != size) {
                throw new IOException("snappy: block decompressed to " + actual + " bytes, expected " + size);
            }
            position = 0;
            limit = size;
        } catch (SnappyError e) {
            if (e.errorCode == SnappyErrorCode.FAILED_TO_LOAD_NATIVE_LIBRARY) {
                throw e;
            }
            throw new IOException("snappy: " + e.getMessage(), e);
        }
    }

    private static void checkVersion(byte[] header) throws IOException {
        int version = ((header[8] & 0xFF) << 24)
                | ((header[9] & 0xFF) << 16)
                | ((header[10] & 0xFF) << 8)
                | (header[11] & 0xFF);
        if (version < MIN_COMPATIBLE_VERSION) {
            throw new IOException("snappy: unsupported stream version " + version);
        }
    }

    private int readUpTo(byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(b, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}

package io.tributary.metadata.raft.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of a {@link LogBatch}, version 1, big-endian:
 *
 * <pre>
 * length       int32   bytes after the crc field
 * crc          int32   CRC32C of those bytes
 * version      int8    1
 * baseOffset   int64
 * epoch        int32
 * appendTimeMs int64
 * recordCount  int32
 * records      recordCount x (size int32, bytes)
 * </pre>
 *
 * The CRC covers the offset and epoch too: unlike a data partition, the metadata log never
 * patches them after writing. Stateless.
 */
final class BatchFormat {
    static final byte VERSION = 1;
    /** length + crc. */
    static final int FRAME_HEADER_BYTES = 8;
    /** version + baseOffset + epoch + appendTimeMs + recordCount. */
    static final int BODY_HEADER_BYTES = 1 + 8 + 4 + 8 + 4;
    /** No writer produces more (an operation is capped well below); a larger length is damage. */
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private BatchFormat() {}

    static ByteBuffer encode(LogBatch batch) {
        long bodySize =
                BODY_HEADER_BYTES + batch.recordBytes() + 4L * batch.records().size();
        if (bodySize > MAX_BODY_BYTES) {
            throw new IllegalArgumentException(
                    "Batch of " + bodySize + " bytes exceeds the limit of " + MAX_BODY_BYTES);
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + (int) bodySize);
        frame.putInt((int) bodySize);
        frame.putInt(0); // crc, filled in below
        frame.put(VERSION);
        frame.putLong(batch.baseOffset());
        frame.putInt(batch.epoch());
        frame.putLong(batch.appendTimeMs());
        frame.putInt(batch.records().size());
        for (ByteBuffer record : batch.records()) {
            frame.putInt(record.remaining());
            frame.put(record.duplicate());
        }
        frame.putInt(4, crc(frame.array(), FRAME_HEADER_BYTES, (int) bodySize));
        return frame.flip();
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** Whether {@code length} can be the length field of a batch with {@code available} bytes after the frame header. */
    static boolean plausibleLength(int length, long available) {
        return length >= BODY_HEADER_BYTES && length <= MAX_BODY_BYTES && length <= available;
    }

    /** Whether the body (at {@code offset}, {@code length} bytes) has the version this code writes and matches {@code crc}. */
    static boolean bodyMatches(byte[] bytes, int offset, int length, int crc) {
        return bytes[offset] == VERSION && crc(bytes, offset, length) == crc;
    }

    /**
     * Decodes a body whose CRC already matched.
     *
     * @throws CorruptLogException if its inner structure is inconsistent
     */
    static LogBatch decodeBody(ByteBuffer body) {
        byte version = body.get();
        if (version != VERSION) {
            throw new CorruptLogException("Unknown metadata log batch version " + version);
        }
        long baseOffset = body.getLong();
        int epoch = body.getInt();
        long appendTimeMs = body.getLong();
        int count = body.getInt();
        if (count <= 0 || count > body.remaining() / 4) {
            throw new CorruptLogException("Invalid record count " + count + " in batch at offset " + baseOffset);
        }
        List<ByteBuffer> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = body.remaining() >= 4 ? body.getInt() : -1;
            if (size < 0 || size > body.remaining()) {
                throw new CorruptLogException("Invalid record size in batch at offset " + baseOffset);
            }
            ByteBuffer record = body.slice(body.position(), size);
            body.position(body.position() + size);
            records.add(record);
        }
        if (body.hasRemaining()) {
            throw new CorruptLogException("Trailing bytes in batch at offset " + baseOffset);
        }
        return new LogBatch(baseOffset, epoch, appendTimeMs, records);
    }
}

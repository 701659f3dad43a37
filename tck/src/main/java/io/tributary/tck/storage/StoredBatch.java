package io.tributary.tck.storage;

import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.RecordBatchLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch as a read returned it, decoded for assertions.
 *
 * @param baseOffset the stored base offset
 * @param lastOffset base offset plus last offset delta
 * @param leaderEpoch the stored partition leader epoch
 * @param maxTimestamp the batch's max timestamp
 * @param sizeInBytes the whole batch, header included
 * @param crcValid whether the stored CRC32C matches the bytes
 * @param attributes the batch attributes
 * @param values the record values as UTF-8 strings, in order
 */
public record StoredBatch(
        long baseOffset,
        long lastOffset,
        int leaderEpoch,
        long maxTimestamp,
        int sizeInBytes,
        boolean crcValid,
        short attributes,
        List<String> values) {

    /**
     * Decodes every batch in {@code bytes} (position to limit).
     *
     * @throws IllegalArgumentException if the bytes do not end on a batch boundary
     */
    public static List<StoredBatch> parseAll(ByteBuffer bytes) {
        ByteBuffer b = bytes.slice();
        List<StoredBatch> out = new ArrayList<>();
        int pos = 0;
        while (pos < b.limit()) {
            if (b.limit() - pos < RecordBatchLayout.HEADER_SIZE) {
                throw new IllegalArgumentException("partial batch header at " + pos);
            }
            int size = RecordBatchLayout.totalSize(b, pos);
            if (size < RecordBatchLayout.HEADER_SIZE || pos + size > b.limit()) {
                throw new IllegalArgumentException("partial or malformed batch at " + pos + " (size " + size + ")");
            }
            boolean crcValid = RecordBatchLayout.isValidBatch(b, pos, pos + size);
            out.add(new StoredBatch(
                    RecordBatchLayout.baseOffset(b, pos),
                    RecordBatchLayout.lastOffset(b, pos),
                    RecordBatchLayout.partitionLeaderEpoch(b, pos),
                    RecordBatchLayout.maxTimestamp(b, pos),
                    size,
                    crcValid,
                    RecordBatchLayout.attributes(b, pos),
                    crcValid ? values(b, pos, size) : List.of()));
            pos += size;
        }
        return out;
    }

    /** The bytes of a slice, copied out of it (the slice is not released). */
    public static ByteBuffer bytesOf(LogSlice slice) {
        return switch (slice) {
            case LogSlice.Memory m -> {
                ByteBuffer copy = ByteBuffer.allocate(m.sizeInBytes());
                copy.put(m.buffer());
                yield copy.flip();
            }
            case LogSlice.FileRegion f -> {
                ByteBuffer copy = ByteBuffer.allocate(f.sizeInBytes());
                try {
                    while (copy.hasRemaining()) {
                        int n = f.channel().read(copy, f.position() + copy.position());
                        if (n < 0) {
                            throw new IllegalStateException("file region ends early: " + f);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                yield copy.flip();
            }
        };
    }

    /** Decodes a slice's batches, then releases it. */
    public static List<StoredBatch> parseAndRelease(LogSlice slice) {
        try {
            return parseAll(bytesOf(slice));
        } finally {
            slice.release();
        }
    }

    public boolean isControl() {
        return (attributes & RecordBatchLayout.CONTROL_FLAG) != 0;
    }

    public boolean isTransactional() {
        return (attributes & RecordBatchLayout.TRANSACTIONAL_FLAG) != 0;
    }

    private static List<String> values(ByteBuffer b, int start, int size) {
        if ((RecordBatchLayout.attributes(b, start) & RecordBatchLayout.COMPRESSION_MASK) != 0) {
            return List.of(); // compressed: the TCK never writes these
        }
        int count = RecordBatchLayout.recordsCount(b, start);
        ByteBuffer r = b.slice(start + RecordBatchLayout.HEADER_SIZE, size - RecordBatchLayout.HEADER_SIZE);
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long length = readVarlong(r);
            int end = r.position() + (int) length;
            r.get(); // attributes
            readVarlong(r); // timestamp delta
            readVarlong(r); // offset delta
            long keyLength = readVarlong(r);
            if (keyLength > 0) {
                r.position(r.position() + (int) keyLength);
            }
            int valueLength = (int) readVarlong(r);
            byte[] value = new byte[Math.max(valueLength, 0)];
            r.get(value);
            values.add(new String(value, StandardCharsets.UTF_8));
            r.position(end);
        }
        return values;
    }

    private static long readVarlong(ByteBuffer b) {
        long raw = 0;
        int shift = 0;
        while (true) {
            byte x = b.get();
            raw |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }
}

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
 * @param values the record values as UTF-8 strings, in order (null for a tombstone)
 * @param records the records (empty for a batch with a bad CRC)
 * @param producerId the producer id, -1 for none
 * @param recordCount the record count the header declares
 * @param baseTimestamp the base timestamp (the delete horizon when {@link #deleteHorizonMs()} is set)
 */
public record StoredBatch(
        long baseOffset,
        long lastOffset,
        int leaderEpoch,
        long maxTimestamp,
        int sizeInBytes,
        boolean crcValid,
        short attributes,
        List<String> values,
        List<StoredRecord> records,
        long producerId,
        int recordCount,
        long baseTimestamp) {

    /**
     * One record of a stored batch.
     *
     * @param offset its offset (base offset plus its delta)
     * @param key the key as UTF-8, null when it has none
     * @param value the value as UTF-8, null for a tombstone
     * @param timestamp its timestamp (base timestamp plus its delta)
     * @param keyBytes the raw key, null when it has none
     */
    public record StoredRecord(long offset, String key, String value, long timestamp, byte[] keyBytes) {}

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
            List<StoredRecord> records = crcValid ? records(b, pos, size) : List.of();
            List<String> values = new ArrayList<>(records.size());
            for (StoredRecord r : records) {
                values.add(r.value());
            }
            out.add(new StoredBatch(
                    RecordBatchLayout.baseOffset(b, pos),
                    RecordBatchLayout.lastOffset(b, pos),
                    RecordBatchLayout.partitionLeaderEpoch(b, pos),
                    RecordBatchLayout.maxTimestamp(b, pos),
                    size,
                    crcValid,
                    RecordBatchLayout.attributes(b, pos),
                    java.util.Collections.unmodifiableList(values),
                    records,
                    RecordBatchLayout.producerId(b, pos),
                    RecordBatchLayout.recordsCount(b, pos),
                    RecordBatchLayout.baseTimestamp(b, pos)));
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

    /** The delete horizon compaction stamped on the batch, or -1. */
    public long deleteHorizonMs() {
        return (attributes & RecordBatchLayout.DELETE_HORIZON_FLAG) != 0 ? baseTimestamp : -1;
    }

    /** The codec bits of the attributes (0 none, 1 gzip, ...). */
    public int compression() {
        return attributes & RecordBatchLayout.COMPRESSION_MASK;
    }

    private static List<StoredRecord> records(ByteBuffer b, int start, int size) {
        int codec = RecordBatchLayout.compression(b, start);
        ByteBuffer r = b.slice(start + RecordBatchLayout.HEADER_SIZE, size - RecordBatchLayout.HEADER_SIZE);
        if (codec == 1) {
            byte[] in = new byte[r.remaining()];
            r.get(in);
            try (java.util.zip.GZIPInputStream gz =
                    new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                r = ByteBuffer.wrap(gz.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else if (codec != 0) {
            return List.of(); // the TCK writes no other codec
        }
        int count = RecordBatchLayout.recordsCount(b, start);
        long baseOffset = RecordBatchLayout.baseOffset(b, start);
        long baseTimestamp = RecordBatchLayout.baseTimestamp(b, start);
        List<StoredRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long length = readVarlong(r);
            int end = r.position() + (int) length;
            r.get(); // attributes
            long timestampDelta = readVarlong(r);
            long offsetDelta = readVarlong(r);
            int keyLength = (int) readVarlong(r);
            byte[] key = null;
            if (keyLength >= 0) {
                key = new byte[keyLength];
                r.get(key);
            }
            int valueLength = (int) readVarlong(r);
            String value = null;
            if (valueLength >= 0) {
                byte[] v = new byte[valueLength];
                r.get(v);
                value = new String(v, StandardCharsets.UTF_8);
            }
            records.add(new StoredRecord(
                    baseOffset + offsetDelta,
                    key == null ? null : new String(key, StandardCharsets.UTF_8),
                    value,
                    baseTimestamp + timestampDelta,
                    key));
            r.position(end);
        }
        return List.copyOf(records);
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

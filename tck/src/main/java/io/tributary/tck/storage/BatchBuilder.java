package io.tributary.tck.storage;

import io.tributary.spi.storage.RecordBatchLayout;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes Kafka v2 record batches for tests, with a valid CRC32C: keyed records, tombstones (null
 * values), transaction markers, gzip. The TCK must not depend on the protocol module, so this is
 * a deliberately tiny writer: records have no headers. Not thread-safe; build one batch per
 * builder.
 */
public final class BatchBuilder {
    /** Kafka's "no producer id" and friends. */
    public static final long NO_PRODUCER_ID = -1;

    private long baseOffset;
    private int leaderEpoch = -1;
    private long producerId = NO_PRODUCER_ID;
    private short producerEpoch = -1;
    private int baseSequence = -1;
    private boolean transactional;
    private boolean control;
    private boolean gzip;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();

    private BatchBuilder() {}

    public static BatchBuilder batch() {
        return new BatchBuilder();
    }

    /**
     * A batch of {@code count} records valued {@code prefix-0}, {@code prefix-1}, ..., all
     * stamped {@code timestamp}.
     */
    public static ByteBuffer records(String prefix, int count, long timestamp) {
        BatchBuilder b = batch();
        for (int i = 0; i < count; i++) {
            b.record(prefix + "-" + i, timestamp);
        }
        return b.build();
    }

    /** Concatenates whole batches into one buffer, as a produce request carries them. */
    public static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer b : batches) {
            all.put(b.duplicate());
        }
        return all.flip();
    }

    public BatchBuilder baseOffset(long offset) {
        this.baseOffset = offset;
        return this;
    }

    public BatchBuilder leaderEpoch(int epoch) {
        this.leaderEpoch = epoch;
        return this;
    }

    public BatchBuilder producer(long id, short epoch, int firstSequence) {
        this.producerId = id;
        this.producerEpoch = epoch;
        this.baseSequence = firstSequence;
        return this;
    }

    public BatchBuilder transactional() {
        this.transactional = true;
        return this;
    }

    public BatchBuilder control() {
        this.control = true;
        return this;
    }

    /** Compresses the records with gzip (codec 1). */
    public BatchBuilder gzip() {
        this.gzip = true;
        return this;
    }

    /** A keyed record; a null {@code value} is a tombstone. */
    public BatchBuilder record(String key, String value, long timestamp) {
        return record(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                timestamp);
    }

    /**
     * A transaction marker of {@code producerId}: a control batch whose one record says COMMIT or
     * ABORT (key: version 0, type 1 or 0; value: version 0, the coordinator epoch).
     */
    public static ByteBuffer marker(long producerId, short producerEpoch, boolean commit, long timestamp) {
        byte[] key = ByteBuffer.allocate(4)
                .putShort((short) 0)
                .putShort((short) (commit ? 1 : 0))
                .array();
        byte[] value = ByteBuffer.allocate(6).putShort((short) 0).putInt(0).array();
        return batch().producer(producerId, producerEpoch, -1)
                .transactional()
                .control()
                .record(key, value, timestamp)
                .build();
    }

    public BatchBuilder record(String value, long timestamp) {
        return record(null, value.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    public BatchBuilder record(byte[] key, byte[] value, long timestamp) {
        keys.add(key);
        values.add(value);
        timestamps.add(timestamp);
        return this;
    }

    /** A big-endian buffer holding the batch, position 0. */
    public ByteBuffer build() {
        if (values.isEmpty()) {
            throw new IllegalStateException("a batch needs at least one record");
        }
        long baseTimestamp = timestamps.getFirst();
        long maxTimestamp = timestamps.stream().mapToLong(Long::longValue).max().orElseThrow();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int i = 0; i < values.size(); i++) {
            writeRecord(records, i, timestamps.get(i) - baseTimestamp, keys.get(i), values.get(i));
        }
        byte[] body = gzip ? gzip(records.toByteArray()) : records.toByteArray();
        int size = RecordBatchLayout.HEADER_SIZE + body.length;
        ByteBuffer b = ByteBuffer.allocate(size);
        int attributes = (transactional ? RecordBatchLayout.TRANSACTIONAL_FLAG : 0)
                | (control ? RecordBatchLayout.CONTROL_FLAG : 0)
                | (gzip ? 1 : 0);
        b.putLong(baseOffset)
                .putInt(size - RecordBatchLayout.LOG_OVERHEAD)
                .putInt(leaderEpoch)
                .put(RecordBatchLayout.CURRENT_MAGIC)
                .putInt(0) // CRC, filled below
                .putShort((short) attributes)
                .putInt(values.size() - 1)
                .putLong(baseTimestamp)
                .putLong(maxTimestamp)
                .putLong(producerId)
                .putShort(producerEpoch)
                .putInt(baseSequence)
                .putInt(values.size())
                .put(body)
                .flip();
        CRC32C crc = new CRC32C();
        crc.update(b.slice(RecordBatchLayout.ATTRIBUTES, size - RecordBatchLayout.ATTRIBUTES));
        b.putInt(RecordBatchLayout.CRC, (int) crc.getValue());
        return b;
    }

    private static void writeRecord(
            ByteArrayOutputStream out, int offsetDelta, long timestampDelta, byte[] key, byte[] value) {
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.write(0); // attributes
        writeVarlong(r, timestampDelta);
        writeVarlong(r, offsetDelta);
        if (key == null) {
            writeVarlong(r, -1);
        } else {
            writeVarlong(r, key.length);
            r.writeBytes(key);
        }
        if (value == null) {
            writeVarlong(r, -1);
        } else {
            writeVarlong(r, value.length);
            r.writeBytes(value);
        }
        writeVarlong(r, 0); // no headers
        writeVarlong(out, r.size());
        out.writeBytes(r.toByteArray());
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Kafka's record fields are zig-zag varints. */
    static void writeVarlong(ByteArrayOutputStream out, long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}

package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Builds one v2 record batch. Settings may be given in any order before {@link #build}; records
 * get consecutive offset deltas from 0, and the first record's timestamp becomes the base
 * timestamp. Keys, values and headers are copied as they are appended, so the caller may reuse
 * or release its buffers right after.
 *
 * <pre>{@code
 * ByteBuf batch = new RecordBatchBuilder()
 *         .compression(CompressionType.ZSTD)
 *         .producer(producerId, epoch, sequence)
 *         .append(now, key, value)
 *         .build(allocator);
 * }</pre>
 *
 * <p>Defaults: no compression, {@code CreateTime}, base offset 0, no partition leader epoch, no
 * producer id/epoch/sequence, neither transactional nor control. Not thread-safe.
 */
public final class RecordBatchBuilder {
    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private CompressionType compression = CompressionType.NONE;
    private int level = CompressionType.NONE.defaultLevel();
    private TimestampType timestampType = TimestampType.CREATE_TIME;
    private long logAppendTime = RecordBatch.NO_TIMESTAMP;
    private long baseOffset;
    private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private int baseSequence = RecordBatch.NO_SEQUENCE;
    private boolean transactional;
    private boolean control;

    private final ByteBuf records = Unpooled.buffer(256);
    private int count;
    private long baseTimestamp = RecordBatch.NO_TIMESTAMP;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;

    /**
     * A control batch holding one transaction marker, as the transaction coordinator writes to
     * each partition of a transaction when it ends: transactional, no base sequence. Set the
     * base offset and leader epoch (or patch them later) and build.
     */
    public static RecordBatchBuilder endTxnMarker(
            EndTxnMarker marker, long producerId, short producerEpoch, long timestamp) {
        RecordBatchBuilder builder = new RecordBatchBuilder()
                .producer(producerId, producerEpoch, RecordBatch.NO_SEQUENCE)
                .transactional(true)
                .control(true);
        byte[] key = ControlRecordKey.encode(marker.type());
        builder.appendRecord(
                timestamp, Unpooled.wrappedBuffer(key), Unpooled.wrappedBuffer(marker.encodeValue()), List.of());
        return builder;
    }

    /** Compresses at the codec's default level. */
    public RecordBatchBuilder compression(CompressionType type) {
        return compression(type, type.defaultLevel());
    }

    /**
     * @throws IllegalArgumentException if the level is out of the codec's range
     */
    public RecordBatchBuilder compression(CompressionType type, int level) {
        if (!type.isValidLevel(level)) {
            throw new IllegalArgumentException("Compression level " + level + " is not valid for " + type + " ("
                    + type.minLevel() + ".." + type.maxLevel() + ", default " + type.defaultLevel() + ")");
        }
        this.compression = type;
        this.level = level;
        return this;
    }

    /** {@code CreateTime}; for {@code LogAppendTime} use {@link #logAppendTime(long)}. */
    public RecordBatchBuilder createTime() {
        this.timestampType = TimestampType.CREATE_TIME;
        this.logAppendTime = RecordBatch.NO_TIMESTAMP;
        return this;
    }

    /**
     * {@code LogAppendTime}: the batch's max timestamp becomes {@code appendTime}, which readers
     * then report for every record.
     */
    public RecordBatchBuilder logAppendTime(long appendTime) {
        this.timestampType = TimestampType.LOG_APPEND_TIME;
        this.logAppendTime = appendTime;
        return this;
    }

    public RecordBatchBuilder baseOffset(long baseOffset) {
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int epoch) {
        this.partitionLeaderEpoch = epoch;
        return this;
    }

    /** The idempotent/transactional producer's id, epoch and the first record's sequence. */
    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    /** Part of a transaction (needs a producer id). */
    public RecordBatchBuilder transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    /** A control batch: its records are control records (key a {@link ControlRecordKey}). */
    public RecordBatchBuilder control(boolean control) {
        this.control = control;
        return this;
    }

    /** Appends a record; null key or value stand for absent ones. */
    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value) {
        return append(timestamp, key, value, List.of());
    }

    /** Appends a record with headers; null key or value stand for absent ones. */
    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, List<RecordHeader> headers) {
        return appendRecord(
                timestamp,
                key == null ? null : Unpooled.wrappedBuffer(key),
                value == null ? null : Unpooled.wrappedBuffer(value),
                headers);
    }

    /**
     * Appends a record with the readable bytes of {@code key} and {@code value} (not consumed,
     * not retained; null for absent ones).
     */
    public RecordBatchBuilder append(long timestamp, ByteBuf key, ByteBuf value, List<RecordHeader> headers) {
        return appendRecord(timestamp, key, value, headers);
    }

    /** Records appended so far. */
    public int recordCount() {
        return count;
    }

    /** Builds onto an unpooled heap buffer; see {@link #build(ByteBufAllocator)}. */
    public ByteBuf build() {
        return build(HEAP);
    }

    /**
     * Encodes the batch, CRC included, into a new buffer from {@code allocator}. The caller owns
     * (and releases) the result. The builder stays usable: building again gives the same bytes
     * for the same settings.
     *
     * @throws IllegalStateException if no record was appended, or the batch is transactional
     *     without a producer id
     */
    public ByteBuf build(ByteBufAllocator allocator) {
        if (count == 0) {
            throw new IllegalStateException("A record batch needs at least one record");
        }
        if (transactional && producerId == RecordBatch.NO_PRODUCER_ID) {
            throw new IllegalStateException("A transactional batch needs a producer id");
        }
        int uncompressed = records.readableBytes();
        ByteBuf out = allocator.buffer(RecordBatch.HEADER_SIZE
                + (compression == CompressionType.NONE ? uncompressed : Math.max(64, uncompressed / 2)));
        try {
            int start = out.writerIndex();
            out.writeZero(RecordBatch.HEADER_SIZE);
            if (compression == CompressionType.NONE) {
                out.writeBytes(records, records.readerIndex(), uncompressed);
            } else {
                try (OutputStream compressor = compression.wrapForOutput(new ByteBufOutputStream(out), level)) {
                    records.getBytes(records.readerIndex(), compressor, uncompressed);
                }
            }
            int size = out.writerIndex() - start;
            int attributes = compression.id()
                    | (timestampType == TimestampType.LOG_APPEND_TIME ? RecordBatch.LOG_APPEND_TIME_FLAG : 0)
                    | (transactional ? RecordBatch.TRANSACTIONAL_FLAG : 0)
                    | (control ? RecordBatch.CONTROL_FLAG : 0);
            out.setLong(start, baseOffset);
            out.setInt(start + RecordBatch.LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
            out.setInt(start + RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
            out.setByte(start + RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
            out.setShort(start + RecordBatch.ATTRIBUTES_OFFSET, attributes);
            out.setInt(start + RecordBatch.LAST_OFFSET_DELTA_OFFSET, count - 1);
            out.setLong(start + RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp);
            out.setLong(
                    start + RecordBatch.MAX_TIMESTAMP_OFFSET,
                    timestampType == TimestampType.LOG_APPEND_TIME ? logAppendTime : maxTimestamp);
            out.setLong(start + RecordBatch.PRODUCER_ID_OFFSET, producerId);
            out.setShort(start + RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
            out.setInt(start + RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
            out.setInt(start + RecordBatch.RECORDS_COUNT_OFFSET, count);
            out.setInt(
                    start + RecordBatch.CRC_OFFSET,
                    RecordBatch.crc32c(
                            out, start + RecordBatch.ATTRIBUTES_OFFSET, size - RecordBatch.ATTRIBUTES_OFFSET));
            return out;
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException("Compressing the batch with " + compression + " failed", e);
        } catch (RuntimeException | Error e) {
            out.release();
            throw e;
        }
    }

    private RecordBatchBuilder appendRecord(long timestamp, ByteBuf key, ByteBuf value, List<RecordHeader> headers) {
        Objects.requireNonNull(headers, "headers");
        if (count == 0) {
            baseTimestamp = timestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        int offsetDelta = count;
        long timestampDelta = timestamp - baseTimestamp;
        int keySize = key == null ? -1 : key.readableBytes();
        int valueSize = value == null ? -1 : value.readableBytes();
        byte[][] headerKeys = new byte[headers.size()][];
        int bodySize = 1
                + Varints.sizeOfVarlong(timestampDelta)
                + Varints.sizeOfVarint(offsetDelta)
                + sizeOfField(keySize)
                + sizeOfField(valueSize)
                + Varints.sizeOfVarint(headers.size());
        for (int h = 0; h < headers.size(); h++) {
            RecordHeader header = headers.get(h);
            headerKeys[h] = header.key().getBytes(StandardCharsets.UTF_8);
            bodySize += sizeOfField(headerKeys[h].length)
                    + sizeOfField(header.value() == null ? -1 : header.value().readableBytes());
        }
        Varints.writeVarint(records, bodySize);
        records.writeByte(0);
        Varints.writeVarlong(records, timestampDelta);
        Varints.writeVarint(records, offsetDelta);
        writeField(key);
        writeField(value);
        Varints.writeVarint(records, headers.size());
        for (int h = 0; h < headers.size(); h++) {
            Varints.writeVarint(records, headerKeys[h].length);
            records.writeBytes(headerKeys[h]);
            writeField(headers.get(h).value());
        }
        count++;
        return this;
    }

    private static int sizeOfField(int size) {
        return Varints.sizeOfVarint(size) + Math.max(0, size);
    }

    private void writeField(ByteBuf bytes) {
        if (bytes == null) {
            Varints.writeVarint(records, -1);
            return;
        }
        Varints.writeVarint(records, bytes.readableBytes());
        records.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
    }
}

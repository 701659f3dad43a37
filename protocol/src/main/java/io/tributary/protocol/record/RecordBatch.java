package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A flyweight view of one complete v2 record batch (magic 2) inside a {@link ByteBuf}: every
 * accessor reads the buffer at an absolute index, nothing is copied or cached, and reader and
 * writer indexes are never moved.
 *
 * <pre>
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32
 * | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64
 * | producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records
 * </pre>
 *
 * The CRC32C covers {@code attributes} to the end of the batch, so {@link #setBaseOffset} and
 * {@link #setPartitionLeaderEpoch} patch in place without touching it.
 *
 * <p>Ownership: the view does not retain the buffer; the caller keeps it alive (and releases
 * it) for as long as the view, its records and their key/value views are used. Thread-safety:
 * none of its own; concurrent reads are safe only while nobody writes the buffer.
 */
public final class RecordBatch {
    /** The only magic (message format version) this class reads and writes. */
    public static final byte MAGIC = 2;
    /** {@code baseOffset} and {@code batchLength}: the bytes not counted by {@code batchLength}. */
    public static final int LOG_OVERHEAD = 12;
    /** Size of the header; the records follow it. */
    public static final int HEADER_SIZE = 61;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    static final int LENGTH_OFFSET = 8;
    static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    static final int MAGIC_OFFSET = 16;
    static final int CRC_OFFSET = 17;
    static final int ATTRIBUTES_OFFSET = 21;
    static final int LAST_OFFSET_DELTA_OFFSET = 23;
    static final int BASE_TIMESTAMP_OFFSET = 27;
    static final int MAX_TIMESTAMP_OFFSET = 35;
    static final int PRODUCER_ID_OFFSET = 43;
    static final int PRODUCER_EPOCH_OFFSET = 51;
    static final int BASE_SEQUENCE_OFFSET = 53;
    static final int RECORDS_COUNT_OFFSET = 57;

    static final int COMPRESSION_MASK = 0x07;
    static final int LOG_APPEND_TIME_FLAG = 0x08;
    static final int TRANSACTIONAL_FLAG = 0x10;
    static final int CONTROL_FLAG = 0x20;
    static final int DELETE_HORIZON_FLAG = 0x40;

    private final ByteBuf buf;
    private final int index;

    private RecordBatch(ByteBuf buf, int index) {
        this.buf = buf;
        this.index = index;
    }

    /** Views the batch at {@code buf}'s reader index; see {@link #wrap(ByteBuf, int)}. */
    public static RecordBatch wrap(ByteBuf buf) {
        return wrap(buf, buf.readerIndex());
    }

    /**
     * Views the batch that starts at {@code index}. Checks only what every accessor relies on:
     * the whole batch (as its {@code batchLength} declares) lies before the writer index and its
     * magic is 2. Use {@link #ensureValid()} to check the CRC.
     *
     * @throws CorruptRecordException if the bytes are too short for the header or for the
     *     declared length, if the length is impossible, or the magic is unknown
     * @throws InvalidRecordException if the magic is 0 or 1 (the legacy message format)
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, writerIndex]}
     */
    public static RecordBatch wrap(ByteBuf buf, int index) {
        Objects.checkFromToIndex(index, buf.writerIndex(), buf.writerIndex());
        int size = sizeOfBatchAt(buf, index, buf.writerIndex());
        if (size < 0) {
            int available = buf.writerIndex() - index;
            String what = available < LOG_OVERHEAD
                    ? available + " bytes, fewer than a batch header"
                    : "a batch of " + (LOG_OVERHEAD + (long) buf.getInt(index + LENGTH_OFFSET)) + " bytes but only "
                            + available + " are available";
            throw new CorruptRecordException("Record batch at index " + index + " is truncated: " + what);
        }
        return new RecordBatch(buf, index);
    }

    /** A view of a batch that {@link #sizeOfBatchAt} has already found complete. */
    static RecordBatch wrapChecked(ByteBuf buf, int index) {
        return new RecordBatch(buf, index);
    }

    /**
     * The total size of the batch at {@code index} if all of it lies before {@code limit}, or -1
     * if only a beginning of it does (a fetch may end inside a batch).
     *
     * @throws RecordException if the bytes present already show it is not a v2 batch
     */
    static int sizeOfBatchAt(ByteBuf buf, int index, int limit) {
        int available = limit - index;
        if (available < LOG_OVERHEAD) {
            return -1;
        }
        int length = buf.getInt(index + LENGTH_OFFSET);
        if (length < HEADER_SIZE - LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch at index " + index + " declares a batch length of " + length
                    + ", less than the minimum of " + (HEADER_SIZE - LOG_OVERHEAD));
        }
        if (available > MAGIC_OFFSET) {
            checkMagic(buf.getByte(index + MAGIC_OFFSET), "Record batch at index " + index);
        }
        if ((long) LOG_OVERHEAD + length > available) {
            return -1;
        }
        return LOG_OVERHEAD + length;
    }

    static void checkMagic(byte magic, String where) {
        if (magic == MAGIC) {
            return;
        }
        if (magic == 0 || magic == 1) {
            throw new InvalidRecordException(
                    where + " uses magic " + magic + " (the legacy message format); only magic 2 is supported");
        }
        throw new CorruptRecordException(where + " has unknown magic " + magic);
    }

    /** The buffer this view reads. Not retained. */
    public ByteBuf buffer() {
        return buf;
    }

    /** Index of the batch's first byte in {@link #buffer()}. */
    public int index() {
        return index;
    }

    /** The batch's bytes as a view (not retained, not a copy), e.g. for storing or sending. */
    public ByteBuf slice() {
        return buf.slice(index, sizeInBytes());
    }

    public long baseOffset() {
        return buf.getLong(index);
    }

    /** The size of the batch after the {@code batchLength} field; see {@link #sizeInBytes()}. */
    public int batchLength() {
        return buf.getInt(index + LENGTH_OFFSET);
    }

    public int partitionLeaderEpoch() {
        return buf.getInt(index + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public byte magic() {
        return buf.getByte(index + MAGIC_OFFSET);
    }

    /** The stored CRC32C, as an unsigned value in an int. */
    public int crc() {
        return buf.getInt(index + CRC_OFFSET);
    }

    public short attributes() {
        return buf.getShort(index + ATTRIBUTES_OFFSET);
    }

    public int lastOffsetDelta() {
        return buf.getInt(index + LAST_OFFSET_DELTA_OFFSET);
    }

    /**
     * The first record's timestamp, or the delete horizon when {@link #hasDeleteHorizon()}; the
     * records' timestamp deltas are relative to it either way.
     */
    public long baseTimestamp() {
        return buf.getLong(index + BASE_TIMESTAMP_OFFSET);
    }

    /** The largest record timestamp, or the append time for {@code LogAppendTime} batches. */
    public long maxTimestamp() {
        return buf.getLong(index + MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buf.getLong(index + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buf.getShort(index + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buf.getInt(index + BASE_SEQUENCE_OFFSET);
    }

    /** The record count the header declares (checked against the records when reading them). */
    public int recordsCount() {
        return buf.getInt(index + RECORDS_COUNT_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    public long nextOffset() {
        return lastOffset() + 1;
    }

    /** Total size of the batch, header included. */
    public int sizeInBytes() {
        return LOG_OVERHEAD + batchLength();
    }

    /**
     * The codec of the records.
     *
     * @throws CorruptRecordException if the attribute holds an unknown codec id (5-7)
     */
    public CompressionType compressionType() {
        int id = attributes() & COMPRESSION_MASK;
        if (id > CompressionType.ZSTD.id()) {
            throw new CorruptRecordException(describe() + " has unknown compression codec id " + id);
        }
        return CompressionType.forId(id);
    }

    public boolean isCompressed() {
        return (attributes() & COMPRESSION_MASK) != 0;
    }

    public TimestampType timestampType() {
        return (attributes() & LOG_APPEND_TIME_FLAG) != 0 ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG) != 0;
    }

    /** Whether this is a control batch (transaction markers, KRaft control records). */
    public boolean isControl() {
        return (attributes() & CONTROL_FLAG) != 0;
    }

    /** Whether {@link #baseTimestamp()} holds the delete horizon set by log compaction. */
    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_FLAG) != 0;
    }

    /** The delete horizon (compaction's tombstone/marker removal time), if set. */
    public OptionalLong deleteHorizonMs() {
        return hasDeleteHorizon() ? OptionalLong.of(baseTimestamp()) : OptionalLong.empty();
    }

    /** Whether the batch comes from an idempotent or transactional producer. */
    public boolean hasProducerId() {
        return producerId() > NO_PRODUCER_ID;
    }

    /**
     * The sequence of the last record: the base sequence plus {@link #lastOffsetDelta()},
     * wrapping from {@link Integer#MAX_VALUE} to 0 as producers do; {@link #NO_SEQUENCE} if the
     * batch has no sequence.
     */
    public int lastSequence() {
        int base = baseSequence();
        return base == NO_SEQUENCE ? NO_SEQUENCE : addSequence(base, lastOffsetDelta());
    }

    /** The CRC32C of the batch's bytes now, from {@code attributes} to the end. */
    public int computeCrc() {
        return crc32c(buf, index + ATTRIBUTES_OFFSET, sizeInBytes() - ATTRIBUTES_OFFSET);
    }

    /** Whether {@link #ensureValid()} would pass. */
    public boolean isValid() {
        return magic() == MAGIC
                && computeCrc() == crc()
                && (attributes() & COMPRESSION_MASK) <= CompressionType.ZSTD.id();
    }

    /**
     * Checks the batch's integrity: magic 2, the CRC32C, and a known compression codec. Does not
     * read the records; {@link RecordValidator} does.
     *
     * @throws CorruptRecordException on a CRC mismatch, unknown magic or unknown codec
     * @throws InvalidRecordException on magic 0 or 1
     */
    public void ensureValid() {
        checkMagic(magic(), describe());
        int computed = computeCrc();
        if (computed != crc()) {
            throw new CorruptRecordException(String.format(
                    "%s failed its CRC check: stored 0x%08x, computed 0x%08x", describe(), crc(), computed));
        }
        compressionType();
    }

    /** Patches the base offset in place (the CRC does not cover it). */
    public void setBaseOffset(long baseOffset) {
        buf.setLong(index, baseOffset);
    }

    /** Patches the partition leader epoch in place (the CRC does not cover it). */
    public void setPartitionLeaderEpoch(int epoch) {
        buf.setInt(index + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /**
     * Sets the timestamp type and the max timestamp, as a broker does for a {@code
     * LogAppendTime} topic, and rewrites the CRC (both fields are covered by it). Does nothing
     * if both already hold these values. The new CRC is computed over the bytes as they are, so
     * validate the batch first: a damaged batch would come out with a matching CRC.
     */
    public void setMaxTimestamp(TimestampType type, long maxTimestamp) {
        Objects.requireNonNull(type, "type");
        if (timestampType() == type && maxTimestamp() == maxTimestamp) {
            return;
        }
        int attributes = attributes() & ~LOG_APPEND_TIME_FLAG;
        if (type == TimestampType.LOG_APPEND_TIME) {
            attributes |= LOG_APPEND_TIME_FLAG;
        }
        buf.setShort(index + ATTRIBUTES_OFFSET, attributes);
        buf.setLong(index + MAX_TIMESTAMP_OFFSET, maxTimestamp);
        buf.setInt(index + CRC_OFFSET, computeCrc());
    }

    /**
     * Iterates the records, decompressing as the iteration goes. Close the iterator if you stop
     * early. See {@link RecordIterator} for the errors it throws.
     *
     * @throws CorruptRecordException if a compressed batch's data does not even start as its
     *     codec's format, or the header is unusable (unknown codec, negative record count)
     */
    public RecordIterator records() {
        return new BatchRecordIterator(this);
    }

    /** Passes every record to {@code action}, closing the iteration however it ends. */
    public void forEachRecord(Consumer<? super Record> action) {
        try (RecordIterator records = records()) {
            while (records.hasNext()) {
                action.accept(records.next());
            }
        }
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffsetDelta=" + lastOffsetDelta() + ", records="
                + recordsCount() + ", size=" + sizeInBytes() + ", attributes=0x" + Integer.toHexString(attributes())
                + ", producerId=" + producerId() + ", producerEpoch=" + producerEpoch() + ", baseSequence="
                + baseSequence() + ", partitionLeaderEpoch=" + partitionLeaderEpoch() + ")";
    }

    /** How error messages name this batch. */
    String describe() {
        return "Record batch at index " + index + " (base offset " + baseOffset() + ")";
    }

    static int addSequence(int base, int delta) {
        long sum = (long) base + delta;
        return (int) (sum > Integer.MAX_VALUE ? sum - Integer.MAX_VALUE - 1 : sum);
    }

    static int crc32c(ByteBuf buf, int index, int length) {
        CRC32C crc = new CRC32C();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() > 0) {
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        } else {
            byte[] chunk = new byte[Math.min(length, 8192)];
            for (int done = 0; done < length; ) {
                int n = Math.min(chunk.length, length - done);
                buf.getBytes(index + done, chunk, 0, n);
                crc.update(chunk, 0, n);
                done += n;
            }
        }
        return (int) crc.getValue();
    }
}

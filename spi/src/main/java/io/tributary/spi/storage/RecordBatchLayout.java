package io.tributary.spi.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The fixed header of a Kafka v2 record batch (magic 2), as every engine stores it. Field
 * positions are relative to the batch start; multi-byte fields are big-endian. The CRC32C
 * covers {@code attributes} to the end of the batch, so an engine can patch {@code baseOffset}
 * and {@code partitionLeaderEpoch} without recomputing it.
 *
 * <p>Accessors take an absolute index into a big-endian buffer and do not move its position.
 */
public final class RecordBatchLayout {
    public static final int BASE_OFFSET = 0;
    public static final int BATCH_LENGTH = 8;
    public static final int PARTITION_LEADER_EPOCH = 12;
    public static final int MAGIC = 16;
    public static final int CRC = 17;
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int BASE_TIMESTAMP = 27;
    public static final int MAX_TIMESTAMP = 35;
    public static final int PRODUCER_ID = 43;
    public static final int PRODUCER_EPOCH = 51;
    public static final int BASE_SEQUENCE = 53;
    public static final int RECORDS_COUNT = 57;
    /** Size of the header; records follow. */
    public static final int HEADER_SIZE = 61;
    /** Bytes before {@code batchLength}'s count starts: baseOffset and batchLength themselves. */
    public static final int LOG_OVERHEAD = 12;

    public static final byte CURRENT_MAGIC = 2;
    /** Attribute bit: the batch belongs to a transaction. */
    public static final int TRANSACTIONAL_FLAG = 0x10;
    /** Attribute bit: the batch is a control batch (commit/abort marker). */
    public static final int CONTROL_FLAG = 0x20;
    /** Attribute bit: timestamps are the broker's append time. */
    public static final int LOG_APPEND_TIME_FLAG = 0x08;
    /**
     * Attribute bit 6: compaction stamped a delete horizon into {@code baseTimestamp}; tombstones
     * and transaction markers of the batch may go once it has passed (Kafka's KIP-534).
     */
    public static final int DELETE_HORIZON_FLAG = 0x40;
    /** Attribute bits 0-2: the compression codec. */
    public static final int COMPRESSION_MASK = 0x07;

    private RecordBatchLayout() {}

    public static long baseOffset(ByteBuffer b, int batchStart) {
        return b.getLong(batchStart + BASE_OFFSET);
    }

    /** The total size of the batch, header included. */
    public static int totalSize(ByteBuffer b, int batchStart) {
        return LOG_OVERHEAD + b.getInt(batchStart + BATCH_LENGTH);
    }

    public static int partitionLeaderEpoch(ByteBuffer b, int batchStart) {
        return b.getInt(batchStart + PARTITION_LEADER_EPOCH);
    }

    public static byte magic(ByteBuffer b, int batchStart) {
        return b.get(batchStart + MAGIC);
    }

    public static int storedCrc(ByteBuffer b, int batchStart) {
        return b.getInt(batchStart + CRC);
    }

    public static short attributes(ByteBuffer b, int batchStart) {
        return b.getShort(batchStart + ATTRIBUTES);
    }

    public static int lastOffsetDelta(ByteBuffer b, int batchStart) {
        return b.getInt(batchStart + LAST_OFFSET_DELTA);
    }

    public static long lastOffset(ByteBuffer b, int batchStart) {
        return baseOffset(b, batchStart) + lastOffsetDelta(b, batchStart);
    }

    public static long baseTimestamp(ByteBuffer b, int batchStart) {
        return b.getLong(batchStart + BASE_TIMESTAMP);
    }

    public static long maxTimestamp(ByteBuffer b, int batchStart) {
        return b.getLong(batchStart + MAX_TIMESTAMP);
    }

    public static long producerId(ByteBuffer b, int batchStart) {
        return b.getLong(batchStart + PRODUCER_ID);
    }

    public static short producerEpoch(ByteBuffer b, int batchStart) {
        return b.getShort(batchStart + PRODUCER_EPOCH);
    }

    public static int baseSequence(ByteBuffer b, int batchStart) {
        return b.getInt(batchStart + BASE_SEQUENCE);
    }

    public static int recordsCount(ByteBuffer b, int batchStart) {
        return b.getInt(batchStart + RECORDS_COUNT);
    }

    public static boolean isTransactional(ByteBuffer b, int batchStart) {
        return (attributes(b, batchStart) & TRANSACTIONAL_FLAG) != 0;
    }

    public static boolean isControl(ByteBuffer b, int batchStart) {
        return (attributes(b, batchStart) & CONTROL_FLAG) != 0;
    }

    /** The delete horizon compaction stamped into the batch, or -1 when it has none. */
    public static long deleteHorizonMs(ByteBuffer b, int batchStart) {
        return (attributes(b, batchStart) & DELETE_HORIZON_FLAG) != 0 ? baseTimestamp(b, batchStart) : -1;
    }

    /** The codec of the records section (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
    public static int compression(ByteBuffer b, int batchStart) {
        return attributes(b, batchStart) & COMPRESSION_MASK;
    }

    public static void setBaseOffset(ByteBuffer b, int batchStart, long baseOffset) {
        b.putLong(batchStart + BASE_OFFSET, baseOffset);
    }

    public static void setPartitionLeaderEpoch(ByteBuffer b, int batchStart, int epoch) {
        b.putInt(batchStart + PARTITION_LEADER_EPOCH, epoch);
    }

    /** The CRC32C of the batch as it is now, from {@code attributes} to its end. */
    public static int computeCrc(ByteBuffer b, int batchStart) {
        int size = totalSize(b, batchStart);
        CRC32C crc = new CRC32C();
        crc.update(b.slice(batchStart + ATTRIBUTES, size - ATTRIBUTES));
        return (int) crc.getValue();
    }

    /**
     * True when a complete, well-formed batch starts at {@code batchStart}: enough bytes for the
     * header and the declared length, magic 2, and a matching CRC.
     */
    public static boolean isValidBatch(ByteBuffer b, int batchStart, int limit) {
        if (limit - batchStart < HEADER_SIZE) {
            return false;
        }
        int length = b.getInt(batchStart + BATCH_LENGTH);
        if (length < HEADER_SIZE - LOG_OVERHEAD || (long) batchStart + LOG_OVERHEAD + length > limit) {
            return false;
        }
        if (magic(b, batchStart) != CURRENT_MAGIC) {
            return false;
        }
        return computeCrc(b, batchStart) == storedCrc(b, batchStart);
    }
}

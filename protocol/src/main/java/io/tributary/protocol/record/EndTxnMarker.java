package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * A transaction marker: the single record of a control batch that commits or aborts a
 * producer's transaction on one partition. Its key is a {@link ControlRecordKey} of type {@link
 * ControlRecordType#COMMIT} or {@link ControlRecordType#ABORT}; its value is Kafka's {@code
 * EndTxnMarker}: {@code version int16, coordinatorEpoch int32}.
 *
 * @param type {@link ControlRecordType#COMMIT} or {@link ControlRecordType#ABORT}
 * @param version the value's schema version (0 today; later versions are read as 0, as Kafka does)
 * @param coordinatorEpoch the epoch of the transaction coordinator that wrote the marker
 */
public record EndTxnMarker(ControlRecordType type, short version, int coordinatorEpoch) {
    /** Encoded size of the value, version 0. */
    public static final int VALUE_SIZE = 6;

    public EndTxnMarker {
        Objects.requireNonNull(type, "type");
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            throw new IllegalArgumentException("A transaction marker is COMMIT or ABORT, not " + type);
        }
    }

    public static EndTxnMarker commit(int coordinatorEpoch) {
        return new EndTxnMarker(ControlRecordType.COMMIT, (short) 0, coordinatorEpoch);
    }

    public static EndTxnMarker abort(int coordinatorEpoch) {
        return new EndTxnMarker(ControlRecordType.ABORT, (short) 0, coordinatorEpoch);
    }

    /**
     * Reads the marker from a control record.
     *
     * @throws InvalidRecordException if the record is a control record of another type
     * @throws CorruptRecordException if its key or value is malformed
     */
    public static EndTxnMarker read(Record record) {
        ControlRecordType type = ControlRecordKey.parse(record.key()).type();
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            throw new InvalidRecordException(
                    "Control record at offset " + record.offset() + " is " + type + ", not a transaction marker");
        }
        ByteBuf value = record.value();
        if (value == null || value.readableBytes() < VALUE_SIZE) {
            throw new CorruptRecordException("Transaction marker at offset " + record.offset() + " has a value of "
                    + (value == null ? "null" : value.readableBytes() + " bytes") + "; it needs " + VALUE_SIZE);
        }
        short version = value.getShort(value.readerIndex());
        if (version < 0) {
            throw new CorruptRecordException(
                    "Transaction marker at offset " + record.offset() + " has invalid version " + version);
        }
        return new EndTxnMarker(type, version, value.getInt(value.readerIndex() + 2));
    }

    /** The encoded value, version 0. */
    byte[] encodeValue() {
        return new byte[] {
            0,
            0,
            (byte) (coordinatorEpoch >> 24),
            (byte) (coordinatorEpoch >> 16),
            (byte) (coordinatorEpoch >> 8),
            (byte) coordinatorEpoch
        };
    }
}

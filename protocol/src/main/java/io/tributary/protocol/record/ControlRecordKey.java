package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;

/**
 * The key of a control record: {@code version int16, type int16} (Kafka's {@code
 * ControlRecordTypeSchema}, version 0). Newer versions may add fields after these; they are
 * ignored, as Kafka does.
 *
 * @param version the key's schema version (0 today)
 * @param typeId the raw type id; {@link #type()} maps it
 */
public record ControlRecordKey(short version, short typeId) {
    /** Encoded size of the current version. */
    public static final int SIZE = 4;

    public ControlRecordType type() {
        return ControlRecordType.forId(typeId);
    }

    /**
     * Reads a control record key from {@code key}'s readable bytes (not consumed).
     *
     * @throws CorruptRecordException if the key is null, shorter than 4 bytes or has a negative
     *     version
     */
    public static ControlRecordKey parse(ByteBuf key) {
        if (key == null || key.readableBytes() < SIZE) {
            throw new CorruptRecordException("Control record key is "
                    + (key == null ? "null" : key.readableBytes() + " bytes") + "; it needs at least " + SIZE);
        }
        short version = key.getShort(key.readerIndex());
        if (version < 0) {
            throw new CorruptRecordException("Control record key has invalid version " + version);
        }
        return new ControlRecordKey(version, key.getShort(key.readerIndex() + 2));
    }

    /** The encoded key, version 0. */
    static byte[] encode(ControlRecordType type) {
        short id = type.id();
        return new byte[] {0, 0, (byte) (id >> 8), (byte) id};
    }
}

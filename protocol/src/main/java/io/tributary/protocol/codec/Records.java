package io.tributary.protocol.codec;

/**
 * The value of a {@code records} field: record batches kept as bytes, never parsed by the message codec, so that a
 * produce stores what arrived and a fetch sends stored bytes without copying them.
 *
 * <p>{@link MessageWriter#writeRecords} knows two kinds: {@link ByteBufRecords} (in memory) and {@link
 * FileRegionRecords} (in a file, sent with {@code sendfile}).
 */
public interface Records {
    /** The number of bytes the field carries on the wire (without its length prefix). */
    int sizeInBytes();
}

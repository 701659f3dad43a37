package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * One record header: a non-null UTF-8 key and a nullable value.
 *
 * <p>A value read from a batch is a read-only view of the batch's bytes (or of the record's
 * decompressed bytes); it is not retained, so it is valid only while the buffer it was read
 * from is. Values given to {@link RecordBatchBuilder} are copied when the record is appended.
 *
 * @param key the header key, not null
 * @param value the header value, or null
 */
public record RecordHeader(String key, ByteBuf value) {
    public RecordHeader {
        Objects.requireNonNull(key, "key");
    }

    /** A header over a byte array (not copied), or with a null value. */
    public static RecordHeader of(String key, byte[] value) {
        return new RecordHeader(key, value == null ? null : Unpooled.wrappedBuffer(value));
    }

    /** A copy of the value's readable bytes, or null. */
    public byte[] valueBytes() {
        return value == null ? null : ByteBufUtil.getBytes(value);
    }
}

package io.tributary.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Objects;

/**
 * Record bytes in a {@link ByteBuf}: the readable bytes of the buffer.
 *
 * <p>Ownership: this class neither retains nor releases the buffer. Records decoded by a message's {@code read} are a
 * non-retained slice of the input buffer, valid as long as the caller keeps that input alive (or until it calls
 * {@code retain()} on {@link #buffer()} itself). Immutable as long as nobody changes the buffer's indexes or bytes;
 * equality compares the readable bytes.
 */
public final class ByteBufRecords implements Records {
    private final ByteBuf buffer;

    public ByteBufRecords(ByteBuf buffer) {
        this.buffer = Objects.requireNonNull(buffer, "buffer");
    }

    /** The buffer itself (not a copy); its readable bytes are the records. */
    public ByteBuf buffer() {
        return buffer;
    }

    @Override
    public int sizeInBytes() {
        return buffer.readableBytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteBufRecords other && ByteBufUtil.equals(buffer, other.buffer);
    }

    @Override
    public int hashCode() {
        return ByteBufUtil.hashCode(buffer);
    }

    @Override
    public String toString() {
        return "ByteBufRecords(sizeInBytes=" + sizeInBytes() + ")";
    }
}

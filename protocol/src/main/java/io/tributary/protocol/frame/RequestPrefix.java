package io.tributary.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.tributary.protocol.codec.MalformedMessageException;

/**
 * The first eight bytes of every request header, whatever its version: enough to dispatch a request (and to answer
 * it with an error) before decoding anything else.
 */
public record RequestPrefix(short apiKey, short apiVersion, int correlationId) {
    /** The bytes {@link #peek} needs. */
    public static final int BYTES = 8;

    /**
     * Reads the prefix at the frame's reader index without moving it.
     *
     * @throws MalformedMessageException if fewer than eight bytes are readable
     */
    public static RequestPrefix peek(ByteBuf frame) {
        if (frame.readableBytes() < BYTES) {
            throw new MalformedMessageException(
                    "Request of " + frame.readableBytes() + " bytes is shorter than a request header");
        }
        int i = frame.readerIndex();
        return new RequestPrefix(frame.getShort(i), frame.getShort(i + 2), frame.getInt(i + 4));
    }
}

package io.tributary.protocol.frame;

import io.tributary.protocol.codec.ProtocolException;

/** A frame's size prefix cannot be right (negative). */
public class InvalidFrameException extends ProtocolException {
    public InvalidFrameException(String message) {
        super(message);
    }
}

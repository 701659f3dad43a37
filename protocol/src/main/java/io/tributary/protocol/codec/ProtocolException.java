package io.tributary.protocol.codec;

/** Base of the errors the protocol codec raises: the bytes or the values do not fit the Kafka wire format. */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.tributary.protocol.codec;

/**
 * Input bytes that do not decode: truncated input, negative or oversized lengths and counts, over-long varints,
 * invalid UTF-8, null where the version does not allow it, tagged fields whose size does not match their content.
 * A broker answers such a request by closing the connection, as Kafka does.
 */
public class MalformedMessageException extends ProtocolException {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}

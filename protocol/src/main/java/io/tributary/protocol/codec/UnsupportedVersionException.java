package io.tributary.protocol.codec;

/**
 * A version the message (or API) does not define, or a value the requested version cannot carry: a non-ignorable
 * field set to a non-default value in a version that lacks it, or null in a version where the field is not nullable.
 */
public class UnsupportedVersionException extends ProtocolException {
    public UnsupportedVersionException(String message) {
        super(message);
    }
}

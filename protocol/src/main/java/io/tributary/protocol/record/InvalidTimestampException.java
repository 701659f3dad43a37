package io.tributary.protocol.record;

/**
 * A record timestamp outside the range the topic accepts ({@code
 * message.timestamp.before.max.ms} / {@code after.max.ms}). Kafka answers {@code
 * INVALID_TIMESTAMP}.
 */
public final class InvalidTimestampException extends RecordException {
    private static final long serialVersionUID = 1L;

    public InvalidTimestampException(String message) {
        this(message, NO_RECORD, null);
    }

    public InvalidTimestampException(String message, int recordIndex) {
        this(message, recordIndex, null);
    }

    public InvalidTimestampException(String message, int recordIndex, Throwable cause) {
        super(message, recordIndex, cause);
    }
}

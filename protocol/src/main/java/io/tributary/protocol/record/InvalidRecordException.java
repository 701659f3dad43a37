package io.tributary.protocol.record;

/**
 * A well-formed record batch that is not allowed where it was sent: legacy magic, more than one
 * batch in a produce payload, a control batch from a client, a record without a key on a
 * compacted topic, inconsistent offsets or sequences. Kafka answers {@code INVALID_RECORD}.
 */
public final class InvalidRecordException extends RecordException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        this(message, NO_RECORD, null);
    }

    public InvalidRecordException(String message, int recordIndex) {
        this(message, recordIndex, null);
    }

    public InvalidRecordException(String message, int recordIndex, Throwable cause) {
        super(message, recordIndex, cause);
    }
}

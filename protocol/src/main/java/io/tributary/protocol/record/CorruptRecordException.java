package io.tributary.protocol.record;

/**
 * The bytes are not a well-formed, intact v2 record batch: a CRC mismatch, an impossible length,
 * truncation, or data that does not decompress. Kafka answers {@code CORRUPT_MESSAGE}.
 */
public final class CorruptRecordException extends RecordException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        this(message, NO_RECORD, null);
    }

    public CorruptRecordException(String message, int recordIndex) {
        this(message, recordIndex, null);
    }

    public CorruptRecordException(String message, int recordIndex, Throwable cause) {
        super(message, recordIndex, cause);
    }
}

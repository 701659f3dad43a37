package io.tributary.spi.storage;

/**
 * An append does not fit in one segment ({@code segment.bytes}). Kafka answers
 * RECORD_LIST_TOO_LARGE (or MESSAGE_TOO_LARGE for a single batch). The log is unchanged.
 */
public class RecordBatchTooLargeException extends StorageException {
    private static final long serialVersionUID = 1L;

    public RecordBatchTooLargeException(String message) {
        super(message);
    }
}

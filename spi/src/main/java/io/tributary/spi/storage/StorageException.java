package io.tributary.spi.storage;

/**
 * Storage failed: an I/O error, a full disk, a read-only directory. The kernel answers
 * KAFKA_STORAGE_ERROR for the partition and keeps serving others. Not retriable by the engine;
 * see {@link RetriableStorageException} for conditions that pass.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

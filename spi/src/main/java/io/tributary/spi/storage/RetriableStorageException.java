package io.tributary.spi.storage;

/** A storage condition that may pass if the caller tries again. */
public class RetriableStorageException extends StorageException {
    private static final long serialVersionUID = 1L;

    public RetriableStorageException(String message) {
        super(message);
    }

    public RetriableStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

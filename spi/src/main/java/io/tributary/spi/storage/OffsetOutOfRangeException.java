package io.tributary.spi.storage;

/** A read asked for an offset outside {@code [logStartOffset, logEndOffset]}. */
public class OffsetOutOfRangeException extends StorageException {
    private static final long serialVersionUID = 1L;

    public OffsetOutOfRangeException(String message) {
        super(message);
    }
}

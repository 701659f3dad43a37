package io.tributary.spi.storage;

/** Bytes handed to an append are not well-formed v2 record batches. */
public class CorruptRecordException extends StorageException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }
}

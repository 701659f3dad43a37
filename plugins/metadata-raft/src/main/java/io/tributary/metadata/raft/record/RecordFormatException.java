package io.tributary.metadata.raft.record;

/** Bytes that do not decode as a metadata record this code understands. */
public final class RecordFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordFormatException(String message) {
        super(message);
    }
}

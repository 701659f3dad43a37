package io.tributary.metadata.raft.log;

/**
 * The metadata log or a snapshot holds data that cannot be committed metadata: a bad CRC with
 * valid data after it, a gap in offsets, an unknown format version. Opening stops rather than
 * drop records that may have been acknowledged.
 */
public final class CorruptLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptLogException(String message) {
        super(message);
    }

    public CorruptLogException(String message, Throwable cause) {
        super(message, cause);
    }
}

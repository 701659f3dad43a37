package io.tributary.metadata.raft.image;

/**
 * A committed record does not fit the state built so far (a partition of an unknown topic, a
 * producer id that goes backwards). Committed records were validated before they were written,
 * so this means damage or a bug; the store stops rather than guess.
 */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplayException(String message) {
        super(message);
    }
}

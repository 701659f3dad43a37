package io.tributary.kernel.txn;

import io.tributary.protocol.Errors;

/** Hands out new producer ids to the transaction coordinator. */
@FunctionalInterface
public interface ProducerIdSource {

    /** The answer: a fresh producer id, or an error and -1. */
    record Result(Errors error, long producerId) {}

    /**
     * Allocates a producer id never handed out before.
     *
     * @param done called once on the handler thread (possibly before this method returns)
     */
    void next(java.util.function.Consumer<Result> done);
}

package io.tributary.kernel.txn;

import io.tributary.protocol.Errors;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the transaction coordinator writes its records: a {@code __transaction_state} partition
 * this broker leads. The broker's implementation appends one batch through the partition append
 * path and answers once it is durable and replicated; tests use an in-memory log.
 */
@FunctionalInterface
public interface TxnLog {

    /**
     * Appends {@code records} as one batch (all or nothing) to {@code partition}.
     *
     * @param done called once on the handler thread: NONE when durable, else the append error
     *     (NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, KAFKA_STORAGE_ERROR,
     *     ...); possibly before this method returns
     */
    void append(int partition, List<TxnRecords.Entry> records, Consumer<Errors> done);

    /** The error a failed write gives clients (Kafka's mapping for the transaction log). */
    static Errors coordinatorError(Errors appendError) {
        return switch (appendError) {
            case NONE -> Errors.NONE;
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> appendError;
        };
    }
}

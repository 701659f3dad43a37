package io.tributary.kernel.group;

import io.tributary.protocol.Errors;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the coordinator writes its records: a {@code __consumer_offsets} partition this broker
 * leads. The broker's implementation appends one batch through the partition append path and
 * answers once the batch is durable and replicated; tests use an in-memory log.
 */
public interface GroupLog {

    /**
     * Appends {@code records} as one batch (all or nothing) to {@code partition}.
     *
     * @param done called once on the handler thread: NONE when durable, else the append error
     *     (NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, KAFKA_STORAGE_ERROR,
     *     RECORD_LIST_TOO_LARGE, ...); possibly before this method returns
     */
    void append(int partition, List<GroupRecords.Entry> records, Consumer<Errors> done);

    /**
     * Appends {@code records} as one transactional batch of {@code producerId} (TxnOffsetCommit):
     * they take effect when the transaction's COMMIT marker follows them in the partition.
     *
     * @param done as for {@link #append}
     */
    void appendTransactional(
            int partition,
            long producerId,
            short producerEpoch,
            List<GroupRecords.Entry> records,
            Consumer<Errors> done);

    /** The error a group write failure gives clients (Kafka's mapping for group metadata). */
    static Errors groupError(Errors appendError) {
        return switch (appendError) {
            case NONE -> Errors.NONE;
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    /** The error an offset write failure gives clients (Kafka's mapping for offset commits). */
    static Errors offsetError(Errors appendError) {
        return switch (appendError) {
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            default -> groupError(appendError);
        };
    }
}

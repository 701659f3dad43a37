package io.tributary.kernel.txn;

import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.protocol.Errors;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes the COMMIT or ABORT markers of a completing transaction into its partitions. The
 * broker's implementation writes into the partitions this broker leads through {@link
 * TxnMarkerWriter} and sends WriteTxnMarkers to the leaders of the others; tests record them.
 */
@FunctionalInterface
public interface MarkerSink {

    /** The markers of one transaction. */
    record Markers(
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean commit,
            byte transactionVersion,
            Set<TopicPartitionKey> partitions) {
        public Markers {
            partitions = Set.copyOf(partitions);
        }
    }

    /**
     * Writes {@code markers} into every partition they name.
     *
     * @param done called once on the handler thread with an error per partition: NONE when the
     *     marker is durable there; UNKNOWN_TOPIC_OR_PARTITION when the partition is gone; the
     *     marker's refusal (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED); or a
     *     retriable error (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, ...)
     */
    void write(Markers markers, Consumer<Map<TopicPartitionKey, Errors>> done);
}

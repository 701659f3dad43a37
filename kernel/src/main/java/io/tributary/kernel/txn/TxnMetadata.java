package io.tributary.kernel.txn;

import io.tributary.kernel.partition.TopicPartitionKey;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the coordinator knows of a transactional id, as one immutable value: the value of its
 * record in {@code __transaction_state}. A transition builds a new value, writes it, and the
 * coordinator takes it only once the write is durable.
 *
 * @param producerId the producer id in use
 * @param previousProducerId the producer id before the last rotation to a new producer id, so
 *     that a retried request of the previous incarnation is recognised (KIP-360); -1 when none
 * @param nextProducerId a producer id already allocated for after the transaction being
 *     completed, when the epoch ran out during a Transactions V2 commit or abort; -1 otherwise
 * @param producerEpoch the current epoch; -1 before the first InitProducerId completed
 * @param lastProducerEpoch the epoch before the last bump, to recognise a retried bump; -1 when
 *     none may be retried
 * @param timeoutMs the producer's transaction timeout
 * @param state the transaction state
 * @param partitions the partitions of the ongoing (or completing) transaction
 * @param startMs when the ongoing transaction started (its first partition was added); -1 when none
 * @param updateMs when the id last changed (for {@code transactional.id.expiration.ms})
 * @param transactionVersion 2 when the client runs Transactions V2 (KIP-890: an epoch bump with
 *     every commit or abort), 1 otherwise
 */
public record TxnMetadata(
        long producerId,
        long previousProducerId,
        long nextProducerId,
        short producerEpoch,
        short lastProducerEpoch,
        int timeoutMs,
        TransactionState state,
        Set<TopicPartitionKey> partitions,
        long startMs,
        long updateMs,
        byte transactionVersion) {

    public static final long NO_PRODUCER_ID = -1;
    public static final short NO_EPOCH = -1;

    static final Comparator<TopicPartitionKey> ORDER =
            Comparator.comparing(TopicPartitionKey::topic).thenComparingInt(TopicPartitionKey::partition);

    public TxnMetadata {
        TreeSet<TopicPartitionKey> sorted = new TreeSet<>(ORDER);
        sorted.addAll(partitions);
        partitions = java.util.Collections.unmodifiableSortedSet(sorted);
    }

    /** A new transactional id: a producer id, no epoch yet. */
    static TxnMetadata fresh(long producerId, int timeoutMs, long nowMs) {
        return new TxnMetadata(
                producerId,
                NO_PRODUCER_ID,
                NO_PRODUCER_ID,
                NO_EPOCH,
                NO_EPOCH,
                timeoutMs,
                TransactionState.EMPTY,
                Set.of(),
                -1,
                nowMs,
                (byte) 1);
    }

    /**
     * Kafka refuses to hand out the last two epochs of a producer id: Short.MAX_VALUE is kept for
     * fencing, and a Transactions V2 commit needs one more bump than it hands out.
     */
    static boolean isEpochExhausted(short epoch) {
        return epoch >= Short.MAX_VALUE - 1;
    }

    boolean isV2() {
        return transactionVersion >= 2;
    }

    TxnMetadata withState(TransactionState newState, long nowMs) {
        return new TxnMetadata(
                producerId,
                previousProducerId,
                nextProducerId,
                producerEpoch,
                lastProducerEpoch,
                timeoutMs,
                newState,
                partitions,
                startMs,
                nowMs,
                transactionVersion);
    }

    TxnMetadata withEpochs(short epoch, short lastEpoch) {
        return new TxnMetadata(
                producerId,
                previousProducerId,
                nextProducerId,
                epoch,
                lastEpoch,
                timeoutMs,
                state,
                partitions,
                startMs,
                updateMs,
                transactionVersion);
    }

    TxnMetadata withProducer(long id, long previousId, long nextId) {
        return new TxnMetadata(
                id,
                previousId,
                nextId,
                producerEpoch,
                lastProducerEpoch,
                timeoutMs,
                state,
                partitions,
                startMs,
                updateMs,
                transactionVersion);
    }

    TxnMetadata withPartitions(Set<TopicPartitionKey> newPartitions, long newStartMs) {
        return new TxnMetadata(
                producerId,
                previousProducerId,
                nextProducerId,
                producerEpoch,
                lastProducerEpoch,
                timeoutMs,
                state,
                newPartitions,
                newStartMs,
                updateMs,
                transactionVersion);
    }

    TxnMetadata withTimeout(int newTimeoutMs) {
        return new TxnMetadata(
                producerId,
                previousProducerId,
                nextProducerId,
                producerEpoch,
                lastProducerEpoch,
                newTimeoutMs,
                state,
                partitions,
                startMs,
                updateMs,
                transactionVersion);
    }

    TxnMetadata withTransactionVersion(byte version) {
        return new TxnMetadata(
                producerId,
                previousProducerId,
                nextProducerId,
                producerEpoch,
                lastProducerEpoch,
                timeoutMs,
                state,
                partitions,
                startMs,
                updateMs,
                version);
    }
}

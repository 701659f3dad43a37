package io.tributary.kernel.txn;

import io.tributary.kernel.group.Scheduler;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.protocol.Errors;
import io.tributary.spi.plugin.Time;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Asks the transaction coordinator, before a transactional write is appended, whether its
 * partitions are part of the producer's ongoing transaction (KIP-890 part 1: a stray write after
 * its transaction ended would otherwise leave a transaction open forever), or, for a Transactions
 * V2 write, adds them (KIP-890 part 2: Produce v12+ and TxnOffsetCommit v5+ add their partition
 * themselves). While the transaction is completing (CONCURRENT_TRANSACTIONS) it asks again after
 * {@code add.partitions.to.txn.retry.backoff.ms}, up to {@code
 * add.partitions.to.txn.retry.backoff.max.ms}, as Kafka's brokers do.
 *
 * <p>The coordinator is this broker's: a transactional id whose coordinator is another broker
 * cannot be checked (Tributary has no inter-broker client for it yet), so V1 writes are then
 * accepted unchecked, as before KIP-890, and V2 writes are refused with
 * COORDINATOR_NOT_AVAILABLE.
 *
 * <p>Handler thread only.
 */
public final class TxnVerifier {
    private final TransactionCoordinator coordinator;
    private final Scheduler scheduler;
    private final Time time;
    private final long backoffMs;
    private final long maxBackoffMs;
    private final BooleanSupplier enabled;

    /**
     * @param enabled whether V1 writes are checked ({@code transaction.partition.verification.enable});
     *     V2 writes always go to the coordinator, which adds their partition
     */
    public TxnVerifier(
            TransactionCoordinator coordinator,
            Scheduler scheduler,
            Time time,
            long backoffMs,
            long maxBackoffMs,
            BooleanSupplier enabled) {
        this.coordinator = coordinator;
        this.scheduler = scheduler;
        this.time = time;
        this.backoffMs = backoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.enabled = enabled;
    }

    public TransactionCoordinator coordinator() {
        return coordinator;
    }

    /**
     * Verifies ({@code add} false) or adds ({@code add} true) {@code partitions} in the
     * transaction of {@code transactionalId}.
     *
     * @param done called once on the handler thread (possibly before this method returns) with
     *     the coordinator's answer per partition: NONE, TRANSACTION_ABORTABLE (not part of the
     *     transaction), PRODUCER_FENCED, INVALID_PRODUCER_ID_MAPPING, CONCURRENT_TRANSACTIONS,
     *     NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, ...
     */
    public void verify(
            String transactionalId,
            long producerId,
            short epoch,
            Set<TopicPartitionKey> partitions,
            boolean add,
            Consumer<Map<TopicPartitionKey, Errors>> done) {
        attempt(transactionalId, producerId, epoch, partitions, add, time.nanoseconds(), done);
    }

    private void attempt(
            String transactionalId,
            long producerId,
            short epoch,
            Set<TopicPartitionKey> partitions,
            boolean add,
            long startNanos,
            Consumer<Map<TopicPartitionKey, Errors>> done) {
        if (!add && !enabled.getAsBoolean()) {
            done.accept(all(partitions, Errors.NONE));
            return;
        }
        if (!coordinator.isLocal(transactionalId)) {
            done.accept(all(partitions, add ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.NONE));
            return;
        }
        Runnable again = () -> attempt(transactionalId, producerId, epoch, partitions, add, startNanos, done);
        if (add) {
            coordinator.addPartitions(transactionalId, producerId, epoch, partitions, (byte) 2, error -> {
                if (!retry(error, startNanos, again)) {
                    done.accept(all(partitions, error));
                }
            });
            return;
        }
        TransactionCoordinator.Verification v = coordinator.verify(transactionalId, producerId, epoch, partitions);
        if (retry(v.error(), startNanos, again)) {
            return;
        }
        Map<TopicPartitionKey, Errors> out = new LinkedHashMap<>();
        for (TopicPartitionKey tp : partitions) {
            out.put(tp, v.errorOf(tp));
        }
        done.accept(out);
    }

    private boolean retry(Errors error, long startNanos, Runnable again) {
        if (error != Errors.CONCURRENT_TRANSACTIONS
                || time.nanoseconds() - startNanos + backoffMs * 1_000_000L > maxBackoffMs * 1_000_000L) {
            return false;
        }
        scheduler.schedule(backoffMs, again);
        return true;
    }

    private static Map<TopicPartitionKey, Errors> all(Set<TopicPartitionKey> partitions, Errors error) {
        Map<TopicPartitionKey, Errors> out = new LinkedHashMap<>();
        for (TopicPartitionKey tp : partitions) {
            out.put(tp, error);
        }
        return out;
    }
}

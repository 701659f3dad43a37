package io.tributary.kernel.txn;

import io.tributary.kernel.coordinator.PartitionReader;
import io.tributary.kernel.group.Scheduler;
import io.tributary.kernel.partition.LeadershipListener;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.produce.InternalAppender;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.protocol.record.RecordBatchBuilder;
import io.tributary.spi.plugin.Time;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the transaction coordinator to the {@code __transaction_state} partitions of this broker:
 * loads a partition's transactional ids by replaying it when this broker becomes its leader (a
 * chunk per turn of the handler thread, so a large partition does not stall other requests), with
 * the partition's leader epoch as the coordinator epoch; unloads them when it resigns; and
 * appends the coordinator's records as batches through {@link InternalAppender}.
 *
 * <p>Handler thread only.
 */
public final class TxnStatePartitions implements LeadershipListener, TxnLog {
    private static final Logger LOG = LoggerFactory.getLogger(TxnStatePartitions.class);

    private final TransactionCoordinator[] coordinator = new TransactionCoordinator[1];
    private final PartitionManager partitions;
    private final InternalAppender appender;
    private final Scheduler scheduler;
    private final Time time;
    private final int loadChunkBytes;
    private final long writeTimeoutMs;
    /** The partition each load is for, so that a load superseded by a newer leadership stops. */
    private final Map<Integer, Partition> loading = new HashMap<>();

    /**
     * @param loadChunkBytes how much to read per step of a load ({@code
     *     transaction.state.log.load.buffer.size})
     * @param writeTimeoutMs how long a write may wait for the replicas
     */
    public TxnStatePartitions(
            PartitionManager partitions,
            InternalAppender appender,
            Scheduler scheduler,
            Time time,
            int loadChunkBytes,
            long writeTimeoutMs) {
        this.partitions = partitions;
        this.appender = appender;
        this.scheduler = scheduler;
        this.time = time;
        this.loadChunkBytes = loadChunkBytes;
        this.writeTimeoutMs = writeTimeoutMs;
    }

    /** The coordinator to load into; set once, before the first leadership change. */
    public void bind(TransactionCoordinator txnCoordinator) {
        coordinator[0] = txnCoordinator;
    }

    @Override
    public void onBecomeLeader(Partition partition) {
        if (!TopicNames.TRANSACTION_STATE.equals(partition.topic())) {
            return;
        }
        int index = partition.index();
        coordinator[0].beginLoad(index, partition.leaderEpoch());
        loading.put(index, partition);
        long end = partition.log().logEndOffset();
        LOG.info(
                "Loading transactions from {} (offsets {} to {})",
                partition,
                partition.log().logStartOffset(),
                end);
        loadStep(partition, partition.log().logStartOffset(), end, time.milliseconds());
    }

    private void loadStep(Partition partition, long from, long end, long startedMs) {
        int index = partition.index();
        if (loading.get(index) != partition) {
            return; // resigned, or a newer leadership started its own load
        }
        long next;
        try {
            next = PartitionReader.readChunk(
                    partition.log(),
                    from,
                    end,
                    loadChunkBytes,
                    (offset, key, value) -> coordinator[0].replay(index, key, value));
        } catch (RuntimeException e) {
            LOG.error(
                    "Loading transactions from {} failed at offset {}; its transactional ids stay unavailable",
                    partition,
                    from,
                    e);
            loading.remove(index);
            return;
        }
        if (next >= end) {
            loading.remove(index);
            coordinator[0].completeLoad(index);
            LOG.info("Loaded transactions from {} in {} ms", partition, time.milliseconds() - startedMs);
            return;
        }
        // Let other requests run between chunks.
        scheduler.schedule(0, () -> loadStep(partition, next, end, startedMs));
    }

    @Override
    public void onResign(Partition partition) {
        if (!TopicNames.TRANSACTION_STATE.equals(partition.topic())) {
            return;
        }
        loading.remove(partition.index());
        coordinator[0].unload(partition.index());
    }

    @Override
    public void append(int partition, List<TxnRecords.Entry> records, Consumer<Errors> done) {
        Optional<Partition> p = partitions.get(TopicNames.TRANSACTION_STATE, partition);
        if (p.isEmpty()) {
            done.accept(Errors.NOT_LEADER_OR_FOLLOWER);
            return;
        }
        RecordBatchBuilder builder = new RecordBatchBuilder();
        long now = time.milliseconds();
        for (TxnRecords.Entry e : records) {
            builder.append(now, e.key(), e.value());
        }
        appender.append(p.get(), builder, writeTimeoutMs, outcome -> done.accept(outcome.error()));
    }
}

package io.tributary.kernel.group;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.coordinator.PartitionReader;
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
 * Binds the group coordinator to the {@code __consumer_offsets} partitions of this broker: loads a
 * partition's groups by replaying it when this broker becomes its leader (a chunk per turn of the
 * handler thread, so a large partition does not stall other requests), unloads them when it
 * resigns, and appends the coordinator's records as batches through {@link InternalAppender}.
 *
 * <p>Handler thread only.
 */
public final class OffsetsTopicPartitions implements LeadershipListener, GroupLog {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopicPartitions.class);
    private static final int LOAD_CHUNK_BYTES = 1 << 20;

    private final GroupCoordinator coordinator;
    private final PartitionManager partitions;
    private final InternalAppender appender;
    private final Scheduler scheduler;
    private final Time time;
    /** The partition each load is for, so that a load superseded by a newer leadership stops. */
    private final Map<Integer, Partition> loading = new HashMap<>();

    public OffsetsTopicPartitions(
            GroupCoordinator coordinator,
            PartitionManager partitions,
            InternalAppender appender,
            Scheduler scheduler,
            Time time) {
        this.coordinator = coordinator;
        this.partitions = partitions;
        this.appender = appender;
        this.scheduler = scheduler;
        this.time = time;
    }

    @Override
    public void onBecomeLeader(Partition partition) {
        if (!TopicNames.CONSUMER_OFFSETS.equals(partition.topic())) {
            return;
        }
        int index = partition.index();
        coordinator.beginLoad(index);
        loading.put(index, partition);
        long end = partition.log().logEndOffset();
        LOG.info(
                "Loading groups from {} (offsets {} to {})",
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
                    partition.log(), from, end, LOAD_CHUNK_BYTES, new PartitionReader.Visitor() {
                        @Override
                        public void record(long offset, ByteBuf key, ByteBuf value) {
                            coordinator.replay(index, key, value);
                        }

                        @Override
                        public void transactionalRecord(long producerId, long offset, ByteBuf key, ByteBuf value) {
                            coordinator.replayTransactional(index, producerId, key, value);
                        }

                        @Override
                        public void marker(long producerId, boolean commit) {
                            coordinator.completeTransaction(index, producerId, commit);
                        }
                    });
        } catch (RuntimeException e) {
            LOG.error("Loading groups from {} failed at offset {}; its groups stay unavailable", partition, from, e);
            loading.remove(index);
            return;
        }
        if (next >= end) {
            loading.remove(index);
            coordinator.completeLoad(index);
            LOG.info("Loaded groups from {} in {} ms", partition, time.milliseconds() - startedMs);
            return;
        }
        // Let other requests run between chunks.
        scheduler.schedule(0, () -> loadStep(partition, next, end, startedMs));
    }

    @Override
    public void onResign(Partition partition) {
        if (!TopicNames.CONSUMER_OFFSETS.equals(partition.topic())) {
            return;
        }
        loading.remove(partition.index());
        coordinator.unload(partition.index());
    }

    @Override
    public void append(int partition, List<GroupRecords.Entry> records, Consumer<Errors> done) {
        Optional<Partition> p = partitions.get(TopicNames.CONSUMER_OFFSETS, partition);
        if (p.isEmpty()) {
            done.accept(Errors.NOT_LEADER_OR_FOLLOWER);
            return;
        }
        RecordBatchBuilder builder = new RecordBatchBuilder();
        long now = time.milliseconds();
        for (GroupRecords.Entry e : records) {
            builder.append(now, e.key(), e.value());
        }
        appender.append(
                p.get(),
                builder,
                coordinator.config().offsetCommitTimeoutMs(),
                outcome -> done.accept(outcome.error()));
    }

    /**
     * Appends TxnOffsetCommit records as a transactional batch of the producer (no sequence
     * number: the broker builds it) and opens the producer's transaction in the partition's
     * producer state, so that the transaction's marker closes it as in any other partition.
     */
    @Override
    public void appendTransactional(
            int partition,
            long producerId,
            short producerEpoch,
            List<GroupRecords.Entry> records,
            Consumer<Errors> done) {
        Optional<Partition> p = partitions.get(TopicNames.CONSUMER_OFFSETS, partition);
        if (p.isEmpty()) {
            done.accept(Errors.NOT_LEADER_OR_FOLLOWER);
            return;
        }
        Partition target = p.get();
        RecordBatchBuilder builder =
                new RecordBatchBuilder().producer(producerId, producerEpoch, -1).transactional(true);
        long now = time.milliseconds();
        for (GroupRecords.Entry e : records) {
            builder.append(now, e.key(), e.value());
        }
        int lastOffsetDelta = records.size() - 1;
        appender.append(
                target,
                builder,
                coordinator.config().offsetCommitTimeoutMs(),
                result -> {
                    target.producers()
                            .update(producerId, producerEpoch, -1, lastOffsetDelta, result.firstOffset(), now, true);
                    target.refreshStableOffset();
                },
                outcome -> done.accept(outcome.error()));
    }
}

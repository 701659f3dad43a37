package io.tributary.kernel.partition;

import io.netty.buffer.Unpooled;
import io.tributary.kernel.config.DynamicBrokerConfig;
import io.tributary.kernel.config.TopicConfig;
import io.tributary.kernel.config.TopicConfigs;
import io.tributary.protocol.record.ControlRecordType;
import io.tributary.protocol.record.EndTxnMarker;
import io.tributary.protocol.record.RecordBatch;
import io.tributary.protocol.record.RecordException;
import io.tributary.protocol.record.RecordIterator;
import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.replication.ReplicationManager;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.ProducerSnapshot;
import io.tributary.spi.storage.RecordBatchLayout;
import io.tributary.spi.storage.StorageEngine;
import io.tributary.spi.storage.StorageException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image: replicas assigned
 * here are opened (with recovery and producer-state rebuild), removed ones closed and deleted,
 * config changes applied (a topic's own overrides and the dynamic broker configs alike).
 *
 * <p>Threading: {@link #apply} and {@link #closeAll} run on the request handler thread; lookups
 * are safe from any thread.
 */
public final class PartitionManager {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);
    private static final int REBUILD_READ_BYTES = 1 << 20;

    private final int nodeId;
    private final DynamicBrokerConfig brokerConfig;
    private final StorageEngine engine;
    private final Time time;
    private final ReplicationManager replication;
    private final Partition.HighWatermarkListener hwListener;
    private final ConcurrentHashMap<TopicPartitionKey, Partition> partitions = new ConcurrentHashMap<>();
    private final List<LeadershipListener> leadershipListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    /** The offset of the newest image {@link #apply} has processed (handler thread only). */
    private long appliedOffset = MetadataImage.EMPTY.offset();
    /** Tasks waiting for an image at or past their offset (handler thread only). */
    private final List<OffsetWaiter> waiters = new ArrayList<>();

    private record OffsetWaiter(long offset, Runnable task) {}

    public PartitionManager(
            int nodeId,
            DynamicBrokerConfig brokerConfig,
            StorageEngine engine,
            Time time,
            ReplicationManager replication,
            Partition.HighWatermarkListener hwListener) {
        this.nodeId = nodeId;
        this.brokerConfig = brokerConfig;
        this.engine = engine;
        this.time = time;
        this.replication = replication;
        this.hwListener = hwListener;
    }

    public MetadataImage image() {
        return image;
    }

    public int nodeId() {
        return nodeId;
    }

    public Optional<Partition> get(TopicPartitionKey key) {
        return Optional.ofNullable(partitions.get(key));
    }

    public Optional<Partition> get(String topic, int partition) {
        return get(new TopicPartitionKey(topic, partition));
    }

    /** The partition of the topic with this id, if the topic exists and the partition is local. */
    public Optional<Partition> get(UUID topicId, int partition) {
        TopicImage topic = image.topicsById().get(topicId);
        if (topic == null) {
            return Optional.empty();
        }
        Partition p = partitions.get(new TopicPartitionKey(topic.name(), partition));
        return p != null && p.topicId().equals(topicId) ? Optional.of(p) : Optional.empty();
    }

    public Collection<Partition> all() {
        return partitions.values();
    }

    /**
     * Registers a listener for leadership changes of local partitions. Add listeners before the
     * first {@link #apply}; a listener added later is not told about partitions led already.
     */
    public void addLeadershipListener(LeadershipListener listener) {
        leadershipListeners.add(listener);
    }

    /** The effective config of a topic in the current image. */
    public TopicConfig topicConfig(String topic) {
        return TopicConfigs.resolve(image.configs(ConfigResource.topic(topic)), brokerConfig.current());
    }

    /**
     * Runs {@code task} once this manager has applied an image at or past metadata-log offset
     * {@code offset}: now if it has, otherwise right after that {@link #apply}. Handler thread
     * only; the task runs on the handler thread.
     */
    public void whenApplied(long offset, Runnable task) {
        if (appliedOffset >= offset) {
            task.run();
        } else {
            waiters.add(new OffsetWaiter(offset, task));
        }
    }

    /**
     * Brings the hosted partitions in line with {@code next}, then runs the {@link #whenApplied}
     * tasks it satisfies (also when it failed: the image was processed as far as it could be).
     * Handler thread only.
     *
     * @throws StorageException if a log cannot be opened (the partition stays closed)
     */
    public void apply(MetadataImage next) {
        try {
            applyImage(next);
        } finally {
            appliedOffset = Math.max(appliedOffset, next.offset());
            runSatisfiedWaiters();
        }
    }

    private void runSatisfiedWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        List<OffsetWaiter> ready = new ArrayList<>();
        waiters.removeIf(w -> w.offset() <= appliedOffset && ready.add(w));
        for (OffsetWaiter w : ready) {
            try {
                w.task().run();
            } catch (RuntimeException e) {
                LOG.error("A task waiting for metadata offset {} failed", w.offset(), e);
            }
        }
    }

    private void applyImage(MetadataImage next) {
        MetadataImage previous = this.image;
        // Dynamic broker configs are topic defaults too: when they change, every topic re-resolves.
        boolean brokerChanged = brokerConfig.update(next);
        Map<TopicPartitionKey, Boolean> wanted = new HashMap<>();
        // Leadership changes are told after the new image is in place, in the order found.
        List<Partition> gained = new ArrayList<>();
        List<Partition> lost = new ArrayList<>();
        for (TopicImage topic : next.topicsByName().values()) {
            Map<String, String> overrides = next.configs(ConfigResource.topic(topic.name()));
            boolean configChanged =
                    brokerChanged || !overrides.equals(previous.configs(ConfigResource.topic(topic.name())));
            TopicConfig config = null;
            for (PartitionImage p : topic.partitions().values()) {
                if (!p.replicas().contains(nodeId)) {
                    continue;
                }
                TopicPartitionKey key = new TopicPartitionKey(topic.name(), p.partition());
                wanted.put(key, Boolean.TRUE);
                Partition existing = partitions.get(key);
                if (existing != null && !existing.topicId().equals(topic.id())) {
                    if (existing.isLeader(nodeId)) {
                        lost.add(existing);
                    }
                    remove(existing);
                    existing = null;
                }
                if (config == null) {
                    config = TopicConfigs.resolve(overrides, brokerConfig.current());
                }
                if (existing == null) {
                    try {
                        Partition opened = open(new PartitionId(topic.name(), topic.id(), p.partition()), config, p);
                        if (opened.isLeader(nodeId)) {
                            gained.add(opened);
                        }
                    } catch (StorageException e) {
                        LOG.error("Cannot open partition {}-{}", topic.name(), p.partition(), e);
                    }
                } else {
                    if (configChanged) {
                        existing.config(config);
                    }
                    if (!existing.image().equals(p)) {
                        boolean wasLeader = existing.isLeader(nodeId);
                        existing.image(p);
                        replication.onPartitionChange(existing.id(), p);
                        boolean isLeader = existing.isLeader(nodeId);
                        if (wasLeader && !isLeader) {
                            lost.add(existing);
                        } else if (!wasLeader && isLeader) {
                            gained.add(existing);
                        }
                    }
                }
            }
        }
        for (Partition p : List.copyOf(partitions.values())) {
            if (!wanted.containsKey(p.key())) {
                if (p.isLeader(nodeId)) {
                    lost.add(p);
                }
                remove(p);
            }
        }
        this.image = next;
        for (Partition p : lost) {
            tellResign(p);
        }
        for (Partition p : gained) {
            tellBecomeLeader(p);
        }
    }

    private void tellBecomeLeader(Partition p) {
        for (LeadershipListener l : leadershipListeners) {
            try {
                l.onBecomeLeader(p);
            } catch (RuntimeException e) {
                LOG.error("Leadership listener failed for {}", p, e);
            }
        }
    }

    private void tellResign(Partition p) {
        for (LeadershipListener l : leadershipListeners) {
            try {
                l.onResign(p);
            } catch (RuntimeException e) {
                LOG.error("Leadership listener failed for {}", p, e);
            }
        }
    }

    private Partition open(PartitionId id, TopicConfig config, PartitionImage placement) {
        PartitionLog log = engine.open(id, config.log());
        Partition partition = new Partition(id, log, config, placement, hwListener, time.nanoseconds());
        rebuildProducerState(partition);
        partition.refreshStableOffset();
        partition.resetHighWatermark(log.logEndOffset());
        partitions.put(partition.key(), partition);
        replication.onPartitionChange(id, placement);
        return partition;
    }

    private void remove(Partition p) {
        partitions.remove(p.key(), p);
        try {
            engine.delete(p.id());
            LOG.info("Deleted partition {} (topic id {})", p.key(), p.topicId());
        } catch (StorageException e) {
            LOG.error("Cannot delete partition {}", p.key(), e);
        }
    }

    /** Restores idempotent-producer state: the latest snapshot, then every batch after it. */
    private void rebuildProducerState(Partition partition) {
        PartitionLog log = partition.log();
        ProducerStateTable table = partition.producers();
        long from = log.logStartOffset();
        Optional<ProducerSnapshot> snapshot = log.latestProducerSnapshot();
        if (snapshot.isPresent()) {
            try {
                table.restore(snapshot.get().state());
                from = Math.max(from, snapshot.get().offset());
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring producer snapshot of {}: {}; rebuilding from the log", partition, e.getMessage());
                table.clear();
            }
        }
        long end = log.logEndOffset();
        while (from < end) {
            LogSlice slice = log.read(from, REBUILD_READ_BYTES, end, true);
            try {
                if (slice.sizeInBytes() == 0) {
                    break;
                }
                ByteBuffer bytes = slice.readFully();
                int pos = 0;
                long next = from;
                while (bytes.limit() - pos >= RecordBatchLayout.HEADER_SIZE) {
                    int size = RecordBatchLayout.totalSize(bytes, pos);
                    if (size <= 0 || pos + size > bytes.limit()) {
                        break;
                    }
                    long pid = RecordBatchLayout.producerId(bytes, pos);
                    if (pid >= 0 && RecordBatchLayout.isControl(bytes, pos)) {
                        replayMarker(partition, bytes, pos, size);
                    } else if (pid >= 0) {
                        table.update(
                                pid,
                                RecordBatchLayout.producerEpoch(bytes, pos),
                                RecordBatchLayout.baseSequence(bytes, pos),
                                RecordBatchLayout.lastOffsetDelta(bytes, pos),
                                RecordBatchLayout.baseOffset(bytes, pos),
                                RecordBatchLayout.maxTimestamp(bytes, pos),
                                RecordBatchLayout.isTransactional(bytes, pos));
                    }
                    next = RecordBatchLayout.lastOffset(bytes, pos) + 1;
                    pos += size;
                }
                if (next <= from) {
                    break;
                }
                from = next;
            } finally {
                slice.release();
            }
        }
    }

    /**
     * Replays a transaction marker found in the log: closes the producer's transaction and, for an
     * abort, makes sure the aborted-transaction index has it (it may have been lost with the tail
     * of an index in a crash).
     */
    private static void replayMarker(Partition partition, ByteBuffer bytes, int pos, int size) {
        RecordBatch batch = RecordBatch.wrap(
                Unpooled.wrappedBuffer(bytes.duplicate().position(pos).limit(pos + size)), 0);
        EndTxnMarker marker;
        try (RecordIterator records = batch.records()) {
            if (!records.hasNext()) {
                return;
            }
            marker = EndTxnMarker.read(records.next());
        } catch (RecordException | IllegalArgumentException e) {
            LOG.warn(
                    "Ignoring an unreadable control batch at offset {} of {}: {}",
                    batch.baseOffset(),
                    partition,
                    e.getMessage());
            return;
        }
        if (marker.type() != ControlRecordType.COMMIT && marker.type() != ControlRecordType.ABORT) {
            return;
        }
        boolean commit = marker.type() == ControlRecordType.COMMIT;
        ProducerStateTable table = partition.producers();
        Optional<ProducerStateTable.CompletedTxn> done = table.completeTxn(
                batch.producerId(),
                batch.producerEpoch(),
                marker.coordinatorEpoch(),
                batch.baseOffset(),
                batch.maxTimestamp(),
                commit);
        if (done.isPresent() && done.get().aborted()) {
            ProducerStateTable.CompletedTxn txn = done.get();
            boolean indexed = partition.log().abortedTransactions(txn.firstOffset(), txn.lastOffset() + 1).stream()
                    .anyMatch(a -> a.producerId() == txn.producerId() && a.firstOffset() == txn.firstOffset());
            if (!indexed) {
                partition
                        .log()
                        .appendAbortedTransaction(new io.tributary.spi.storage.AbortedTxn(
                                txn.producerId(),
                                txn.firstOffset(),
                                txn.lastOffset(),
                                table.firstUnstableOffset().orElse(txn.lastOffset() + 1)));
            }
        }
    }

    /** Writes producer snapshots and closes every partition (clean shutdown). Handler thread only. */
    public void closeAll() {
        List<Partition> all = new ArrayList<>(partitions.values());
        partitions.clear();
        for (Partition p : all) {
            if (p.isLeader(nodeId)) {
                tellResign(p);
            }
        }
        for (Partition p : all) {
            p.snapshotProducers();
            try {
                p.log().close();
            } catch (StorageException e) {
                LOG.warn("Cannot close {}", p, e);
            }
        }
    }
}

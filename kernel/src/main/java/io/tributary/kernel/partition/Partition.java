package io.tributary.kernel.partition;

import io.tributary.kernel.config.TopicConfig;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.replication.LocalReplica;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition replica hosted by this broker: its log, high watermark, leader epoch and producer
 * state.
 *
 * <p>Threading: mutations (appends, producer state, config, placement) happen on the request
 * handler thread only. The high watermark, leader epoch and placement are volatile so that
 * network threads and the sync stage can read them.
 */
public final class Partition implements LocalReplica {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);
    /** How much may be appended between two producer-state snapshots. */
    static final long SNAPSHOT_INTERVAL_BYTES = 128L << 20;

    private final PartitionId id;
    private final TopicPartitionKey key;
    private final PartitionLog log;
    private final ProducerStateTable producers = new ProducerStateTable();
    private final HighWatermarkListener listener;
    private volatile TopicConfig config;
    private volatile PartitionImage image;
    private volatile long highWatermark;
    /** First offset of the oldest open transaction; Long.MAX_VALUE when none. Written by the handler thread. */
    private volatile long firstUnstableOffset = Long.MAX_VALUE;
    /** Messages appended since the last sync (flush.messages policy). Handler thread only. */
    private long unflushedMessages;
    /** Bytes appended since the last producer snapshot. Handler thread only. */
    private long bytesSinceSnapshot;
    /** The segment count when the last producer snapshot was written (a roll adds one). Handler thread only. */
    private int segmentsAtSnapshot;
    /** When the last sync was requested, in nanos (flush.ms policy). Handler thread only. */
    private long lastSyncNanos;

    /** Told when a high watermark moves, to complete the waiting produces and fetches. */
    @FunctionalInterface
    public interface HighWatermarkListener {
        void onHighWatermark(Partition partition);
    }

    Partition(
            PartitionId id,
            PartitionLog log,
            TopicConfig config,
            PartitionImage image,
            HighWatermarkListener listener,
            long nowNanos) {
        this.id = id;
        this.key = new TopicPartitionKey(id.topic(), id.partition());
        this.log = log;
        this.config = config;
        this.image = image;
        this.listener = listener;
        this.lastSyncNanos = nowNanos;
        this.segmentsAtSnapshot = log.segmentCount();
    }

    public PartitionId id() {
        return id;
    }

    public TopicPartitionKey key() {
        return key;
    }

    public String topic() {
        return id.topic();
    }

    public UUID topicId() {
        return id.topicId();
    }

    public int index() {
        return id.partition();
    }

    @Override
    public PartitionLog log() {
        return log;
    }

    public TopicConfig config() {
        return config;
    }

    void config(TopicConfig config) {
        this.config = config;
        log.updateConfig(config.log());
    }

    public PartitionImage image() {
        return image;
    }

    void image(PartitionImage image) {
        this.image = image;
    }

    public ProducerStateTable producers() {
        return producers;
    }

    @Override
    public long highWatermark() {
        return highWatermark;
    }

    @Override
    public int leaderEpoch() {
        return image.leaderEpoch();
    }

    public boolean isLeader(int nodeId) {
        return image.leader() == nodeId;
    }

    /**
     * The last stable offset: below it every transaction is decided, so read_committed consumers
     * may read up to it. The high watermark when no transaction is open.
     */
    public long lastStableOffset() {
        return Math.min(highWatermark, firstUnstableOffset);
    }

    /** Publishes the open-transaction bound after producer state changed. Handler thread only. */
    public void refreshStableOffset() {
        firstUnstableOffset = producers.firstUnstableOffset().orElse(Long.MAX_VALUE);
    }

    @Override
    public void advanceHighWatermark(long offset) {
        long capped = Math.min(offset, log.logEndOffset());
        if (capped > highWatermark) {
            highWatermark = capped;
            listener.onHighWatermark(this);
        }
    }

    /** Sets the high watermark at start-up or after truncation (may move it down). */
    void resetHighWatermark(long offset) {
        highWatermark = Math.min(offset, log.logEndOffset());
    }

    /**
     * Counts an append for the flush policy, and writes a producer-state snapshot when the log's
     * segments changed (a roll) or {@link #SNAPSHOT_INTERVAL_BYTES} were appended since the last one,
     * so that recovery after a crash replays at most that much of the log (a clean shutdown
     * writes one too). Handler thread only.
     */
    public void noteAppended(int messages, int bytes) {
        unflushedMessages += messages;
        bytesSinceSnapshot += bytes;
        if (bytesSinceSnapshot >= SNAPSHOT_INTERVAL_BYTES || log.segmentCount() != segmentsAtSnapshot) {
            snapshotProducers();
        }
    }

    /**
     * Writes the producer state as of the log end offset. Failures are logged: the state is
     * rebuilt from an older snapshot and the log. Handler thread only.
     */
    public void snapshotProducers() {
        bytesSinceSnapshot = 0;
        segmentsAtSnapshot = log.segmentCount();
        try {
            log.writeProducerSnapshot(log.logEndOffset(), producers.snapshot());
        } catch (StorageException e) {
            LOG.warn("Cannot write a producer snapshot of {}", this, e);
        }
    }

    /** True when {@code flush.messages} says the log must sync now. Handler thread only. */
    public boolean needsSync() {
        return unflushedMessages > 0 && unflushedMessages >= config.log().flushMessages();
    }

    /** True when {@code flush.ms} has passed since the last sync with appends pending. Handler thread only. */
    public boolean syncOverdue(long nowNanos) {
        long flushMs = config.log().flushMs();
        return unflushedMessages > 0 && flushMs != Long.MAX_VALUE && nowNanos - lastSyncNanos >= flushMs * 1_000_000L;
    }

    /** Resets the flush policy counters once a sync is on its way. Handler thread only. */
    public void syncRequested(long nowNanos) {
        unflushedMessages = 0;
        lastSyncNanos = nowNanos;
    }

    @Override
    public String toString() {
        return key.toString();
    }
}

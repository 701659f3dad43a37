package io.tributary.kernel.produce;

import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic log work, each pass run on the request handler thread (the partitions' single writer):
 * retention and time-based segment rolls every {@code log.retention.check.interval.ms}, syncs of
 * logs whose {@code flush.ms} has passed, and, every {@code producer.id.expiration.check.interval.ms},
 * expiry of producers idle for {@code producer.id.expiration.ms} (never one with an open
 * transaction, which holds the last stable offset until its coordinator ends it).
 */
public final class LogMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(LogMaintenance.class);

    private final Supplier<BrokerConfig> config;
    private final PartitionManager partitions;
    private final RequestPipeline pipeline;
    private final SyncStage<Partition> syncStage;
    private final Time time;

    public LogMaintenance(
            Supplier<BrokerConfig> config,
            PartitionManager partitions,
            RequestPipeline pipeline,
            SyncStage<Partition> syncStage,
            Time time) {
        this.config = config;
        this.partitions = partitions;
        this.pipeline = pipeline;
        this.syncStage = syncStage;
        this.time = time;
    }

    public void schedule(ScheduledThreadPoolExecutor timer) {
        long retention = config.get().getLong(BrokerConfigDef.LOG_RETENTION_CHECK_INTERVAL_MS);
        timer.scheduleWithFixedDelay(
                () -> pipeline.execute(this::retention), retention, retention, TimeUnit.MILLISECONDS);
        long flush = Math.min(config.get().getLong(BrokerConfigDef.LOG_FLUSH_SCHEDULER_INTERVAL_MS), 1000);
        timer.scheduleWithFixedDelay(() -> pipeline.execute(this::flushOverdue), flush, flush, TimeUnit.MILLISECONDS);
        long expiry = config.get().getInt(BrokerConfigDef.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS);
        timer.scheduleWithFixedDelay(
                () -> pipeline.execute(this::expireProducers), expiry, expiry, TimeUnit.MILLISECONDS);
    }

    /** One retention pass over every local partition. Handler thread only. */
    public void retention() {
        long now = time.milliseconds();
        for (Partition p : partitions.all()) {
            try {
                int deleted = p.log().enforceRetention(now);
                if (deleted > 0) {
                    LOG.info(
                            "Retention deleted {} segment(s) of {}; log start offset now {}",
                            deleted,
                            p,
                            p.log().logStartOffset());
                }
            } catch (StorageException e) {
                LOG.error("Retention of {} failed", p, e);
            }
        }
    }

    private void flushOverdue() {
        long now = time.nanoseconds();
        List<Partition> overdue = new ArrayList<>();
        for (Partition p : partitions.all()) {
            if (p.syncOverdue(now)) {
                p.syncRequested(now);
                overdue.add(p);
            }
        }
        if (!overdue.isEmpty()) {
            syncStage.submit(overdue, failed -> {});
        }
    }

    /** One expiry pass over every local partition's producers. Handler thread only. */
    private void expireProducers() {
        long now = time.milliseconds();
        long expiration = config.get().getInt(BrokerConfigDef.PRODUCER_ID_EXPIRATION_MS);
        for (Partition p : partitions.all()) {
            int expired = p.producers().expire(now, expiration);
            if (expired > 0) {
                LOG.debug("Expired {} idle producers of {}", expired, p);
            }
        }
    }
}

package io.tributary.kernel.cleaner;

import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.storage.BatchCodec;
import io.tributary.spi.storage.CompactionRequest;
import io.tributary.spi.storage.CompactionResult;
import io.tributary.spi.storage.IoThrottle;
import io.tributary.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's log cleaner for this broker: {@code log.cleaner.threads} background threads that go
 * round the hosted partitions whose {@code cleanup.policy} has {@code compact} and ask each log
 * to compact ({@link io.tributary.spi.storage.PartitionLog#compact}); the engine decides whether
 * a pass is due (dirty ratio, compaction lags, delete horizons) and does it. A round that
 * compacted nothing is followed by {@code log.cleaner.backoff.ms} of rest.
 *
 * <p>Threading: compaction runs on the cleaner threads only, never on the request handler
 * thread. The handler thread does only the bookkeeping the pass needs from partition state it
 * owns: the last stable offset and the active producers' last offsets, read in one short task
 * per pass ({@link RequestPipeline#execute}). Two threads never compact one partition at once.
 * The I/O of all threads together stays under {@code log.cleaner.io.max.bytes.per.second}; the
 * key map of each pass takes at most {@code log.cleaner.dedupe.buffer.size / threads} bytes.
 */
public final class LogCleaner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
    private static final long BOOKKEEPING_TIMEOUT_MS = 30_000;

    private final PartitionManager partitions;
    private final RequestPipeline pipeline;
    private final Time time;
    private final int threads;
    private final long backoffMs;
    private final long offsetMapBytes;
    private final IoThrottle throttle;
    private final BatchCodec codec;
    private final Set<Partition> inProgress = ConcurrentHashMap.newKeySet();
    private final AtomicInteger passes = new AtomicInteger();
    private ScheduledThreadPoolExecutor executor;

    public LogCleaner(BrokerConfig config, PartitionManager partitions, RequestPipeline pipeline, Time time) {
        this.partitions = partitions;
        this.pipeline = pipeline;
        this.time = time;
        this.threads = config.getBoolean("log.cleaner.enable") ? config.getInt("log.cleaner.threads") : 0;
        this.backoffMs = config.getLong("log.cleaner.backoff.ms");
        this.offsetMapBytes = Math.max(1024, config.getLong("log.cleaner.dedupe.buffer.size") / Math.max(1, threads));
        RateThrottle rate = new RateThrottle(config.getDouble("log.cleaner.io.max.bytes.per.second"), time);
        this.throttle = rate.limited() ? rate : IoThrottle.NONE;
        this.codec = ProtocolBatchCodec.INSTANCE;
    }

    /** Starts the cleaner threads (none when {@code log.cleaner.enable=false} or no threads). */
    public void start() {
        if (threads == 0) {
            LOG.info("The log cleaner is disabled: compacted topics are not compacted");
            return;
        }
        AtomicInteger n = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "tributary-log-cleaner-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < threads; i++) {
            executor.execute(this::round);
        }
    }

    /** Passes that compacted something since start (for tests and metrics). */
    public int passes() {
        return passes.get();
    }

    /** One round over the compacted partitions; schedules the next. Cleaner thread. */
    private void round() {
        boolean compacted = false;
        try {
            List<Partition> candidates = new ArrayList<>();
            for (Partition p : partitions.all()) {
                if (p.config().log().compactCleanup()) {
                    candidates.add(p);
                }
            }
            for (Partition p : candidates) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (inProgress.add(p)) {
                    try {
                        compacted |= compact(p);
                    } finally {
                        inProgress.remove(p);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("The log cleaner's round failed", e);
        } finally {
            reschedule(compacted ? 0 : backoffMs);
        }
    }

    private void reschedule(long delayMs) {
        if (!Thread.currentThread().isInterrupted() && !executor.isShutdown()) {
            try {
                executor.schedule(this::round, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Compacts one partition if due; true when a pass compacted. Cleaner thread. */
    private boolean compact(Partition p) {
        Bookkeeping facts;
        try {
            facts = bookkeeping(p);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("Skipping compaction of {}: its partition state was not available: {}", p, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        CompactionRequest request = new CompactionRequest(
                time.milliseconds(),
                facts.lastStableOffset(),
                facts.activeProducers(),
                offsetMapBytes,
                throttle,
                codec);
        try {
            CompactionResult result = p.log().compact(request);
            if (result.outcome() == CompactionResult.Outcome.COMPACTED) {
                passes.incrementAndGet();
                LOG.info(
                        "Compacted {} up to offset {}: {} bytes became {} ({} records removed; read {} bytes, wrote {})",
                        p,
                        result.cleanedUpTo(),
                        result.sizeBefore(),
                        result.sizeAfter(),
                        result.recordsRemoved(),
                        result.bytesRead(),
                        result.bytesWritten());
                return true;
            }
        } catch (StorageException e) {
            if (!Thread.currentThread().isInterrupted()) {
                LOG.error("Compaction of {} failed", p, e);
            }
        }
        return false;
    }

    /** What a pass needs from the partition's state, which the handler thread owns. */
    private record Bookkeeping(long lastStableOffset, Map<Long, Long> activeProducers) {}

    private Bookkeeping bookkeeping(Partition p) throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Bookkeeping> facts = new CompletableFuture<>();
        pipeline.execute(() -> {
            try {
                facts.complete(new Bookkeeping(
                        Math.max(0, p.lastStableOffset()), p.producers().lastBatchOffsets()));
            } catch (RuntimeException e) {
                facts.completeExceptionally(e);
            }
        });
        return facts.get(BOOKKEEPING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops the threads, interrupting a pass under way (it gives up and changes nothing). */
    @Override
    public void close() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("A log cleaner thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.tributary.kernel.produce;

import io.tributary.kernel.partition.Partition;
import io.tributary.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk-sync stage: syncs logs on its own thread so an fsync stalls only the produce requests
 * that wait for it, never the request handler. Group commit on two levels: one submission syncs
 * every log appended to during a ring batch, and the submissions that queued up while a sync was
 * under way are served by one sync per log (a sync started after an append covers it, so the
 * pipelined requests of a producer share a disk flush instead of each waiting for its own).
 *
 * <p>Thread-safe. Callbacks run on the sync thread.
 *
 * @param <T> what is synced: a {@link Partition} (its log) in the broker
 */
public final class SyncStage<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStage.class);

    private record Request<T>(Collection<T> targets, Consumer<Set<T>> done) {}

    private final Request<T> stop = new Request<>(List.of(), failed -> {});
    private final LinkedBlockingQueue<Request<T>> queue = new LinkedBlockingQueue<>();
    private final Consumer<T> sync;
    private boolean closed; // guarded by this

    /** Syncs partitions' logs ({@link io.tributary.spi.storage.PartitionLog#sync}). */
    public static SyncStage<Partition> forLogs() {
        return new SyncStage<>(p -> p.log().sync());
    }

    /** @param sync makes one target durable; throws (a {@link StorageException}) when it cannot */
    SyncStage(Consumer<T> sync) {
        this.sync = sync;
        Thread.ofPlatform().daemon().name("tributary-log-sync").start(this::run);
    }

    /**
     * Syncs each target, then calls {@code done} on the sync thread with the targets whose sync
     * failed (empty when all succeeded). After {@link #close} nothing is synced and {@code done}
     * gets every target as failed.
     */
    public void submit(Collection<T> targets, Consumer<Set<T>> done) {
        synchronized (this) {
            if (!closed) {
                queue.add(new Request<>(targets, done));
                return;
            }
        }
        done.accept(Set.copyOf(targets));
    }

    private void run() {
        List<Request<T>> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            boolean stopping = batch.removeIf(r -> r == stop);
            serve(batch);
            batch.clear();
            if (stopping) {
                return;
            }
        }
    }

    private void serve(List<Request<T>> batch) {
        Set<T> all = new LinkedHashSet<>();
        for (Request<T> r : batch) {
            all.addAll(r.targets());
        }
        Set<T> failed = new HashSet<>();
        for (T p : all) {
            try {
                sync.accept(p);
            } catch (StorageException e) {
                LOG.error("Sync of {} failed", p, e);
                failed.add(p);
            } catch (RuntimeException e) {
                LOG.error("Sync of {} failed unexpectedly", p, e);
                failed.add(p);
            }
        }
        for (Request<T> r : batch) {
            Set<T> own = failed.isEmpty() ? Set.of() : failedAmong(r.targets(), failed);
            try {
                r.done().accept(own);
            } catch (RuntimeException e) {
                LOG.error("A sync callback failed", e);
            }
        }
    }

    private static <T> Set<T> failedAmong(Collection<T> targets, Set<T> failed) {
        Set<T> own = new HashSet<>();
        for (T p : targets) {
            if (failed.contains(p)) {
                own.add(p);
            }
        }
        return own;
    }

    /** Serves what was submitted so far, then stops the sync thread (without waiting for it). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            queue.add(stop);
        }
    }
}

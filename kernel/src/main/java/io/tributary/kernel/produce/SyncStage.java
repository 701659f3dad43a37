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
 */
public final class SyncStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStage.class);

    private record Request(Collection<Partition> partitions, Consumer<Set<Partition>> done) {}

    private static final Request STOP = new Request(List.of(), failed -> {});

    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private boolean closed; // guarded by this

    public SyncStage() {
        Thread.ofPlatform().daemon().name("tributary-log-sync").start(this::run);
    }

    /**
     * Syncs each partition's log, then calls {@code done} on the sync thread with the partitions
     * whose sync failed (empty when all succeeded). After {@link #close} nothing is synced and
     * {@code done} gets every partition as failed.
     */
    public void submit(Collection<Partition> partitions, Consumer<Set<Partition>> done) {
        synchronized (this) {
            if (!closed) {
                queue.add(new Request(partitions, done));
                return;
            }
        }
        done.accept(Set.copyOf(partitions));
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            boolean stop = batch.remove(STOP);
            serve(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    private static void serve(List<Request> batch) {
        Set<Partition> all = new LinkedHashSet<>();
        for (Request r : batch) {
            all.addAll(r.partitions());
        }
        Set<Partition> failed = new HashSet<>();
        for (Partition p : all) {
            try {
                p.log().sync();
            } catch (StorageException e) {
                LOG.error("Sync of {} failed", p, e);
                failed.add(p);
            } catch (RuntimeException e) {
                LOG.error("Sync of {} failed unexpectedly", p, e);
                failed.add(p);
            }
        }
        for (Request r : batch) {
            Set<Partition> own = failed.isEmpty() ? Set.of() : failedAmong(r.partitions(), failed);
            try {
                r.done().accept(own);
            } catch (RuntimeException e) {
                LOG.error("A sync callback failed", e);
            }
        }
    }

    private static Set<Partition> failedAmong(Collection<Partition> partitions, Set<Partition> failed) {
        Set<Partition> own = new HashSet<>();
        for (Partition p : partitions) {
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
            queue.add(STOP);
        }
    }
}

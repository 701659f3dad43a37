package io.tributary.kernel.produce;

import io.tributary.kernel.partition.Partition;
import io.tributary.spi.storage.StorageException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk-sync stage: syncs logs on its own thread so an fsync stalls only the produce requests
 * that wait for it, never the request handler. One submission syncs every log appended to during
 * a ring batch, so many producers share one sync (group commit).
 */
public final class SyncStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStage.class);

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tributary-log-sync");
        t.setDaemon(true);
        return t;
    });

    /**
     * Syncs each partition's log, then calls {@code done} on the sync thread with the partitions
     * whose sync failed (empty when all succeeded).
     */
    public void submit(Collection<Partition> partitions, Consumer<Set<Partition>> done) {
        executor.execute(() -> {
            Set<Partition> failed = new HashSet<>();
            for (Partition p : partitions) {
                try {
                    p.log().sync();
                } catch (StorageException e) {
                    LOG.error("Sync of {} failed", p, e);
                    failed.add(p);
                }
            }
            done.accept(failed);
        });
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}

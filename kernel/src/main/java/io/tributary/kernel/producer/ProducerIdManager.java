package io.tributary.kernel.producer;

import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.metadata.ProducerIdBlock;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids from blocks reserved in the metadata store, fetching the next block
 * before the current one runs out. Thread-safe.
 */
public final class ProducerIdManager {
    private final MetadataStore store;
    private final int brokerId;
    private final CompletableFuture<Void> registered;
    private ProducerIdBlock current;
    private long next;
    private CompletableFuture<ProducerIdBlock> prefetch;

    /**
     * @param registered completes once this broker is registered: the store hands out blocks only
     *     to registered brokers
     */
    public ProducerIdManager(MetadataStore store, int brokerId, CompletableFuture<Void> registered) {
        this.store = store;
        this.brokerId = brokerId;
        this.registered = registered;
    }

    /** The next unused producer id; completes after a metadata round trip only when a new block is needed. */
    public synchronized CompletableFuture<Long> nextProducerId() {
        if (current != null && next < current.nextBlockFirstId()) {
            long id = next++;
            if (prefetch == null && current.nextBlockFirstId() - next < current.size() / 10 + 1) {
                prefetch = store.allocateProducerIds(brokerId);
            }
            return CompletableFuture.completedFuture(id);
        }
        CompletableFuture<ProducerIdBlock> block =
                prefetch != null ? prefetch : registered.thenCompose(ignored -> store.allocateProducerIds(brokerId));
        prefetch = null;
        return block.thenCompose(b -> {
            synchronized (this) {
                if (current == null || b.firstProducerId() >= current.nextBlockFirstId()) {
                    current = b;
                    next = b.firstProducerId();
                }
            }
            return nextProducerId();
        });
    }
}

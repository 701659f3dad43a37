package io.tributary.spi.metadata;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's metadata: brokers, topics with their ids and partitions, configs and producer
 * id blocks. Changes are committed to a replicated (or, for a quorum of one, a local) log in
 * order and published as immutable {@link MetadataImage}s.
 *
 * <p>Thread-safe. Writes return futures that complete once the change is committed and the
 * new image is published (listeners have run), or complete exceptionally with a {@link
 * MetadataException} naming a {@link MetadataError}. The kernel validates names and config
 * values before calling; the store checks what depends on state (existence, counts, brokers).
 * Futures may complete on the store's own thread: dependent stages that block must run on
 * another executor ({@code thenApplyAsync(fn, executor)}), or they stall every metadata change.
 * Once the store is closed, writes complete exceptionally with {@link MetadataError#NOT_CONTROLLER}.
 */
public interface MetadataStore extends AutoCloseable {

    /** The cluster id, generated and stored on first start. */
    String clusterId();

    /** The latest committed image. Never null. */
    MetadataImage image();

    /**
     * Adds a listener called with each newly published image, in commit order, on the store's
     * own thread. The listener must not block. It sees only images published after it was added:
     * add it first, then read {@link #image()} for the starting state (an image seen both ways is
     * harmless, since each call carries the previous and the current image).
     */
    void addListener(MetadataListener listener);

    /**
     * Registers (or re-registers after a restart) a broker with its endpoints. Idempotent: the
     * same registration again changes nothing; a new incarnation id replaces the old one.
     */
    CompletableFuture<Void> registerBroker(BrokerRegistration registration);

    /**
     * Creates topics. Each topic succeeds or fails on its own; the future completes with one
     * result per requested topic, in request order.
     */
    CompletableFuture<List<TopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly);

    /** Deletes topics by id; one result per topic, in request order. */
    CompletableFuture<List<TopicResult>> deleteTopics(List<UUID> topicIds);

    /**
     * Raises a topic's partition count to {@code totalCount}.
     *
     * @param assignments replicas for each new partition, or empty to let the store choose
     */
    CompletableFuture<TopicResult> createPartitions(
            UUID topicId, int totalCount, List<List<Integer>> assignments, boolean validateOnly);

    /**
     * Sets or removes configs of a topic or broker: a null value removes the key. Replaces
     * nothing else.
     */
    CompletableFuture<Void> alterConfigs(ConfigResource resource, Map<String, String> changes, boolean validateOnly);

    /**
     * Reserves the next block of producer ids for a registered broker. Blocks never overlap and
     * are never handed out twice, across restarts included.
     *
     * <p>Fails with {@link MetadataError#BROKER_NOT_AVAILABLE} if the broker is not registered.
     */
    CompletableFuture<ProducerIdBlock> allocateProducerIds(int brokerId);

    @Override
    void close();
}

package io.tributary.kernel.coordinator;

import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.protocol.Errors;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locates the coordinator of a key as the leader of the internal topic partition that owns it
 * ({@link InternalTopic#partitionFor}), creating the topic on first use as Kafka does: with the
 * configured partition count, a replication factor capped at the live brokers, and its configs.
 * The answer waits until the new topic's partitions are open here, so the client's next request
 * finds the coordinator ready.
 *
 * <p>Handler thread only.
 */
public final class InternalTopicLocator implements CoordinatorLocator {
    private static final Logger LOG = LoggerFactory.getLogger(InternalTopicLocator.class);

    private final KernelServices services;
    private final Supplier<InternalTopic> topic;
    /** Callers waiting for a creation in flight; null when none is. Handler thread only. */
    private List<Runnable> waitingForCreation;

    /**
     * @param topic what to create when the topic is missing (read at creation time)
     */
    public InternalTopicLocator(KernelServices services, Supplier<InternalTopic> topic) {
        this.services = services;
        this.topic = topic;
    }

    @Override
    public void locate(List<String> keys, String listener, Consumer<Map<String, Location>> done) {
        String name = topic.get().name();
        if (services.partitions().image().topic(name).isPresent()) {
            done.accept(resolve(services.partitions().image(), name, keys, listener));
            return;
        }
        ensureCreated(() -> done.accept(resolve(services.partitions().image(), name, keys, listener)));
    }

    /** Creates the topic unless a creation is already on its way, then runs {@code then} on the handler thread. */
    private void ensureCreated(Runnable then) {
        if (waitingForCreation != null) {
            waitingForCreation.add(then);
            return;
        }
        waitingForCreation = new ArrayList<>();
        waitingForCreation.add(then);
        InternalTopic spec = topic.get();
        MetadataImage image = services.partitions().image();
        long live = image.brokers().values().stream().filter(b -> !b.fenced()).count();
        short rf = (short) Math.max(1, Math.min(spec.replicationFactor(), live));
        NewTopic newTopic = new NewTopic(spec.name(), spec.partitions(), rf, List.of(), spec.configs());
        services.metadata()
                .createTopics(List.of(newTopic), false)
                .whenComplete((results, failure) -> services.afterMetadataApplied(() -> {
                    if (failure != null) {
                        LOG.warn(
                                "Cannot create internal topic {}: {}",
                                spec.name(),
                                ErrorMapping.unwrap(failure).getMessage());
                    } else {
                        results.stream()
                                .filter(r -> !r.succeeded())
                                .filter(r -> r.error().orElseThrow()
                                        != io.tributary.spi.metadata.MetadataError.TOPIC_ALREADY_EXISTS)
                                .forEach(r -> LOG.warn(
                                        "Cannot create internal topic {}: {} {}",
                                        spec.name(),
                                        r.error().orElseThrow(),
                                        r.message()));
                        results.stream()
                                .filter(r -> r.succeeded())
                                .forEach(r -> LOG.info(
                                        "Created internal topic {} with {} partitions, replication factor {}",
                                        spec.name(),
                                        spec.partitions(),
                                        rf));
                    }
                    List<Runnable> waiting = waitingForCreation;
                    waitingForCreation = null;
                    waiting.forEach(Runnable::run);
                }));
    }

    private static Map<String, Location> resolve(
            MetadataImage image, String topicName, List<String> keys, String listener) {
        Map<String, Location> out = new LinkedHashMap<>();
        Optional<TopicImage> topic = image.topic(topicName);
        for (String key : keys) {
            if (topic.isEmpty() || topic.get().partitionCount() == 0) {
                out.put(key, Location.failed(Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available."));
                continue;
            }
            int partition = InternalTopic.partitionFor(key, topic.get().partitionCount());
            out.put(key, leaderOf(image, topic.get().partitions().get(partition), listener));
        }
        return out;
    }

    private static Location leaderOf(MetadataImage image, PartitionImage partition, String listener) {
        if (partition == null || partition.leader() < 0) {
            return Location.failed(Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available.");
        }
        BrokerRegistration broker = image.brokers().get(partition.leader());
        if (broker == null || broker.fenced()) {
            return Location.failed(Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator is not available.");
        }
        for (BrokerRegistration.Endpoint e : broker.endpoints()) {
            if (e.listener().equals(listener)) {
                return Location.of(broker.id(), e.host(), e.port());
            }
        }
        return Location.failed(
                Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator has no endpoint on listener " + listener + ".");
    }
}

package io.tributary.spi.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable view of committed cluster metadata.
 *
 * @param offset the metadata-log offset this image includes (-1 for the empty image)
 * @param brokers registered brokers by id
 * @param topicsByName topics by name
 * @param topicsById the same topics by id
 * @param configs configs by resource: topic overrides, per-broker and cluster-default broker
 *     configs
 * @param nextProducerId the first producer id not yet handed out
 */
public record MetadataImage(
        long offset,
        Map<Integer, BrokerRegistration> brokers,
        Map<String, TopicImage> topicsByName,
        Map<UUID, TopicImage> topicsById,
        Map<ConfigResource, Map<String, String>> configs,
        long nextProducerId) {

    public static final MetadataImage EMPTY = new MetadataImage(-1, Map.of(), Map.of(), Map.of(), Map.of(), 0);

    public MetadataImage {
        brokers = Map.copyOf(brokers);
        // Looked up on every produce and fetch: one map class at every size (see ImageMaps).
        topicsByName = ImageMaps.copyOf(topicsByName);
        topicsById = ImageMaps.copyOf(topicsById);
        configs = Map.copyOf(configs);
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topicsByName.get(Objects.requireNonNull(name)));
    }

    public Optional<TopicImage> topic(UUID id) {
        return Optional.ofNullable(topicsById.get(Objects.requireNonNull(id)));
    }

    /** The explicitly set configs of a resource (not defaults); empty when none. */
    public Map<String, String> configs(ConfigResource resource) {
        return configs.getOrDefault(resource, Map.of());
    }
}

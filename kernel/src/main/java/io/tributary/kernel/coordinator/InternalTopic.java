package io.tributary.kernel.coordinator;

import java.util.Map;
import java.util.Objects;

/**
 * An internal topic that holds a coordinator's state, created by the broker when first needed.
 *
 * @param name the topic name, e.g. {@code __consumer_offsets}
 * @param partitions the partition count to create it with
 * @param replicationFactor the wanted replication factor (capped at the live broker count)
 * @param configs topic config overrides to create it with (cleanup.policy=compact, ...)
 */
public record InternalTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    public InternalTopic {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive: " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be positive: " + replicationFactor);
        }
        configs = Map.copyOf(configs);
    }

    /**
     * The partition that owns {@code key}: {@code abs(key.hashCode()) % partitionCount}, Kafka's
     * rule (with {@code abs(Integer.MIN_VALUE) = 0}), so that tools that compute it agree.
     */
    public static int partitionFor(String key, int partitionCount) {
        int h = key.hashCode();
        int abs = h == Integer.MIN_VALUE ? 0 : Math.abs(h);
        return abs % partitionCount;
    }
}

package io.tributary.spi.metadata;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A topic to create.
 *
 * @param name a valid topic name (the kernel has checked it)
 * @param numPartitions partition count, or -1 for the broker default when {@code assignments}
 *     is empty
 * @param replicationFactor replicas per partition, or -1 for the broker default
 * @param assignments explicit replicas per partition (index = partition), or empty
 * @param configs topic config overrides (validated by the kernel)
 */
public record NewTopic(
        String name,
        int numPartitions,
        short replicationFactor,
        List<List<Integer>> assignments,
        Map<String, String> configs) {
    public NewTopic {
        Objects.requireNonNull(name, "name");
        assignments = assignments.stream().map(List::copyOf).toList();
        configs = Map.copyOf(configs);
    }
}

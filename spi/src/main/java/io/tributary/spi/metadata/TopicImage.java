package io.tributary.spi.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** A topic: its name, id and partitions. Its config overrides live in {@link MetadataImage#configs()}. */
public record TopicImage(String name, UUID id, Map<Integer, PartitionImage> partitions) {
    /**
     * Copies {@code partitions} (no null keys or values) into an unmodifiable map that is of the
     * same class whatever the topic's size. {@code Map.copyOf} answers a different class for one
     * partition than for several, and the broker looks a partition up on every produce and
     * fetch: after a warm-up on one-partition topics, C2 had compiled that lookup for the
     * one-entry class only, and the first topic with more partitions threw away the compiled
     * produce path (a class_check deoptimization of {@code ProduceHandler.handle}, some 7,500
     * inlined bytecodes, then a 0.7-1.1 s recompile).
     */
    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        HashMap<Integer, PartitionImage> copy = HashMap.newHashMap(partitions.size());
        partitions.forEach((index, partition) -> copy.put(
                Objects.requireNonNull(index, "partition index"), Objects.requireNonNull(partition, "partition")));
        partitions = Collections.unmodifiableMap(copy);
    }

    public int partitionCount() {
        return partitions.size();
    }
}

package io.tributary.spi.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** A topic: its name, id and partitions. Its config overrides live in {@link MetadataImage#configs()}. */
public record TopicImage(String name, UUID id, Map<Integer, PartitionImage> partitions) {
    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = ImageMaps.copyOf(partitions);
    }

    public int partitionCount() {
        return partitions.size();
    }
}

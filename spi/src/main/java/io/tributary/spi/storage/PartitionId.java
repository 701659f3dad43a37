package io.tributary.spi.storage;

import java.util.Objects;
import java.util.UUID;

/**
 * A partition as storage knows it. The topic id distinguishes a re-created topic from the
 * deleted one of the same name.
 */
public record PartitionId(String topic, UUID topicId, int partition) {
    public PartitionId {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(topicId, "topicId");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}

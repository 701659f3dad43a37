package io.tributary.kernel.offsets;

import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.protocol.Errors;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.Optional;

/**
 * Finds the local leader replica a client request names, or the Kafka error that says why it
 * cannot be served here, checking the client's idea of the leader epoch when it sends one.
 */
public final class PartitionLookup {
    private PartitionLookup() {}

    /** A partition to serve, or the error to answer. */
    public record Result(Partition partition, Errors error) {
        public boolean ok() {
            return partition != null;
        }
    }

    public static Result leader(PartitionManager partitions, String topic, int index, int currentLeaderEpoch) {
        Optional<TopicImage> t = partitions.image().topic(topic);
        return leader(partitions, t, index, currentLeaderEpoch, Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    public static Result leader(
            PartitionManager partitions, java.util.UUID topicId, int index, int currentLeaderEpoch) {
        Optional<TopicImage> t = partitions.image().topic(topicId);
        return leader(partitions, t, index, currentLeaderEpoch, Errors.UNKNOWN_TOPIC_ID);
    }

    private static Result leader(
            PartitionManager partitions,
            Optional<TopicImage> topic,
            int index,
            int currentLeaderEpoch,
            Errors unknownTopic) {
        if (topic.isEmpty()) {
            return new Result(null, unknownTopic);
        }
        PartitionImage placement = topic.get().partitions().get(index);
        if (placement == null) {
            return new Result(null, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (placement.leader() != partitions.nodeId()) {
            return new Result(null, Errors.NOT_LEADER_OR_FOLLOWER);
        }
        Optional<Partition> local = partitions.get(topic.get().name(), index);
        if (local.isEmpty()) {
            // Assigned here but not open (yet, or its storage failed).
            return new Result(null, Errors.NOT_LEADER_OR_FOLLOWER);
        }
        if (currentLeaderEpoch >= 0) {
            int epoch = local.get().leaderEpoch();
            if (currentLeaderEpoch < epoch) {
                return new Result(null, Errors.FENCED_LEADER_EPOCH);
            }
            if (currentLeaderEpoch > epoch) {
                return new Result(null, Errors.UNKNOWN_LEADER_EPOCH);
            }
        }
        return new Result(local.get(), Errors.NONE);
    }
}

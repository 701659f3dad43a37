package io.tributary.kernel.offsets;

import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.protocol.Errors;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.Optional;
import java.util.UUID;

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

    /** The leader for a request that names no leader epoch (produce, delete records, describe producers). */
    public static Result leader(PartitionManager partitions, String topic, int index) {
        return leader(partitions, partitions.image().topic(topic), index, Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    /** {@link #leader(PartitionManager, String, int)} by topic id. */
    public static Result leader(PartitionManager partitions, UUID topicId, int index) {
        return leader(partitions, partitions.image().topic(topicId), index, Errors.UNKNOWN_TOPIC_ID);
    }

    /**
     * The leader for a request that may name the leader epoch it expects ({@code
     * currentLeaderEpoch}, -1 for none): a different one is fenced (older) or unknown (newer).
     */
    public static Result leader(PartitionManager partitions, String topic, int index, int currentLeaderEpoch) {
        return checkEpoch(leader(partitions, topic, index), currentLeaderEpoch);
    }

    /** {@link #leader(PartitionManager, String, int, int)} by topic id. */
    public static Result leader(PartitionManager partitions, UUID topicId, int index, int currentLeaderEpoch) {
        return checkEpoch(leader(partitions, topicId, index), currentLeaderEpoch);
    }

    // The epoch check is kept apart from the lookup the produce path shares: in one method, its
    // test for "an epoch was sent" only ever saw produce's "no" on a busy broker, and the JIT's
    // compile of the lookup was thrown away at the first fetch that sent one (0.2 s of C2 again).
    private static Result checkEpoch(Result found, int currentLeaderEpoch) {
        if (!found.ok() || currentLeaderEpoch < 0) {
            return found;
        }
        int epoch = found.partition().leaderEpoch();
        if (currentLeaderEpoch < epoch) {
            return new Result(null, Errors.FENCED_LEADER_EPOCH);
        }
        if (currentLeaderEpoch > epoch) {
            return new Result(null, Errors.UNKNOWN_LEADER_EPOCH);
        }
        return found;
    }

    private static Result leader(
            PartitionManager partitions, Optional<TopicImage> topic, int index, Errors unknownTopic) {
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
        return new Result(local.get(), Errors.NONE);
    }
}

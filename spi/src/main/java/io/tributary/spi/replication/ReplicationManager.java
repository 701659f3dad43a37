package io.tributary.spi.replication;

import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.storage.PartitionId;

/**
 * Tracks replicas and advances high watermarks. Calls for one partition come from that
 * partition's single writer; implementations must be safe across partitions.
 */
public interface ReplicationManager extends AutoCloseable {

    /** The partition's placement changed (this broker became leader or follower, ISR changed). */
    void onPartitionChange(PartitionId partition, PartitionImage image);

    /** The leader appended; {@code logEndOffset} is the new end. */
    void onLeaderAppend(PartitionId partition, long logEndOffset);

    /** A follower fetched from this leader at {@code fetchOffset} (its log end offset). */
    default void onFollowerFetch(PartitionId partition, int replicaId, long fetchOffset) {}

    @Override
    void close();
}

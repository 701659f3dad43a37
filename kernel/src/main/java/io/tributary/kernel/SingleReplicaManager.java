package io.tributary.kernel;

import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.replication.ReplicaHost;
import io.tributary.spi.replication.ReplicationManager;
import io.tributary.spi.storage.PartitionId;

/**
 * The kernel's replication when no plugin is chosen: every partition has one replica, so the
 * high watermark follows the log end offset as soon as an append is stored.
 */
final class SingleReplicaManager implements ReplicationManager {
    private final ReplicaHost host;

    SingleReplicaManager(ReplicaHost host) {
        this.host = host;
    }

    @Override
    public void onPartitionChange(PartitionId partition, PartitionImage image) {}

    @Override
    public void onLeaderAppend(PartitionId partition, long logEndOffset) {
        host.replica(partition).ifPresent(r -> r.advanceHighWatermark(logEndOffset));
    }

    @Override
    public void close() {}
}

package io.tributary.spi.replication;

import io.tributary.spi.storage.PartitionId;
import java.util.Optional;

/** The kernel's side of replication: the partition replicas hosted on this broker. Thread-safe. */
public interface ReplicaHost {
    Optional<LocalReplica> replica(PartitionId partition);
}

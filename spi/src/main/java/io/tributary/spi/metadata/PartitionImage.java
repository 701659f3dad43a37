package io.tributary.spi.metadata;

import java.util.List;

/**
 * One partition's placement.
 *
 * @param partition the partition index
 * @param replicas assigned replicas, preferred leader first
 * @param isr in-sync replicas
 * @param leader the leader's broker id, or -1 when there is none
 * @param leaderEpoch bumped on every leader change
 * @param partitionEpoch bumped on every change to this partition
 */
public record PartitionImage(
        int partition, List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}

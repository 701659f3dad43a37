package io.tributary.metadata.raft.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Spreads replicas over brokers as Kafka does without racks: partition leaders go round-robin
 * from a random broker, and each partition's followers sit at a distance from its leader that
 * grows by one every full round, so that replicas of consecutive partitions do not all pair up
 * with the same brokers. Stateless apart from the random source.
 */
final class ReplicaPlacer {
    private final RandomGenerator random;

    ReplicaPlacer(RandomGenerator random) {
        this.random = random;
    }

    /**
     * Replicas for partitions {@code firstPartition .. firstPartition + count - 1}.
     *
     * @param brokers the eligible broker ids, sorted; at least {@code replicationFactor} of them
     */
    List<List<Integer>> place(List<Integer> brokers, int firstPartition, int count, int replicationFactor) {
        int n = brokers.size();
        if (replicationFactor < 1 || replicationFactor > n) {
            throw new IllegalArgumentException(
                    "Cannot place " + replicationFactor + " replicas on " + n + " broker(s)");
        }
        int start = random.nextInt(n);
        int shift = random.nextInt(n);
        List<List<Integer>> result = new ArrayList<>(count);
        for (int partition = firstPartition; partition < firstPartition + count; partition++) {
            int leaderIndex = (start + partition) % n;
            int roundShift = shift + partition / n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(brokers.get(leaderIndex));
            for (int j = 0; j < replicationFactor - 1; j++) {
                // Distinct distances 1..n-1 from the leader, so no broker appears twice.
                int distance = 1 + (roundShift + j) % (n - 1);
                replicas.add(brokers.get((leaderIndex + distance) % n));
            }
            result.add(List.copyOf(replicas));
        }
        return result;
    }
}

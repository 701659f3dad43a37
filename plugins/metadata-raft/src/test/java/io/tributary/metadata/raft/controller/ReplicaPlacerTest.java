package io.tributary.metadata.raft.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {
    private static final List<Integer> BROKERS = List.of(1, 2, 3, 4, 5);

    @Test
    void shouldPlaceDistinctReplicasWithLeadersRoundRobin() {
        for (long seed = 0; seed < 50; seed++) {
            ReplicaPlacer placer = new ReplicaPlacer(new Random(seed));
            List<List<Integer>> placement = placer.place(BROKERS, 0, 10, 3);

            Map<Integer, Integer> leaders = new HashMap<>();
            Map<Integer, Integer> replicas = new HashMap<>();
            for (List<Integer> partition : placement) {
                assertEquals(3, new HashSet<>(partition).size(), "distinct replicas: " + partition);
                leaders.merge(partition.getFirst(), 1, Integer::sum);
                partition.forEach(b -> replicas.merge(b, 1, Integer::sum));
            }
            assertEquals(Set.of(2), Set.copyOf(leaders.values()), "each broker leads twice: " + leaders);
            assertEquals(Set.of(6), Set.copyOf(replicas.values()), "each broker holds six replicas: " + replicas);
        }
    }

    @Test
    void shouldPlaceFollowersAtDifferentDistancesInLaterRounds() {
        ReplicaPlacer placer = new ReplicaPlacer(new Random(1));
        List<List<Integer>> placement = placer.place(BROKERS, 0, 10, 2);
        // Partitions p and p+5 share a leader; the follower sits one broker further in the later round.
        for (int p = 0; p < 5; p++) {
            int distance = distance(placement.get(p));
            assertEquals(placement.get(p).getFirst(), placement.get(p + 5).getFirst());
            assertEquals(distance % 4 + 1, distance(placement.get(p + 5)));
        }
    }

    private static int distance(List<Integer> replicas) {
        return Math.floorMod(BROKERS.indexOf(replicas.get(1)) - BROKERS.indexOf(replicas.get(0)), BROKERS.size());
    }

    @Test
    void shouldRefuseMoreReplicasThanBrokers() {
        ReplicaPlacer placer = new ReplicaPlacer(new Random(1));
        assertThrows(IllegalArgumentException.class, () -> placer.place(List.of(1, 2), 0, 1, 3));
    }
}

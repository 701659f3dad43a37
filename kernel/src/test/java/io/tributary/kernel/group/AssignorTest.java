package io.tributary.kernel.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The server-side assignors of KIP-848 groups. */
class AssignorTest {
    private static final UUID T1 = new UUID(0, 1);
    private static final UUID T2 = new UUID(0, 2);

    private static Map<UUID, ServerAssignor.TopicSpec> topics(int t1, int t2) {
        Map<UUID, ServerAssignor.TopicSpec> out = new LinkedHashMap<>();
        out.put(T1, new ServerAssignor.TopicSpec(T1, "t1", t1));
        out.put(T2, new ServerAssignor.TopicSpec(T2, "t2", t2));
        return out;
    }

    private static ServerAssignor.MemberSpec member(String id, Set<UUID> topics, Map<UUID, Set<Integer>> current) {
        return new ServerAssignor.MemberSpec(id, null, topics, current);
    }

    private static void assertEveryPartitionOnce(
            Map<String, Map<UUID, Set<Integer>>> result, Map<UUID, ServerAssignor.TopicSpec> topics) {
        Map<UUID, Set<Integer>> seen = new HashMap<>();
        result.values()
                .forEach(a -> a.forEach((t, ps) -> ps.forEach(p -> assertTrue(
                        seen.computeIfAbsent(t, k -> new HashSet<>()).add(p), "partition " + t + "-" + p + " twice"))));
        topics.values()
                .forEach(t -> assertEquals(
                        t.partitions(), seen.getOrDefault(t.id(), Set.of()).size()));
    }

    @Test
    void shouldSpreadPartitionsEvenlyWithTheUniformAssignor() {
        Map<UUID, ServerAssignor.TopicSpec> topics = topics(7, 4);
        List<ServerAssignor.MemberSpec> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(member("m" + i, Set.of(T1, T2), Assignment.EMPTY));
        }
        Map<String, Map<UUID, Set<Integer>>> result = new UniformAssignor().assign(members, topics);
        assertEveryPartitionOnce(result, topics);
        for (Map<UUID, Set<Integer>> a : result.values()) {
            int n = Assignment.size(a);
            assertTrue(n == 3 || n == 4, "11 partitions over 3 members: " + n);
        }
    }

    @Test
    void shouldKeepPartitionsWhereTheyAreWhenAMemberJoins() {
        Map<UUID, ServerAssignor.TopicSpec> topics = topics(6, 0);
        Map<String, Map<UUID, Set<Integer>>> two = new UniformAssignor()
                .assign(
                        List.of(member("a", Set.of(T1), Assignment.EMPTY), member("b", Set.of(T1), Assignment.EMPTY)),
                        topics);
        Map<String, Map<UUID, Set<Integer>>> three = new UniformAssignor()
                .assign(
                        List.of(
                                member("a", Set.of(T1), two.get("a")),
                                member("b", Set.of(T1), two.get("b")),
                                member("c", Set.of(T1), Assignment.EMPTY)),
                        topics);
        assertEveryPartitionOnce(three, topics);
        assertEquals(2, Assignment.size(three.get("c")));
        assertTrue(Assignment.isSubset(three.get("a"), two.get("a")), "a only gave partitions away");
        assertTrue(Assignment.isSubset(three.get("b"), two.get("b")), "b only gave partitions away");
    }

    @Test
    void shouldOnlyAssignTopicsAMemberSubscribesTo() {
        Map<UUID, ServerAssignor.TopicSpec> topics = topics(4, 4);
        Map<String, Map<UUID, Set<Integer>>> result = new UniformAssignor()
                .assign(
                        List.of(
                                member("a", Set.of(T1), Assignment.EMPTY),
                                member("b", Set.of(T1, T2), Assignment.EMPTY),
                                member("c", Set.of(T2), Assignment.EMPTY)),
                        topics);
        assertEveryPartitionOnce(result, topics);
        assertEquals(Set.of(T1), result.get("a").keySet());
        assertEquals(Set.of(T2), result.get("c").keySet());
        for (Map<UUID, Set<Integer>> a : result.values()) {
            assertTrue(Assignment.size(a) >= 2 && Assignment.size(a) <= 3, "8 partitions over 3: " + a);
        }
    }

    @Test
    void shouldGiveConsecutiveCoPartitionedRangesWithTheRangeAssignor() {
        Map<UUID, ServerAssignor.TopicSpec> topics = topics(5, 5);
        Map<String, Map<UUID, Set<Integer>>> result = new RangeAssignor()
                .assign(
                        List.of(
                                member("b", Set.of(T1, T2), Assignment.EMPTY),
                                member("a", Set.of(T1, T2), Assignment.EMPTY)),
                        topics);
        assertEveryPartitionOnce(result, topics);
        assertEquals(Set.of(0, 1, 2), result.get("a").get(T1));
        assertEquals(Set.of(0, 1, 2), result.get("a").get(T2));
        assertEquals(Set.of(3, 4), result.get("b").get(T1));
        assertEquals(Set.of(3, 4), result.get("b").get(T2));
    }

    @Test
    void shouldLeaveMembersBeyondThePartitionCountEmpty() {
        Map<UUID, ServerAssignor.TopicSpec> topics = topics(2, 0);
        List<ServerAssignor.MemberSpec> members = List.of(
                member("a", Set.of(T1), Assignment.EMPTY),
                member("b", Set.of(T1), Assignment.EMPTY),
                member("c", Set.of(T1), Assignment.EMPTY));
        for (ServerAssignor assignor : List.of(new UniformAssignor(), new RangeAssignor())) {
            Map<String, Map<UUID, Set<Integer>>> result = assignor.assign(members, topics);
            assertEveryPartitionOnce(result, topics);
            assertEquals(3, result.size(), "every member present");
            assertEquals(1, result.values().stream().filter(Map::isEmpty).count());
        }
    }
}

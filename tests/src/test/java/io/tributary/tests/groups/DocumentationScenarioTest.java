package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scenario of Kafka's documentation on consumer groups, with both group protocols: a topic of
 * 4 partitions read by a group of 3 (one member gets 2 partitions); a 4th member joins and each
 * has one; one member crashes (it goes away without leaving) and its partition moves to another
 * member after the session timeout; a 5th and a 6th join, and with more members than partitions
 * one sits idle. Records are produced all along: every one is processed, none is lost, and each
 * member sees each key's records in order.
 */
class DocumentationScenarioTest {
    private static final int PARTITIONS = 4;
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(GroupTesting.fastGroups());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void shouldShareFourPartitionsAmongMembersThatComeCrashAndStayIdle(String protocol) throws Exception {
        String topic = "orders-" + protocol;
        String group = "order-processors-" + protocol;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        Queue<GroupMember.Processed> processed = new ConcurrentLinkedQueue<>();
        List<GroupMember> members = new ArrayList<>();
        List<GroupMember> everyone = new ArrayList<>();
        try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
            producer.send(400);
            for (int i = 1; i <= 3; i++) {
                members.add(member(protocol, topic, group, "c" + i, processed));
            }
            everyone.addAll(members);
            awaitSizes(members, topic, List.of(2, 1, 1));
            producer.send(400);

            GroupMember fourth = member(protocol, topic, group, "c4", processed);
            members.add(fourth);
            everyone.add(fourth);
            awaitSizes(members, topic, List.of(1, 1, 1, 1));
            producer.send(400);

            GroupMember crashed = members.remove(1);
            Set<TopicPartition> orphaned = crashed.assignment();
            crashed.crash();
            awaitSizes(members, topic, List.of(2, 1, 1));
            assertTrue(
                    members.stream().anyMatch(m -> m.assignment().containsAll(orphaned)),
                    "the crashed member's partition moved to a live member");
            producer.send(400);

            for (String name : List.of("c5", "c6")) {
                GroupMember m = member(protocol, topic, group, name, processed);
                members.add(m);
                everyone.add(m);
            }
            awaitSizes(members, topic, List.of(1, 1, 1, 1, 0));
            producer.send(400);

            int total = producer.total();
            Await.until(
                    "every record processed",
                    Duration.ofSeconds(60),
                    () -> distinct(processed).size() >= total);
            Map<TopicPartition, Map<Long, String>> written = producer.written;
            Set<String> seen = distinct(processed);
            for (Map.Entry<TopicPartition, Map<Long, String>> e : written.entrySet()) {
                for (Map.Entry<Long, String> r : e.getValue().entrySet()) {
                    assertTrue(
                            seen.contains(e.getKey().partition() + "@" + r.getKey() + "=" + r.getValue()),
                            "lost " + e.getKey() + "@" + r.getKey());
                }
            }
            assertEquals(total, seen.size(), "nothing but what was written");
            assertPerKeyOrder(processed);
        } finally {
            for (GroupMember m : members) {
                m.close();
            }
        }
        assertTrue(everyone.stream().noneMatch(GroupMember::failed));
    }

    private static GroupMember member(
            String protocol, String topic, String group, String name, Queue<GroupMember.Processed> sink) {
        return new GroupMember(name, broker.bootstrap(), group, topic, GroupTesting.consumerConfig(protocol), sink);
    }

    private static void awaitSizes(List<GroupMember> members, String topic, List<Integer> sizes) {
        Await.until(
                "assignment sizes " + sizes,
                Duration.ofSeconds(60),
                () -> GroupTesting.sizes(members).equals(sizes)
                        && GroupTesting.coversExactly(members, topic, PARTITIONS));
    }

    private static Set<String> distinct(Queue<GroupMember.Processed> processed) {
        Set<String> out = new HashSet<>();
        for (GroupMember.Processed p : processed) {
            out.add(p.partition() + "@" + p.offset() + "=" + p.value());
        }
        return out;
    }

    /**
     * Per-key order across the group: the first time each record of a key is processed, it is the
     * key's next record (redeliveries after a crash may repeat records, never jump ahead of one).
     */
    private static void assertPerKeyOrder(Queue<GroupMember.Processed> processed) {
        Map<String, Integer> highest = new HashMap<>();
        for (GroupMember.Processed p : processed) {
            int seq = Integer.parseInt(p.value().substring(p.value().indexOf(':') + 1));
            int seen = highest.getOrDefault(p.key(), 0);
            if (seq > seen) {
                assertEquals(
                        seen + 1,
                        seq,
                        "record " + p.value() + " processed before its predecessor (" + p.member() + ")");
                highest.put(p.key(), seq);
            }
        }
    }
}

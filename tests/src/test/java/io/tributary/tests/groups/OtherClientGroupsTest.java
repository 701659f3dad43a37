package io.tributary.tests.groups;

import static io.tributary.tests.groups.ExternalGroupMember.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.groups.ExternalGroupMember.Kind;
import io.tributary.tests.groups.ExternalGroupMember.Read;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Consumer groups of the non-Java clients (issue 6): kafkajs, librdkafka (confluent-kafka for
 * Python and kcat's balanced consumer) and kafka-python join classic groups on Tributary as on
 * Kafka. Two members split a topic's partitions and read each record once; a member that
 * commits and exits hands its position to the next; a member that leaves hands its partitions
 * to the other; and a Java consumer shares a group with each of them, the coordinator picking
 * the one protocol (assignor name) both offer. The records come from kafka-clients' producer,
 * so what each client must read is known exactly.
 */
class OtherClientGroupsTest {
    private static final int PARTITIONS = 4;
    private static final int BATCH = 40;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static InProcessBroker broker;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() {
        ExternalGroupMember.requireInstalled();
        broker = InProcessBroker.start(GroupTesting.fastGroups());
        admin = Clients.admin(broker.bootstrap());
        producer = Clients.producer(broker.bootstrap(), Map.of());
    }

    @AfterAll
    static void stop() {
        producer.close();
        admin.close();
        broker.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldSplitThePartitionsAndReadEveryRecordOnce(Kind kind) throws Exception {
        String topic = "split-" + kind;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        List<ExternalGroupMember> members = new ArrayList<>();
        try {
            members.add(ExternalGroupMember.start(kind, "a", broker.bootstrap(), topic, topic));
            members.add(ExternalGroupMember.start(kind, "b", broker.bootstrap(), topic, topic));
            ExternalGroupMember a = members.get(0);
            ExternalGroupMember b = members.get(1);
            awaitSplit(kind + " members to split the partitions", a::assignment, b::assignment, a, b);

            List<Read> produced = produce(topic, "first");
            awaitRead(produced, List.of(a, b));
            assertEquals(sorted(produced), sorted(concat(a.records(), b.records())), "each record exactly once");
            assertOnlyFrom(a);
            assertOnlyFrom(b);
            assertTrue(!a.records().isEmpty() && !b.records().isEmpty(), "both members read records");
            for (ExternalGroupMember m : members) {
                m.close();
            }
        } finally {
            members.forEach(ExternalGroupMember::kill);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldResumeAfterTheCommittedOffsetsOfAMemberThatExited(Kind kind) throws Exception {
        String topic = "resume-" + kind;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        List<Read> first = produce(topic, "first");
        ExternalGroupMember reader = ExternalGroupMember.start(kind, "first", broker.bootstrap(), topic, topic);
        try {
            awaitRead(first, List.of(reader));
            assertEquals(sorted(first), sorted(reader.records()));
            reader.commit();
            Map<Integer, Long> ends = ends(first);
            awaitCommitted(topic, ends, reader);
            reader.close();
        } finally {
            reader.kill();
        }

        List<Read> second = produce(topic, "second");
        assertEquals(ends(first), committed(topic), "the committed offsets stay while the group is empty");
        ExternalGroupMember next = ExternalGroupMember.start(kind, "next", broker.bootstrap(), topic, topic);
        try {
            awaitRead(second, List.of(next));
            assertEquals(sorted(second), sorted(next.records()), "only the records after the committed offsets");
            next.close();
        } finally {
            next.kill();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldHandAllPartitionsToTheRemainingMemberWhenOneLeaves(Kind kind) throws Exception {
        String topic = "handover-" + kind;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        List<ExternalGroupMember> members = new ArrayList<>();
        try {
            members.add(ExternalGroupMember.start(kind, "leaving", broker.bootstrap(), topic, topic));
            members.add(ExternalGroupMember.start(kind, "staying", broker.bootstrap(), topic, topic));
            ExternalGroupMember leaving = members.get(0);
            ExternalGroupMember staying = members.get(1);
            awaitSplit(
                    kind + " members to split the partitions",
                    leaving::assignment,
                    staying::assignment,
                    leaving,
                    staying);
            List<Read> first = produce(topic, "first");
            awaitRead(first, members);
            assertEquals(sorted(first), sorted(concat(leaving.records(), staying.records())));
            leaving.commit();
            staying.commit();
            awaitCommitted(topic, ends(first), leaving, staying);

            leaving.close();
            await(
                    "the remaining member to own every partition",
                    WAIT,
                    () -> staying.assignment().equals(all()),
                    staying);
            int before = staying.records().size();
            List<Read> second = produce(topic, "second");
            await(
                    "the remaining member to read the new records",
                    WAIT,
                    () -> staying.records().size() - before >= second.size(),
                    staying);
            List<Read> after =
                    staying.records().subList(before, staying.records().size());
            assertEquals(sorted(second), sorted(after), "the new records of every partition, once");
            staying.close();
        } finally {
            members.forEach(ExternalGroupMember::kill);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldShareAGroupWithAJavaConsumer(Kind kind) throws Exception {
        String topic = "mixed-" + kind;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        Map<String, Object> javaConfig = new HashMap<>(GroupTesting.consumerConfig("classic"));
        // The Java client's default ("range", "cooperative-sticky") meets librdkafka's and
        // kafka-python's ("range", "roundrobin") at "range"; kafkajs's script offers "roundrobin".
        String expectedAssignor = "range";
        if (kind == Kind.KAFKAJS) {
            javaConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RoundRobinAssignor.class.getName());
            expectedAssignor = "roundrobin";
        }
        Queue<GroupMember.Processed> javaRead = new ConcurrentLinkedQueue<>();
        GroupMember java = new GroupMember("java", broker.bootstrap(), topic, topic, javaConfig, javaRead);
        ExternalGroupMember other = ExternalGroupMember.start(
                kind, "other", broker.bootstrap(), topic, topic, kind == Kind.KAFKAJS ? "roundrobin" : null);
        try {
            awaitSplit(
                    "a Java and a " + kind + " member to split the partitions",
                    () -> partitions(java.assignment()),
                    other::assignment,
                    other);
            ConsumerGroupDescription group =
                    admin.describeConsumerGroups(List.of(topic)).all().get().get(topic);
            assertEquals(GroupType.CLASSIC, group.type());
            assertEquals(expectedAssignor, group.partitionAssignor());
            assertEquals(2, group.members().size());

            List<Read> produced = produce(topic, "first");
            await(
                    "both members to read every record",
                    WAIT,
                    () -> javaRead.size() + other.records().size() >= produced.size(),
                    other);
            List<Read> byJava = javaRead.stream()
                    .map(p -> new Read(p.partition(), p.offset(), p.key(), p.value()))
                    .toList();
            assertEquals(sorted(produced), sorted(concat(byJava, other.records())), "each record exactly once");
            assertOnlyFrom(other);
            assertFalse(byJava.isEmpty() || other.records().isEmpty(), "both members read records");
            other.close();
        } finally {
            other.kill();
            java.close();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Kind.class,
            names = {"CONFLUENT_KAFKA", "KCAT"})
    void shouldRebalanceIncrementallyWithAJavaConsumerOnCooperativeSticky(Kind kind) throws Exception {
        String topic = "cooperative-" + kind;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        ExternalGroupMember other =
                ExternalGroupMember.start(kind, "other", broker.bootstrap(), topic, topic, "cooperative-sticky");
        GroupMember java = null;
        try {
            await(
                    "the first member to own every partition",
                    WAIT,
                    () -> other.assignment().equals(all()),
                    other);
            Map<String, Object> javaConfig = new HashMap<>(GroupTesting.consumerConfig("classic"));
            javaConfig.put(
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            Queue<GroupMember.Processed> javaRead = new ConcurrentLinkedQueue<>();
            GroupMember joined = new GroupMember("java", broker.bootstrap(), topic, topic, javaConfig, javaRead);
            java = joined;
            awaitSplit(
                    "a Java and a " + kind + " member to split the partitions",
                    () -> partitions(joined.assignment()),
                    other::assignment,
                    other);
            ConsumerGroupDescription group =
                    admin.describeConsumerGroups(List.of(topic)).all().get().get(topic);
            assertEquals("cooperative-sticky", group.partitionAssignor());
            Set<Integer> kept = other.assignment();
            assertKeptThroughout(other, kept);

            List<Read> first = produce(topic, "first");
            await(
                    "both members to read every record",
                    WAIT,
                    () -> javaRead.size() + other.records().size() >= first.size(),
                    other);
            List<Read> byJava = javaRead.stream()
                    .map(p -> new Read(p.partition(), p.offset(), p.key(), p.value()))
                    .toList();
            assertEquals(sorted(first), sorted(concat(byJava, other.records())), "each record exactly once");
            other.commit();
            awaitCommitted(topic, ends(first), other);

            joined.close();
            await(
                    "the remaining member to own every partition",
                    WAIT,
                    () -> other.assignment().equals(all()),
                    other);
            assertKeptThroughout(other, kept);
            int before = other.records().size();
            List<Read> second = produce(topic, "second");
            await(
                    "the remaining member to read the new records",
                    WAIT,
                    () -> other.records().size() - before >= second.size(),
                    other);
            assertEquals(
                    sorted(second),
                    sorted(other.records().subList(before, other.records().size())));
            other.close();
        } finally {
            other.kill();
            if (java != null) {
                java.close();
            }
        }
    }

    /** An incremental rebalance never took {@code kept} away from the member once it had them. */
    private static void assertKeptThroughout(ExternalGroupMember m, Set<Integer> kept) {
        for (Set<Integer> assignment : m.assignments()) {
            assertTrue(assignment.containsAll(kept), () -> "cooperative rebalances revoked " + kept + ": " + m);
        }
    }

    /** Produces {@link #BATCH} records round-robin over the partitions, keys and values named by {@code label}. */
    private static List<Read> produce(String topic, String label) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            acks.add(producer.send(
                    new ProducerRecord<>(topic, i % PARTITIONS, label + "-" + i, "value-of-" + label + "-" + i)));
        }
        producer.flush();
        List<Read> out = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            RecordMetadata md = acks.get(i).get();
            out.add(new Read(md.partition(), md.offset(), label + "-" + i, "value-of-" + label + "-" + i));
        }
        return out;
    }

    /** Waits until two assignments are non-empty, disjoint and cover every partition. */
    private static void awaitSplit(
            String what, Supplier<Set<Integer>> first, Supplier<Set<Integer>> second, ExternalGroupMember... alive) {
        await(
                what,
                WAIT,
                () -> {
                    Set<Integer> x = first.get();
                    Set<Integer> y = second.get();
                    Set<Integer> union = new HashSet<>(x);
                    union.addAll(y);
                    return !x.isEmpty() && !y.isEmpty() && x.size() + y.size() == PARTITIONS && union.equals(all());
                },
                alive);
    }

    private static void awaitRead(List<Read> expected, List<ExternalGroupMember> members) {
        await(
                "the members to read " + expected.size() + " records",
                WAIT,
                () -> members.stream().mapToInt(m -> m.records().size()).sum() >= expected.size(),
                members.toArray(ExternalGroupMember[]::new));
    }

    /** Waits until the group's committed offsets, as Admin lists them, are {@code expected}. */
    private static void awaitCommitted(String group, Map<Integer, Long> expected, ExternalGroupMember... members) {
        await(
                "committed offsets " + expected + " (last seen " + committedQuietly(group) + ")",
                WAIT,
                () -> expected.equals(committed(group)),
                members);
    }

    private static Map<Integer, Long> committedQuietly(String group) {
        try {
            return committed(group);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static Map<Integer, Long> committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<Integer, Long> out = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The offset after the last record of each partition. */
    private static Map<Integer, Long> ends(List<Read> records) {
        Map<Integer, Long> out = new HashMap<>();
        for (Read r : records) {
            out.merge(r.partition(), r.offset() + 1, Math::max);
        }
        return out;
    }

    /** A member read only from partitions of its (final) assignment. */
    private static void assertOnlyFrom(ExternalGroupMember m) {
        for (Read r : m.records()) {
            assertTrue(m.assignment().contains(r.partition()), () -> r + " is not in the assignment of " + m);
        }
    }

    private static Set<Integer> partitions(Set<TopicPartition> tps) {
        Set<Integer> out = new HashSet<>();
        tps.forEach(tp -> out.add(tp.partition()));
        return out;
    }

    private static Set<Integer> all() {
        Set<Integer> out = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.add(p);
        }
        return out;
    }

    private static List<Read> concat(List<Read> a, List<Read> b) {
        List<Read> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<Read> sorted(List<Read> records) {
        return records.stream()
                .sorted(Comparator.comparingInt(Read::partition).thenComparingLong(Read::offset))
                .toList();
    }
}

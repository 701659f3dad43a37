package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Groups as Kafka's Admin client sees them: a KIP-848 group with members joining and leaving,
 * lag from committed offsets and end offsets, listing with filters, deleting groups and offsets.
 */
class GroupAdminTest {
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(GroupTesting.fastGroups());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void shouldRunAConsumerProtocolGroupWithMembersJoiningAndLeaving() throws Exception {
        String topic = "kip848";
        String group = "kip848-group";
        Clients.createTopic(broker.bootstrap(), topic, 6, Map.of());
        Queue<GroupMember.Processed> processed = new ConcurrentLinkedQueue<>();
        List<GroupMember> members = new ArrayList<>();
        try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic);
                Admin admin = Clients.admin(broker.bootstrap())) {
            for (int i = 0; i < 3; i++) {
                members.add(new GroupMember(
                        "m" + i, broker.bootstrap(), group, topic, GroupTesting.consumerConfig("consumer"), processed));
                producer.send(100);
                int n = i + 1;
                Await.until(
                        n + " members share the partitions",
                        Duration.ofSeconds(30),
                        () -> GroupTesting.coversExactly(members, topic, 6)
                                && members.stream().allMatch(m -> m.assignment().size() == 6 / n));
            }
            ConsumerGroupDescription d = describe(admin, group);
            assertEquals(GroupType.CONSUMER, d.type());
            assertEquals(GroupState.STABLE, d.groupState());
            assertEquals("uniform", d.partitionAssignor());
            assertEquals(3, d.members().size());
            Set<TopicPartition> described = new HashSet<>();
            for (MemberDescription m : d.members()) {
                assertEquals(2, m.assignment().topicPartitions().size());
                described.addAll(m.assignment().topicPartitions());
                assertEquals(m.assignment(), m.targetAssignment().orElseThrow());
            }
            assertEquals(6, described.size());

            while (members.size() > 1) {
                members.remove(0).close();
                producer.send(100);
                Await.until(
                        "the others take over",
                        Duration.ofSeconds(30),
                        () -> GroupTesting.coversExactly(members, topic, 6));
            }
            int total = producer.total();
            Await.until(
                    "every record processed",
                    Duration.ofSeconds(30),
                    () -> processed.stream()
                                    .map(p -> p.partition() + "@" + p.offset())
                                    .collect(Collectors.toSet())
                                    .size()
                            == total);
            members.remove(0).close();
            Await.until("the group is empty", Duration.ofSeconds(30), () -> {
                try {
                    return describe(admin, group).groupState() == GroupState.EMPTY;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            for (GroupMember m : members) {
                m.close();
            }
        }
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    }

    @Test
    void shouldReportLagFromCommittedAndEndOffsets() throws Exception {
        String topic = "lagging";
        String group = "lagger";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
            producer.send(200);
        }
        Map<String, Object> config = new HashMap<>(GroupTesting.consumerConfig("classic"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
        Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), config)) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read < 70 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    read++;
                    consumed.put(new TopicPartition(topic, r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
            }
            consumer.commitSync(consumed);
        }
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get();
            long lag = 0;
            long expectedLag = 0;
            for (TopicPartition tp : latest.keySet()) {
                long end = ends.get(tp).offset();
                OffsetAndMetadata c = committed.get(tp);
                lag += end - (c == null ? 0 : c.offset());
                OffsetAndMetadata mine = consumed.get(tp);
                expectedLag += end - (mine == null ? 0 : mine.offset());
            }
            assertEquals(consumed, committed);
            assertEquals(expectedLag, lag);
            assertEquals(
                    200
                            - consumed.values().stream()
                                    .mapToLong(OffsetAndMetadata::offset)
                                    .sum(),
                    lag);
        }
    }

    @Test
    void shouldListGroupsByTypeAndStateAndDeleteOnlyEmptyOnes() throws Exception {
        String topic = "listed";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        Queue<GroupMember.Processed> sink = new ConcurrentLinkedQueue<>();
        try (Admin admin = Clients.admin(broker.bootstrap());
                GroupMember classic = new GroupMember(
                        "classic",
                        broker.bootstrap(),
                        "listed-classic",
                        topic,
                        GroupTesting.consumerConfig("classic"),
                        sink);
                GroupMember modern = new GroupMember(
                        "modern",
                        broker.bootstrap(),
                        "listed-consumer",
                        topic,
                        GroupTesting.consumerConfig("consumer"),
                        sink)) {
            admin.alterConsumerGroupOffsets(
                            "listed-simple", Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)))
                    .all()
                    .get();
            Await.until(
                    "both groups stable",
                    Duration.ofSeconds(30),
                    () -> classic.assignment().size() == 2
                            && modern.assignment().size() == 2);
            Map<String, GroupListing> all =
                    admin.listGroups().all().get().stream().collect(Collectors.toMap(GroupListing::groupId, g -> g));
            assertEquals(GroupType.CLASSIC, all.get("listed-classic").type().orElseThrow());
            assertEquals(GroupType.CONSUMER, all.get("listed-consumer").type().orElseThrow());
            assertEquals(GroupState.EMPTY, all.get("listed-simple").groupState().orElseThrow());
            assertEquals(
                    GroupState.STABLE, all.get("listed-classic").groupState().orElseThrow());

            ExecutionException notEmpty = assertThrows(
                    ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("listed-classic"))
                            .all()
                            .get());
            assertInstanceOf(GroupNotEmptyException.class, notEmpty.getCause());
            admin.deleteConsumerGroups(List.of("listed-simple")).all().get();
            ExecutionException missing = assertThrows(
                    ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("listed-simple"))
                            .all()
                            .get());
            assertInstanceOf(GroupIdNotFoundException.class, missing.getCause());
            assertTrue(admin.listConsumerGroupOffsets("listed-simple")
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .isEmpty());
        }
    }
}

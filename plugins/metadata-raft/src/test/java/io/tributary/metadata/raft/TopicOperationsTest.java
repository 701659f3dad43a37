package io.tributary.metadata.raft;

import static io.tributary.metadata.raft.TestStores.await;
import static io.tributary.metadata.raft.TestStores.createOne;
import static io.tributary.metadata.raft.TestStores.errorOf;
import static io.tributary.metadata.raft.TestStores.openWithBrokers;
import static io.tributary.metadata.raft.TestStores.topic;
import static io.tributary.metadata.raft.TestStores.topicWithAssignments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.metadata.TopicResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicOperationsTest {
    @TempDir
    Path dir;

    private MetadataStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void shouldCreateTopicLedByFirstReplicaWithFullIsr() {
        store = openWithBrokers(dir, 3);
        TopicResult result = createOne(store, topic("orders", 6, 3));

        assertTrue(result.succeeded(), result.toString());
        TopicImage created = result.image().orElseThrow();
        assertEquals(created, store.image().topic("orders").orElseThrow());
        assertEquals(created, store.image().topic(created.id()).orElseThrow());
        assertEquals(6, created.partitionCount());
        for (PartitionImage p : created.partitions().values()) {
            assertEquals(3, Set.copyOf(p.replicas()).size(), "replicas are distinct: " + p);
            assertEquals(p.replicas(), p.isr());
            assertEquals(p.replicas().getFirst(), p.leader());
            assertEquals(0, p.leaderEpoch());
            assertEquals(0, p.partitionEpoch());
        }
    }

    @Test
    void shouldSpreadLeadersRoundRobinOverBrokers() {
        store = openWithBrokers(dir, 3);
        TopicImage created = createOne(store, topic("spread", 6, 2)).image().orElseThrow();

        Map<Integer, Integer> leaders = new java.util.HashMap<>();
        created.partitions().values().forEach(p -> leaders.merge(p.leader(), 1, Integer::sum));
        assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders);
    }

    @Test
    void shouldGiveARecreatedTopicANewId() {
        store = openWithBrokers(dir, 1);
        UUID first = createOne(store, topic("t", 1, 1)).image().orElseThrow().id();

        List<TopicResult> deleted = await(store.deleteTopics(List.of(first)));
        assertTrue(deleted.getFirst().succeeded());
        assertEquals("t", deleted.getFirst().topic());
        assertTrue(store.image().topic("t").isEmpty());
        assertTrue(store.image().topic(first).isEmpty());

        UUID second = createOne(store, topic("t", 1, 1)).image().orElseThrow().id();
        assertNotEquals(first, second);
        assertEquals(second, store.image().topic("t").orElseThrow().id());
    }

    @Test
    void shouldRejectExistingTopicName() {
        store = openWithBrokers(dir, 1);
        createOne(store, topic("dup", 1, 1));

        TopicResult again = createOne(store, topic("dup", 1, 1));
        assertEquals(MetadataError.TOPIC_ALREADY_EXISTS, errorOf(again));
        assertTrue(again.image().isEmpty());
    }

    @Test
    void shouldRejectNameCollidingOnDotAndUnderscore() {
        store = openWithBrokers(dir, 1);
        createOne(store, topic("metrics.cpu", 1, 1));

        TopicResult colliding = createOne(store, topic("metrics_cpu", 1, 1));
        assertEquals(MetadataError.INVALID_TOPIC_EXCEPTION, errorOf(colliding));
        assertTrue(colliding.message().contains("metrics.cpu"), colliding.message());
    }

    @Test
    void shouldRejectCollisionWithinOneRequest() {
        store = openWithBrokers(dir, 1);
        List<TopicResult> results =
                await(store.createTopics(List.of(topic("a.b", 1, 1), topic("a_b", 1, 1), topic("a.b", 1, 1)), false));

        assertTrue(results.get(0).succeeded());
        assertEquals(MetadataError.INVALID_TOPIC_EXCEPTION, errorOf(results.get(1)));
        assertEquals(MetadataError.TOPIC_ALREADY_EXISTS, errorOf(results.get(2)));
    }

    @Test
    void shouldRejectNonPositivePartitionCounts() {
        store = openWithBrokers(dir, 1);
        assertEquals(MetadataError.INVALID_PARTITIONS, errorOf(createOne(store, topic("zero", 0, 1))));
        assertEquals(MetadataError.INVALID_PARTITIONS, errorOf(createOne(store, topic("negative", -2, 1))));
    }

    @Test
    void shouldRejectReplicationFactorOutOfRange() {
        store = openWithBrokers(dir, 2);
        assertEquals(MetadataError.INVALID_REPLICATION_FACTOR, errorOf(createOne(store, topic("zero", 1, 0))));
        assertEquals(MetadataError.INVALID_REPLICATION_FACTOR, errorOf(createOne(store, topic("negative", 1, -3))));
        TopicResult tooMany = createOne(store, topic("three", 1, 3));
        assertEquals(MetadataError.INVALID_REPLICATION_FACTOR, errorOf(tooMany));
        assertTrue(tooMany.message().contains("only 2 broker(s)"), tooMany.message());
    }

    @Test
    void shouldCountOnlyUnfencedBrokersForReplicationFactor() {
        store = TestStores.open(dir);
        await(store.registerBroker(TestStores.broker(1)));
        await(store.registerBroker(TestStores.broker(2, true)));

        assertEquals(MetadataError.INVALID_REPLICATION_FACTOR, errorOf(createOne(store, topic("t", 1, 2))));
        TopicImage created = createOne(store, topic("t", 4, 1)).image().orElseThrow();
        created.partitions().values().forEach(p -> assertEquals(List.of(1), p.replicas()));
    }

    @Test
    void shouldRejectTopicsWhenNoBrokerIsRegistered() {
        store = TestStores.open(dir);
        assertEquals(MetadataError.INVALID_REPLICATION_FACTOR, errorOf(createOne(store, topic("t", 1, -1))));
    }

    @Test
    void shouldUseBrokerDefaultsForMinusOne() {
        store = TestStores.open(dir, Map.of(), Map.of("num.partitions", "4", "default.replication.factor", "2"));
        await(store.registerBroker(TestStores.broker(1)));
        await(store.registerBroker(TestStores.broker(2)));

        TopicImage created = createOne(store, topic("defaults", -1, -1)).image().orElseThrow();
        assertEquals(4, created.partitionCount());
        created.partitions().values().forEach(p -> assertEquals(2, p.replicas().size()));
    }

    @Test
    void shouldDefaultToOnePartitionAndOneReplica() {
        store = openWithBrokers(dir, 3);
        TopicImage created = createOne(store, topic("defaults", -1, -1)).image().orElseThrow();
        assertEquals(1, created.partitionCount());
        assertEquals(1, created.partitions().get(0).replicas().size());
    }

    @Test
    void shouldUseExplicitAssignments() {
        store = openWithBrokers(dir, 3);
        TopicImage created = createOne(store, topicWithAssignments("manual", List.of(List.of(3, 1), List.of(2, 3))))
                .image()
                .orElseThrow();

        assertEquals(List.of(3, 1), created.partitions().get(0).replicas());
        assertEquals(3, created.partitions().get(0).leader());
        assertEquals(List.of(2, 3), created.partitions().get(1).replicas());
        assertEquals(2, created.partitions().get(1).leader());
    }

    @Test
    void shouldLeaveFencedBrokersOutOfIsrOfExplicitAssignments() {
        store = TestStores.open(dir);
        await(store.registerBroker(TestStores.broker(1, true)));
        await(store.registerBroker(TestStores.broker(2)));

        PartitionImage p = createOne(store, topicWithAssignments("manual", List.of(List.of(1, 2))))
                .image()
                .orElseThrow()
                .partitions()
                .get(0);
        assertEquals(List.of(1, 2), p.replicas());
        assertEquals(List.of(2), p.isr());
        assertEquals(2, p.leader());

        TopicResult allFenced = createOne(store, topicWithAssignments("fenced", List.of(List.of(1))));
        assertEquals(MetadataError.INVALID_REPLICA_ASSIGNMENT, errorOf(allFenced));
    }

    @Test
    void shouldRejectInvalidExplicitAssignments() {
        store = openWithBrokers(dir, 3);
        assertEquals(
                MetadataError.INVALID_REPLICA_ASSIGNMENT,
                errorOf(createOne(store, topicWithAssignments("unknown", List.of(List.of(1, 9))))));
        assertEquals(
                MetadataError.INVALID_REPLICA_ASSIGNMENT,
                errorOf(createOne(store, topicWithAssignments("twice", List.of(List.of(2, 2))))));
        assertEquals(
                MetadataError.INVALID_REPLICA_ASSIGNMENT,
                errorOf(createOne(store, topicWithAssignments("empty", List.of(List.of())))));
        assertEquals(
                MetadataError.INVALID_REPLICA_ASSIGNMENT,
                errorOf(createOne(store, topicWithAssignments("uneven", List.of(List.of(1, 2), List.of(3))))));
        assertEquals(
                MetadataError.INVALID_REPLICATION_FACTOR,
                errorOf(createOne(store, new NewTopic("withRf", -1, (short) 2, List.of(List.of(1, 2)), Map.of()))));
        assertEquals(
                MetadataError.INVALID_PARTITIONS,
                errorOf(createOne(store, new NewTopic("withCount", 1, (short) -1, List.of(List.of(1)), Map.of()))));
        assertTrue(store.image().topicsByName().isEmpty());
    }

    @Test
    void shouldLetEachTopicSucceedOrFailAlone() {
        store = openWithBrokers(dir, 1);
        List<TopicResult> results = await(store.createTopics(
                List.of(topic("good1", 1, 1), topic("bad", 0, 1), topic("good2", 2, 1), topic("tooMany", 1, 2)),
                false));

        assertEquals(
                List.of("good1", "bad", "good2", "tooMany"),
                results.stream().map(TopicResult::topic).toList());
        assertTrue(results.get(0).succeeded());
        assertEquals(MetadataError.INVALID_PARTITIONS, errorOf(results.get(1)));
        assertTrue(results.get(2).succeeded());
        assertEquals(MetadataError.INVALID_REPLICATION_FACTOR, errorOf(results.get(3)));
        assertEquals(Set.of("good1", "good2"), store.image().topicsByName().keySet());
    }

    @Test
    void shouldRejectExcessivelyLargeRequestsWhole() {
        store = openWithBrokers(dir, 1);
        List<TopicResult> results =
                await(store.createTopics(List.of(topic("small", 1, 1), topic("huge", 10_000, 1)), false));

        results.forEach(r -> assertEquals(MetadataError.POLICY_VIOLATION, errorOf(r)));
        assertTrue(store.image().topicsByName().isEmpty());
    }

    @Test
    void shouldStoreTopicConfigsWithTheTopic() {
        store = openWithBrokers(dir, 1);
        createOne(store, new NewTopic("compacted", 1, (short) 1, List.of(), Map.of("cleanup.policy", "compact")));

        assertEquals(Map.of("cleanup.policy", "compact"), store.image().configs(ConfigResource.topic("compacted")));
    }

    @Test
    void shouldLeaveNoTraceOfValidateOnlyCreation() {
        store = openWithBrokers(dir, 2);
        AtomicInteger images = new AtomicInteger();
        store.addListener((previous, current) -> images.incrementAndGet());
        MetadataImage before = store.image();

        List<TopicResult> results = await(store.createTopics(
                List.of(
                        new NewTopic("dry", 3, (short) 2, List.of(), Map.of("retention.ms", "1")),
                        topic("dry", 1, 1),
                        topic("bad", 1, 5)),
                true));

        TopicImage wouldBe = results.get(0).image().orElseThrow();
        assertEquals("dry", wouldBe.name());
        assertEquals(3, wouldBe.partitionCount());
        assertEquals(MetadataError.TOPIC_ALREADY_EXISTS, errorOf(results.get(1)), "sees the would-be topic");
        assertEquals(MetadataError.INVALID_REPLICATION_FACTOR, errorOf(results.get(2)));
        assertSame(before, store.image());
        assertEquals(0, images.get());

        store.close();
        store = TestStores.open(dir);
        assertEquals(before, store.image());
    }

    @Test
    void shouldFailDeletionOfUnknownTopicId() {
        store = openWithBrokers(dir, 1);
        UUID id = createOne(store, topic("kept", 1, 1)).image().orElseThrow().id();
        UUID unknown = new UUID(1, 2);

        List<TopicResult> results = await(store.deleteTopics(List.of(unknown, id, id)));
        assertEquals(MetadataError.UNKNOWN_TOPIC_ID, errorOf(results.get(0)));
        assertTrue(results.get(1).succeeded());
        assertEquals(MetadataError.UNKNOWN_TOPIC_ID, errorOf(results.get(2)), "already deleted by this request");
        assertTrue(store.image().topicsByName().isEmpty());
    }

    @Test
    void shouldRemoveTopicConfigsWithTheTopic() {
        store = openWithBrokers(dir, 1);
        UUID id = createOne(store, new NewTopic("c", 1, (short) 1, List.of(), Map.of("retention.ms", "5")))
                .image()
                .orElseThrow()
                .id();
        await(store.alterConfigs(ConfigResource.topic("c"), Map.of("segment.bytes", "1024"), false));

        await(store.deleteTopics(List.of(id)));
        assertEquals(Map.of(), store.image().configs(ConfigResource.topic("c")));
        assertFalse(store.image().configs().containsKey(ConfigResource.topic("c")));

        createOne(store, topic("c", 1, 1));
        assertEquals(Map.of(), store.image().configs(ConfigResource.topic("c")), "a recreated topic starts clean");
    }

    @Test
    void shouldAddPartitionsWithPlacementAndKeepExistingOnes() {
        store = openWithBrokers(dir, 3);
        TopicImage before = createOne(store, topic("grow", 2, 2)).image().orElseThrow();

        TopicResult result = await(store.createPartitions(before.id(), 5, List.of(), false));

        TopicImage after = result.image().orElseThrow();
        assertEquals(after, store.image().topic("grow").orElseThrow());
        assertEquals(5, after.partitionCount());
        assertEquals(before.partitions().get(0), after.partitions().get(0));
        assertEquals(before.partitions().get(1), after.partitions().get(1));
        for (int i = 2; i < 5; i++) {
            PartitionImage p = after.partitions().get(i);
            assertEquals(i, p.partition());
            assertEquals(2, Set.copyOf(p.replicas()).size());
            assertEquals(p.replicas().getFirst(), p.leader());
        }
    }

    @Test
    void shouldAddPartitionsWithExplicitAssignments() {
        store = openWithBrokers(dir, 3);
        UUID id = createOne(store, topic("grow", 1, 2)).image().orElseThrow().id();

        TopicImage after = await(store.createPartitions(id, 3, List.of(List.of(3, 2), List.of(1, 3)), false))
                .image()
                .orElseThrow();
        assertEquals(List.of(3, 2), after.partitions().get(1).replicas());
        assertEquals(List.of(1, 3), after.partitions().get(2).replicas());
    }

    @Test
    void shouldRejectPartitionCountThatDoesNotGrow() {
        store = openWithBrokers(dir, 1);
        UUID id = createOne(store, topic("fixed", 3, 1)).image().orElseThrow().id();

        assertEquals(MetadataError.INVALID_PARTITIONS, errorOf(await(store.createPartitions(id, 3, List.of(), false))));
        assertEquals(MetadataError.INVALID_PARTITIONS, errorOf(await(store.createPartitions(id, 2, List.of(), false))));
        assertEquals(3, store.image().topic(id).orElseThrow().partitionCount());
    }

    @Test
    void shouldRejectInvalidPartitionAdditions() {
        store = openWithBrokers(dir, 2);
        UUID id = createOne(store, topic("t", 1, 2)).image().orElseThrow().id();

        assertEquals(
                MetadataError.UNKNOWN_TOPIC_ID,
                errorOf(await(store.createPartitions(new UUID(7, 7), 2, List.of(), false))));
        assertEquals(
                MetadataError.INVALID_REPLICA_ASSIGNMENT,
                errorOf(await(store.createPartitions(id, 3, List.of(List.of(1, 2)), false))),
                "one assignment for two new partitions");
        assertEquals(
                MetadataError.INVALID_REPLICA_ASSIGNMENT,
                errorOf(await(store.createPartitions(id, 2, List.of(List.of(1)), false))),
                "replication factor differs from the topic's");
        assertEquals(
                MetadataError.INVALID_REPLICA_ASSIGNMENT,
                errorOf(await(store.createPartitions(id, 2, List.of(List.of(1, 5)), false))));
        assertEquals(1, store.image().topic(id).orElseThrow().partitionCount());
    }

    @Test
    void shouldLeaveNoTraceOfValidateOnlyPartitionAddition() {
        store = openWithBrokers(dir, 1);
        UUID id = createOne(store, topic("t", 1, 1)).image().orElseThrow().id();
        MetadataImage before = store.image();

        TopicResult result = await(store.createPartitions(id, 4, List.of(), true));
        assertEquals(4, result.image().orElseThrow().partitionCount());
        assertSame(before, store.image());
    }

    @Test
    void shouldCreateManyTopicsConcurrentlyWithDistinctIds() throws Exception {
        store = openWithBrokers(dir, 3);
        int threads = 8;
        int perThread = 25;
        List<Thread> workers = new ArrayList<>();
        List<List<TopicResult>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                List<java.util.concurrent.CompletableFuture<List<TopicResult>>> futures = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    // Every thread also tries one shared name: exactly one creation may win it.
                    String name = i == 0 ? "shared" : "t" + thread + "-" + i;
                    futures.add(store.createTopics(List.of(topic(name, 2, 2)), false));
                }
                futures.forEach(f -> results.add(await(f)));
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        List<TopicResult> all = results.stream().flatMap(List::stream).toList();
        assertEquals(threads * perThread, all.size());
        List<TopicResult> succeeded =
                all.stream().filter(TopicResult::succeeded).toList();
        assertEquals(threads * (perThread - 1) + 1, succeeded.size());
        assertEquals(
                threads - 1,
                all.stream()
                        .filter(r -> r.error().equals(java.util.Optional.of(MetadataError.TOPIC_ALREADY_EXISTS)))
                        .count());
        Set<UUID> ids = new HashSet<>();
        succeeded.forEach(r -> assertTrue(ids.add(r.image().orElseThrow().id()), "duplicate id"));

        MetadataImage image = store.image();
        assertEquals(succeeded.size(), image.topicsByName().size());
        assertEquals(ids, image.topicsById().keySet());
        image.topicsByName().forEach((name, t) -> {
            assertEquals(name, t.name());
            assertSame(t, image.topicsById().get(t.id()));
        });
    }
}

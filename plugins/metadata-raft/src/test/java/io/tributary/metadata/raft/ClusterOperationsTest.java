package io.tributary.metadata.raft;

import static io.tributary.metadata.raft.TestStores.await;
import static io.tributary.metadata.raft.TestStores.broker;
import static io.tributary.metadata.raft.TestStores.createOne;
import static io.tributary.metadata.raft.TestStores.failure;
import static io.tributary.metadata.raft.TestStores.openWithBrokers;
import static io.tributary.metadata.raft.TestStores.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.metadata.ProducerIdBlock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterOperationsTest {
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
    void shouldRegisterBrokerAndIgnoreTheSameRegistrationAgain() {
        store = TestStores.open(dir);
        BrokerRegistration registration = broker(1);
        await(store.registerBroker(registration));
        MetadataImage registered = store.image();
        assertEquals(Map.of(1, registration), registered.brokers());

        await(store.registerBroker(registration));
        assertSame(registered, store.image(), "an identical registration commits nothing");
    }

    @Test
    void shouldReplaceRegistrationOfANewIncarnation() {
        store = TestStores.open(dir);
        await(store.registerBroker(broker(1)));
        BrokerRegistration restarted = new BrokerRegistration(
                1,
                java.util.UUID.randomUUID(),
                List.of(new BrokerRegistration.Endpoint("EXTERNAL", "10.0.0.1", 9093, "SASL_SSL")),
                Optional.of("rack-a"),
                false);

        await(store.registerBroker(restarted));
        assertEquals(restarted, store.image().brokers().get(1));
    }

    @Test
    void shouldRejectRegistrationWithoutIncarnationId() {
        store = TestStores.open(dir);
        BrokerRegistration invalid = new BrokerRegistration(1, null, List.of(), Optional.empty(), false);
        assertEquals(
                MetadataError.INVALID_REQUEST,
                failure(store.registerBroker(invalid)).error());
    }

    @Test
    void shouldSetAndRemoveTopicConfigs() {
        store = openWithBrokers(dir, 1);
        createOne(store, topic("t", 1, 1));
        ConfigResource resource = ConfigResource.topic("t");

        await(store.alterConfigs(resource, Map.of("retention.ms", "1000", "cleanup.policy", "compact"), false));
        assertEquals(
                Map.of("retention.ms", "1000", "cleanup.policy", "compact"),
                store.image().configs(resource));

        Map<String, String> changes = new HashMap<>();
        changes.put("retention.ms", null);
        changes.put("segment.bytes", "4096");
        await(store.alterConfigs(resource, changes, false));
        assertEquals(
                Map.of("cleanup.policy", "compact", "segment.bytes", "4096"),
                store.image().configs(resource));
    }

    @Test
    void shouldSetBrokerAndClusterDefaultConfigs() {
        store = TestStores.open(dir);
        await(store.alterConfigs(ConfigResource.broker(7), Map.of("log.retention.ms", "1"), false));
        await(store.alterConfigs(ConfigResource.clusterDefault(), Map.of("log.retention.ms", "2"), false));

        assertEquals(Map.of("log.retention.ms", "1"), store.image().configs(ConfigResource.broker(7)));
        assertEquals(Map.of("log.retention.ms", "2"), store.image().configs(ConfigResource.clusterDefault()));

        Map<String, String> removal = new HashMap<>();
        removal.put("log.retention.ms", null);
        await(store.alterConfigs(ConfigResource.clusterDefault(), removal, false));
        assertTrue(store.image().configs().containsKey(ConfigResource.broker(7)));
        assertTrue(!store.image().configs().containsKey(ConfigResource.clusterDefault()));
    }

    @Test
    void shouldRejectConfigsOfUnknownTopic() {
        store = TestStores.open(dir);
        assertEquals(
                MetadataError.UNKNOWN_TOPIC_OR_PARTITION,
                failure(store.alterConfigs(ConfigResource.topic("missing"), Map.of("a", "b"), false))
                        .error());
    }

    @Test
    void shouldRejectBrokerResourceThatIsNotABrokerId() {
        store = TestStores.open(dir);
        ConfigResource bad = new ConfigResource(ConfigResource.Type.BROKER, "one");
        assertEquals(
                MetadataError.INVALID_REQUEST,
                failure(store.alterConfigs(bad, Map.of("a", "b"), false)).error());
        ConfigResource negative = new ConfigResource(ConfigResource.Type.BROKER, "-1");
        assertEquals(
                MetadataError.INVALID_REQUEST,
                failure(store.alterConfigs(negative, Map.of("a", "b"), false)).error());
    }

    @Test
    void shouldLeaveNoTraceOfValidateOnlyConfigChange() {
        store = openWithBrokers(dir, 1);
        createOne(store, topic("t", 1, 1));
        MetadataImage before = store.image();

        await(store.alterConfigs(ConfigResource.topic("t"), Map.of("retention.ms", "1"), true));
        assertSame(before, store.image());
        assertEquals(
                MetadataError.UNKNOWN_TOPIC_OR_PARTITION,
                failure(store.alterConfigs(ConfigResource.topic("nope"), Map.of("a", "b"), true))
                        .error(),
                "validate-only still validates");
    }

    @Test
    void shouldHandOutDisjointIncreasingProducerIdBlocks() {
        store = openWithBrokers(dir, 2);
        ProducerIdBlock first = await(store.allocateProducerIds(1));
        ProducerIdBlock second = await(store.allocateProducerIds(2));

        assertEquals(new ProducerIdBlock(1, 0, 1000), first);
        assertEquals(new ProducerIdBlock(2, 1000, 1000), second);
        assertEquals(2000, store.image().nextProducerId());
    }

    @Test
    void shouldNeverReuseProducerIdsAcrossRestarts() {
        store = openWithBrokers(dir, 1);
        ProducerIdBlock before = await(store.allocateProducerIds(1));
        store.close();

        store = TestStores.open(dir);
        ProducerIdBlock after = await(store.allocateProducerIds(1));
        assertTrue(after.firstProducerId() >= before.nextBlockFirstId(), before + " then " + after);
    }

    @Test
    void shouldRefuseProducerIdsToUnregisteredBroker() {
        store = TestStores.open(dir);
        assertEquals(
                MetadataError.BROKER_NOT_AVAILABLE,
                failure(store.allocateProducerIds(3)).error());
    }

    @Test
    void shouldTellListenersEveryImageInCommitOrderBeforeFuturesComplete() {
        store = openWithBrokers(dir, 1);
        List<MetadataImage[]> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        store.addListener((previous, current) -> {
            threads.add(Thread.currentThread().getName());
            seen.add(new MetadataImage[] {previous, current});
        });
        MetadataImage start = store.image();

        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "t" + i;
            futures.add(store.createTopics(List.of(topic(name, 1, 1)), false)
                    .thenRun(() -> assertTrue(
                            seen.stream().anyMatch(pair -> pair[1].topic(name).isPresent()),
                            "listeners saw " + name + " before its future completed")));
        }
        futures.forEach(TestStores::await);

        assertEquals(20, seen.size());
        MetadataImage expectedPrevious = start;
        for (MetadataImage[] pair : seen) {
            assertSame(expectedPrevious, pair[0]);
            assertTrue(pair[1].offset() > pair[0].offset());
            expectedPrevious = pair[1];
        }
        assertSame(store.image(), expectedPrevious);
        assertEquals(java.util.Set.of("metadata-raft-controller-1"), java.util.Set.copyOf(threads));
    }

    @Test
    void shouldCloseFromAListenerWithoutDeadlock() {
        store = openWithBrokers(dir, 1);
        store.addListener((previous, current) -> store.close());

        assertTrue(createOne(store, topic("last", 1, 1)).succeeded(), "the write in progress completes");
        assertEquals(
                MetadataError.NOT_CONTROLLER,
                failure(store.allocateProducerIds(1)).error());
        store.close();
        store = TestStores.open(dir);
        assertTrue(store.image().topic("last").isPresent());
    }

    @Test
    void shouldKeepPublishingWhenAListenerThrows() {
        store = openWithBrokers(dir, 1);
        List<MetadataImage> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        store.addListener((previous, current) -> {
            throw new IllegalStateException("listener bug");
        });
        store.addListener((previous, current) -> seen.add(current));

        assertTrue(createOne(store, topic("t", 1, 1)).succeeded());
        assertEquals(1, seen.size());
    }

    @Test
    void shouldFailWritesAfterClose() {
        store = openWithBrokers(dir, 1);
        store.close();
        assertEquals(
                MetadataError.NOT_CONTROLLER,
                failure(store.allocateProducerIds(1)).error());
        store.close(); // idempotent
    }
}

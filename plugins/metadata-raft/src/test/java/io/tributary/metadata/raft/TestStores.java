package io.tributary.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataContext;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataException;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.TopicResult;
import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.plugin.Time;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Opens stores through the SPI and waits on their futures. */
final class TestStores {
    private TestStores() {}

    static MetadataContext context(Path dir, int nodeId, Map<String, String> own, Map<String, String> broker) {
        return new MetadataContext(nodeId, dir, new PluginSettings(own, broker), Time.SYSTEM);
    }

    static MetadataStore open(Path dir) {
        return open(dir, Map.of(), Map.of());
    }

    static MetadataStore open(Path dir, Map<String, String> own, Map<String, String> broker) {
        return new RaftMetadataProvider().open(context(dir, 1, own, broker));
    }

    static BrokerRegistration broker(int id) {
        return broker(id, false);
    }

    static BrokerRegistration broker(int id, boolean fenced) {
        return new BrokerRegistration(
                id,
                UUID.randomUUID(),
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "127.0.0." + id, 9092, "PLAINTEXT")),
                Optional.empty(),
                fenced);
    }

    /** A store with brokers 1..n registered and unfenced. */
    static MetadataStore openWithBrokers(Path dir, int n) {
        MetadataStore store = open(dir);
        for (int id = 1; id <= n; id++) {
            await(store.registerBroker(broker(id)));
        }
        return store;
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("Future failed", e);
        }
    }

    /** The error a future failed with, asserting that it failed with a MetadataException. */
    static MetadataException failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(60, TimeUnit.SECONDS));
        return assertInstanceOf(MetadataException.class, e.getCause());
    }

    static NewTopic topic(String name, int partitions, int replicationFactor) {
        return new NewTopic(name, partitions, (short) replicationFactor, List.of(), Map.of());
    }

    static NewTopic topicWithAssignments(String name, List<List<Integer>> assignments) {
        return new NewTopic(name, -1, (short) -1, assignments, Map.of());
    }

    static TopicResult createOne(MetadataStore store, NewTopic topic) {
        return await(store.createTopics(List.of(topic), false)).getFirst();
    }

    static MetadataError errorOf(TopicResult result) {
        return result.error().orElseThrow(() -> new AssertionError("Expected an error, got " + result));
    }
}

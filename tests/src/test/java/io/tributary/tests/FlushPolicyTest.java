package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.PowerLoss;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flush policy as the kernel applies it (Kafka's {@code flush.messages} and {@code flush.ms},
 * broker defaults {@code log.flush.interval.*}), observed through the engine's record of its
 * syncs ({@code storage.mmap.test.record.synced.lengths}).
 */
class FlushPolicyTest {
    private static InProcessBroker broker;

    @BeforeAll
    static void startBroker() {
        // log.flush.interval.ms stays unset: like Kafka, it then takes log.flush.scheduler.interval.ms,
        // which is "never" by default; the kernel checks flush.ms at least every second.
        broker = InProcessBroker.start(Map.of("storage.mmap.test.record.synced.lengths", "true"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static Path partitionDir(String topic) {
        return broker.dataDir().resolve("logs").resolve(topic + "-0");
    }

    @Test
    void shouldSyncBeforeAnsweringTheAppendThatReachesFlushMessages() throws Exception {
        String topic = "every-five";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of("flush.messages", "5"));
        try (KafkaProducer<String, String> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.ACKS_CONFIG, "1"))) {
            for (int i = 1; i <= 12; i++) {
                producer.send(new ProducerRecord<>(topic, "m" + i)).get();
                assertEquals((long) (i / 5), PowerLoss.syncs(partitionDir(topic)), "syncs after " + i + " messages");
            }
        }
    }

    @Test
    void shouldSyncWithinFlushMsOfAnAppend() throws Exception {
        String topic = "timed";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of("flush.ms", "300"));
        try (KafkaProducer<String, String> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.ACKS_CONFIG, "1"))) {
            producer.send(new ProducerRecord<>(topic, "timed-1")).get();
        }
        Await.until("a timed sync", Duration.ofSeconds(10), () -> syncs(topic) >= 1);
        long synced = PowerLoss.readSyncedLengths(partitionDir(topic).resolve("synced-lengths")).values().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertTrue(synced > 0, "the sync covered the record");
    }

    private static long syncs(String topic) {
        try {
            return PowerLoss.syncs(partitionDir(topic));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

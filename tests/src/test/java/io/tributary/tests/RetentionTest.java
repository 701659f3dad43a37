package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention end to end (issue 4): a topic whose old segments pass {@code retention.ms} or
 * {@code retention.bytes} loses them in the background, so its earliest offset moves up, while a
 * producer keeps writing and a consumer keeps reading the new data without a gap.
 */
class RetentionTest {
    private static InProcessBroker broker;

    @BeforeAll
    static void startBroker() {
        // Retention runs every 100 ms here (Kafka's default is 5 minutes).
        broker = InProcessBroker.start(Map.of("log.retention.check.interval.ms", "100"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldDeleteSegmentsOlderThanRetentionMsWhileAConsumerReadsNewData() throws Exception {
        // segment.bytes cannot go below 1 MiB in Kafka 4: segments roll on time instead.
        runWithRetention("retention-ms", Map.of("retention.ms", "2000", "segment.ms", "200"), 200);
    }

    @Test
    void shouldDeleteTheOldestSegmentsBeyondRetentionBytesWhileAConsumerReadsNewData() throws Exception {
        runWithRetention("retention-bytes", Map.of("retention.bytes", "100000", "segment.ms", "200"), 100_000);
    }

    /**
     * Produces and consumes continuously until the earliest offset has moved up several times;
     * checks that the consumer saw every offset it read in order, without a gap, and that what
     * is left is bounded.
     */
    private void runWithRetention(String topic, Map<String, String> configs, long bound) throws Exception {
        Clients.createTopic(broker.bootstrap(), topic, 1, configs);
        TopicPartition tp = new TopicPartition(topic, 0);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acked = new AtomicLong(-1);
        AtomicInteger failures = new AtomicInteger();
        String value = "x".repeat(500);
        Thread producerThread = Thread.ofPlatform().start(() -> {
            try (KafkaProducer<String, String> producer =
                    Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
                while (!stop.get()) {
                    producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                        if (e == null) {
                            acked.accumulateAndGet(md.offset(), Math::max);
                        } else {
                            failures.incrementAndGet();
                        }
                    });
                    // about 2.5 MB/s: enough to roll and retain, not to swamp a shared machine
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
            }
        });
        ConcurrentLinkedQueue<Long> gaps = new ConcurrentLinkedQueue<>();
        AtomicLong consumed = new AtomicLong(-1);
        Thread consumerThread = Thread.ofPlatform().start(() -> {
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long expected = -1;
                while (!stop.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        if (expected >= 0 && r.offset() != expected) {
                            gaps.add(r.offset());
                        }
                        expected = r.offset() + 1;
                        consumed.set(r.offset());
                    }
                }
            }
        });
        try (KafkaConsumer<String, String> probe = Clients.consumer(broker.bootstrap(), Map.of())) {
            long[] firstMove = {0};
            Await.until("the earliest offset to move up, and on, while reading", Duration.ofSeconds(60), () -> {
                long now = probe.beginningOffsets(List.of(tp)).get(tp);
                if (firstMove[0] == 0) {
                    firstMove[0] = now;
                }
                // moved at least twice (by three first moves), and the consumer is past it
                return firstMove[0] > 0 && now >= 3 * firstMove[0] && consumed.get() > now;
            });
            long kept = probe.endOffsets(List.of(tp)).get(tp)
                    - probe.beginningOffsets(List.of(tp)).get(tp);
            long keptBytes = kept * (value.length() + 70);
            // What remains: the retained segments plus the active one (and the ones rolled
            // since the last retention run); generous, as rolls are timed.
            assertTrue(keptBytes < Math.max(bound, 2_000_000) * 4, "kept " + keptBytes + " bytes");
        } finally {
            stop.set(true);
            producerThread.join();
            consumerThread.join();
        }
        assertEquals(0, failures.get(), "no produce failed");
        assertEquals(List.of(), List.copyOf(gaps), "the consumer read the new data without a gap");
        assertTrue(consumed.get() > 0);
    }
}

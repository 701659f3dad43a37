package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.BrokerProcess;
import io.tributary.tests.support.Clients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The broker as its own process, killed with SIGKILL while an idempotent acks=all producer
 * writes, then restarted: every acknowledged record is at its acknowledged offset, none twice.
 */
class KillNineTest {

    @Test
    void shouldKeepEveryAcknowledgedRecordExactlyOnceAcrossKillNine() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(Map.of())) {
            String topic = "kill-nine";
            Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
            Map<String, Long> acked = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            Map<String, Object> config = Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                    ProducerConfig.LINGER_MS_CONFIG, 1,
                    ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                    ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), config)) {
                Thread writer = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        String value = "record-" + sent.getAndIncrement();
                        producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                            if (e == null) {
                                acked.put(value, md.offset());
                            } else {
                                failures.incrementAndGet();
                            }
                        });
                    }
                });
                Await.until("20,000 acknowledged records", Duration.ofSeconds(60), () -> acked.size() >= 20_000);
                broker.kill9();
                int ackedAtKill = acked.size();
                broker.restart();
                Await.until(
                        "acknowledgements to resume after the restart",
                        Duration.ofSeconds(60),
                        () -> acked.size() >= ackedAtKill + 5_000);
                stop.set(true);
                writer.join();
                producer.flush();
            }
            assertEquals(0, failures.get(), "no send failed: the producer retried across the restart");
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
                List<ConsumerRecord<String, String>> all =
                        Clients.readToEnd(consumer, topic, 1, Duration.ofSeconds(60));
                Map<String, Long> stored = new HashMap<>();
                for (ConsumerRecord<String, String> r : all) {
                    Long previous = stored.put(r.value(), r.offset());
                    assertEquals(null, previous, r.value() + " stored twice, at " + previous + " and " + r.offset());
                }
                for (Map.Entry<String, Long> e : acked.entrySet()) {
                    assertEquals(e.getValue(), stored.get(e.getKey()), e.getKey() + " not at its acknowledged offset");
                }
                assertTrue(all.size() >= acked.size());
            }
        }
    }
}

package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.BrokerProcess;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.PowerLoss;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Durable acknowledgements end to end (issue 4): with {@code log.flush.interval.messages=1} a
 * broker syncs before it acknowledges, so after a {@code kill -9} followed by a power cut
 * (everything not synced dropped from the segment files) every acknowledged record is still
 * there, at its acknowledged offset. The syncs are group-committed: many producers share one.
 */
class PowerLossTest {

    @Test
    void shouldKeepEveryAcknowledgedRecordThroughKillNineAndAPowerCut() throws Exception {
        Map<String, String> config = Map.of(
                "log.flush.interval.messages", "1",
                "storage.mmap.test.record.synced.lengths", "true",
                "metadata.log.dir", "metadata");
        try (BrokerProcess broker = BrokerProcess.start(config)) {
            String topic = "durable";
            int partitions = 3;
            Clients.createTopic(broker.bootstrap(), topic, partitions, Map.of());
            Map<String, long[]> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            List<KafkaProducer<String, String>> producers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                KafkaProducer<String, String> producer = Clients.producer(
                        broker.bootstrap(),
                        Map.of(
                                ProducerConfig.ACKS_CONFIG, "all",
                                ProducerConfig.LINGER_MS_CONFIG, 0,
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
                producers.add(producer);
                int writer = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String value = "w" + writer + "-" + i;
                        producer.send(new ProducerRecord<>(topic, value, value), (md, e) -> {
                            if (e == null) {
                                acked.put(value, new long[] {md.partition(), md.offset()});
                            }
                        });
                    }
                }));
            }
            Await.until("3,000 acknowledged records", Duration.ofSeconds(120), () -> acked.size() >= 3_000);
            broker.kill9();
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            Map<String, long[]> ackedAtKill = new HashMap<>(acked);
            for (KafkaProducer<String, String> p : producers) {
                p.close(Duration.ZERO);
            }
            assertTrue(acked.keySet().containsAll(ackedAtKill.keySet()));

            PowerLoss.Dropped dropped = PowerLoss.dropUnsynced(broker.workDir().resolve("data"));
            long syncs = 0;
            try (var dirs = java.nio.file.Files.list(broker.workDir().resolve("data"))) {
                for (java.nio.file.Path d :
                        dirs.filter(java.nio.file.Files::isDirectory).toList()) {
                    syncs += PowerLoss.syncs(d);
                }
            }
            broker.restart();

            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
                List<ConsumerRecord<String, String>> all =
                        Clients.readToEnd(consumer, topic, partitions, Duration.ofSeconds(60));
                Map<String, long[]> stored = new HashMap<>();
                for (ConsumerRecord<String, String> r : all) {
                    stored.put(r.value(), new long[] {r.partition(), r.offset()});
                }
                for (Map.Entry<String, long[]> e : ackedAtKill.entrySet()) {
                    long[] at = stored.get(e.getKey());
                    assertTrue(
                            at != null, e.getKey() + " was acknowledged and lost (power cut dropped " + dropped + ")");
                    assertEquals(e.getValue()[0], at[0], e.getKey() + " partition");
                    assertEquals(e.getValue()[1], at[1], e.getKey() + " offset");
                }
            }
            assertTrue(
                    syncs < ackedAtKill.size(),
                    "group commit: " + syncs + " syncs for " + ackedAtKill.size() + " acknowledged records");
            System.out.printf(
                    "power loss: %d records acknowledged, %d syncs; the cut took %d bytes (data and reserved space) off %d files%n",
                    ackedAtKill.size(), syncs, dropped.bytes(), dropped.files());
        }
    }
}

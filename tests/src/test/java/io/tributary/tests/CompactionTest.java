package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A compacted topic end to end: written by the stock producer, compacted by the broker's log
 * cleaner in the background, read back by the stock consumer from offset 0: the last value of
 * each key at the offset it was acknowledged with, tombstoned keys gone once {@code
 * delete.retention.ms} has passed, and the log still served while and after it is compacted,
 * also across a restart.
 */
class CompactionTest {

    @Test
    void shouldServeTheLastValueOfEachKeyAfterTheBrokerCompactsATopic() throws Exception {
        Map<String, String> broker = Map.of(
                "log.cleaner.backoff.ms", "50",
                "log.retention.check.interval.ms", "100");
        try (InProcessBroker b = InProcessBroker.start(broker)) {
            String topic = "compacted";
            Clients.createTopic(
                    b.bootstrap(),
                    topic,
                    1,
                    Map.of(
                            "cleanup.policy", "compact",
                            "segment.ms", "300",
                            "min.cleanable.dirty.ratio", "0.01",
                            "delete.retention.ms", "1000"));
            Map<String, Long> lastOffset = new LinkedHashMap<>();
            Map<String, String> lastValue = new LinkedHashMap<>();
            try (KafkaProducer<String, String> producer =
                    Clients.producer(b.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                List<ProducerRecord<String, String>> records = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    String key = "key-" + (i % 40);
                    // keys 0-4 end with a tombstone
                    String value = i >= 2960 && i % 40 < 5 ? null : "value-" + i;
                    records.add(new ProducerRecord<>(topic, key, value));
                    sent.add(producer.send(records.getLast()));
                }
                producer.flush();
                for (int i = 0; i < records.size(); i++) {
                    lastOffset.put(records.get(i).key(), sent.get(i).get().offset());
                    lastValue.put(records.get(i).key(), records.get(i).value());
                }
            }
            Map<String, String> live = new LinkedHashMap<>(lastValue);
            live.values().removeIf(v -> v == null);

            // Once the active segment has rolled (segment.ms) and the cleaner has run, and the
            // tombstones' horizon has passed, a reader from 0 sees exactly the live keys.
            Await.until("the topic to be compacted", Duration.ofSeconds(60), () -> live.equals(read(b, topic)));

            try (KafkaConsumer<String, String> consumer = Clients.consumer(b.bootstrap(), Map.of())) {
                List<ConsumerRecord<String, String>> all =
                        Clients.readToEnd(consumer, topic, 1, Duration.ofSeconds(30));
                assertEquals(live.size(), all.size(), "one record per live key");
                long previous = -1;
                for (ConsumerRecord<String, String> r : all) {
                    assertTrue(r.offset() > previous, "offsets increase");
                    previous = r.offset();
                    assertEquals(
                            lastOffset.get(r.key()), r.offset(), r.key() + " keeps the offset it was acknowledged at");
                }
                assertEquals(
                        0L,
                        consumer.beginningOffsets(List.of(new TopicPartition(topic, 0)))
                                .get(new TopicPartition(topic, 0)),
                        "compaction leaves the log start offset alone");
            }

            b.restart();
            assertEquals(live, read(b, topic), "the compacted log survives a restart");
            try (KafkaProducer<String, String> producer = Clients.producer(b.bootstrap(), Map.of())) {
                producer.send(new ProducerRecord<>(topic, "key-10", "after-restart"))
                        .get();
            }
            live.put("key-10", "after-restart");
            Await.until("the new value to be read", Duration.ofSeconds(30), () -> live.equals(read(b, topic)));
        }
    }

    /** The topic's single partition read from offset 0 to its end: the last value per key (as a map). */
    private static Map<String, String> read(InProcessBroker b, String topic) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(b.bootstrap(), Map.of())) {
            Map<String, String> values = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            for (ConsumerRecord<String, String> r : Clients.readToEnd(consumer, topic, 1, Duration.ofSeconds(30))) {
                keys.add(r.key());
                values.put(r.key(), r.value());
            }
            // a compacted log holds each key once: a repeated key means it is not compacted yet
            return keys.size() == values.size() && !values.containsValue(null) ? values : Map.of();
        }
    }
}

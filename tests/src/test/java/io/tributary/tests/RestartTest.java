package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** A clean restart keeps every topic (with its id) and every record. */
class RestartTest {

    @Test
    void shouldKeepTopicsAndRecordsAcrossARestart() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start()) {
            Clients.createTopic(broker.bootstrap(), "kept-a", 2, Map.of("retention.ms", "-1"));
            Clients.createTopic(broker.bootstrap(), "kept-b", 1, Map.of());
            Map<String, Uuid> idsBefore;
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                idsBefore = ids(admin.describeTopics(List.of("kept-a", "kept-b"))
                        .allTopicNames()
                        .get());
            }
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
                for (int i = 0; i < 20_000; i++) {
                    producer.send(new ProducerRecord<>(i % 2 == 0 ? "kept-a" : "kept-b", "k" + i, "v" + i));
                }
                producer.flush();
            }

            broker.restart();

            try (Admin admin = Clients.admin(broker.bootstrap())) {
                assertEquals(
                        Set.of("kept-a", "kept-b"), admin.listTopics().names().get());
                Map<String, TopicDescription> after = admin.describeTopics(List.of("kept-a", "kept-b"))
                        .allTopicNames()
                        .get();
                assertEquals(idsBefore, ids(after));
                assertEquals(2, after.get("kept-a").partitions().size());
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
                List<ConsumerRecord<String, String>> a =
                        Clients.readAll(consumer, "kept-a", 2, 10_000, Duration.ofSeconds(30));
                assertEquals(
                        10_000, a.stream().map(ConsumerRecord::value).distinct().count());
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
                List<ConsumerRecord<String, String>> b =
                        Clients.readAll(consumer, "kept-b", 1, 10_000, Duration.ofSeconds(30));
                for (int i = 0; i < 10_000; i++) {
                    assertEquals("v" + (2 * i + 1), b.get(i).value());
                    assertEquals(i, b.get(i).offset());
                }
            }
        }
    }

    private static Map<String, Uuid> ids(Map<String, TopicDescription> d) {
        return Map.of(
                "kept-a", d.get("kept-a").topicId(),
                "kept-b", d.get("kept-b").topicId());
    }
}

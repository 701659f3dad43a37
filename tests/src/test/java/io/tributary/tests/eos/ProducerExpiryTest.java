package io.tributary.tests.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Idle producer state expires after {@code producer.id.expiration.ms} (checked every {@code
 * producer.id.expiration.check.interval.ms}), except a producer with an open transaction, which
 * still holds the last stable offset and must wait for its coordinator.
 */
class ProducerExpiryTest {

    @Test
    void shouldExpireIdleProducersButNotOneWithAnOpenTransaction() throws Exception {
        Map<String, String> config = new java.util.HashMap<>(TxnTesting.broker(2));
        config.put("producer.id.expiration.ms", "1000");
        config.put("producer.id.expiration.check.interval.ms", "100");
        try (InProcessBroker broker = InProcessBroker.start(config);
                Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(broker.bootstrap(), "expiring", 1, Map.of());
            TopicPartition tp = new TopicPartition("expiring", 0);
            try (KafkaProducer<String, String> idempotent = Clients.producer(broker.bootstrap(), Map.of());
                    KafkaProducer<String, String> transactional =
                            TxnTesting.transactional(broker.bootstrap(), "long-open")) {
                idempotent.send(new ProducerRecord<>("expiring", "k", "once")).get();
                transactional.initTransactions();
                transactional.beginTransaction();
                transactional
                        .send(new ProducerRecord<>("expiring", "k", "open"))
                        .get();
                assertEquals(2, producers(admin, tp).size());

                Await.until(
                        "the idle producer to expire",
                        Duration.ofSeconds(30),
                        () -> producers(admin, tp).size() == 1);
                ProducerState left = producers(admin, tp).getFirst();
                assertTrue(left.currentTransactionStartOffset().isPresent(), "the open transaction's producer stays");
                transactional.commitTransaction();
            }
        }
    }

    private static List<ProducerState> producers(Admin admin, TopicPartition tp) {
        try {
            return admin.describeProducers(List.of(tp))
                    .partitionResult(tp)
                    .get()
                    .activeProducers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

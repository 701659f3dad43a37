package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental rebalances do not stop the world: when a second member joins, the first gives up
 * only the partitions that move, and keeps consuming the others while the group rebalances. With
 * the classic protocol that is the client's cooperative-sticky assignor (the coordinator stays
 * agnostic); with KIP-848 it is how the protocol works.
 */
class IncrementalRebalanceTest {
    private static final int PARTITIONS = 6;
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(GroupTesting.fastGroups());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void shouldKeepConsumingPartitionsThatDoNotMoveDuringARebalance(String protocol) throws Exception {
        String topic = "incremental-" + protocol;
        String group = "incremental-" + protocol;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        Map<String, Object> config = new HashMap<>(GroupTesting.consumerConfig(protocol));
        if (protocol.equals("classic")) {
            config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        Queue<GroupMember.Processed> processed = new ConcurrentLinkedQueue<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = Thread.ofPlatform().daemon().start(() -> {
            try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of("linger.ms", "1"))) {
                int i = 0;
                while (producing.get()) {
                    for (int partition = 0; partition < PARTITIONS; partition++) {
                        p.send(new ProducerRecord<>(topic, partition, "k", "v" + i++));
                    }
                    p.flush();
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            }
        });
        try (GroupMember first = new GroupMember("first", broker.bootstrap(), group, topic, config, processed)) {
            Await.until(
                    "the first member owns everything",
                    Duration.ofSeconds(30),
                    () -> first.assignment().size() == PARTITIONS);
            Await.until("the first member consumes", Duration.ofSeconds(30), () -> !processed.isEmpty());
            int callbacksBefore = first.callbacks().size();
            long joinedAt = System.nanoTime();
            try (GroupMember second = new GroupMember("second", broker.bootstrap(), group, topic, config, processed)) {
                Await.until(
                        "both members own three partitions",
                        Duration.ofSeconds(30),
                        () -> first.assignment().size() == 3
                                && second.assignment().size() == 3);
                long secondAssignedAt = second.callbacks().stream()
                        .filter(c ->
                                c.kind().equals("assigned") && !c.partitions().isEmpty())
                        .mapToLong(GroupMember.Callback::atNanos)
                        .min()
                        .orElseThrow();
                Set<TopicPartition> kept = first.assignment();
                Set<TopicPartition> revoked = new HashSet<>();
                for (GroupMember.Callback c : first.callbacks()
                        .subList(callbacksBefore, first.callbacks().size())) {
                    assertTrue(!c.kind().equals("lost"), "nothing lost");
                    if (c.kind().equals("revoked")) {
                        revoked.addAll(c.partitions());
                    }
                }
                assertEquals(second.assignment(), revoked, "only the partitions that moved were revoked");
                boolean consumedDuringRebalance = processed.stream()
                        .anyMatch(p -> p.member().equals("first")
                                && p.atNanos() > joinedAt
                                && p.atNanos() < secondAssignedAt
                                && kept.contains(new TopicPartition(topic, p.partition())));
                assertTrue(consumedDuringRebalance, "the first member kept consuming while the group rebalanced");
            }
        } finally {
            producing.set(false);
            producer.join(10_000);
        }
    }
}

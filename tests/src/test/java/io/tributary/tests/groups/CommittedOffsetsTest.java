package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Committed offsets survive a broker restart (they live in {@code __consumer_offsets}), with their
 * metadata and leader epochs; a consumer that crashes with auto-commit on gets only the records
 * after its last commit again.
 */
class CommittedOffsetsTest {
    private static final int PARTITIONS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void shouldResumeExactlyAtTheCommittedOffsetsAfterTheBrokerRestarts(String protocol) throws Exception {
        String topic = "resume-" + protocol;
        String group = "resumer-" + protocol;
        try (InProcessBroker broker = InProcessBroker.start(GroupTesting.fastGroups())) {
            Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
            try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
                producer.send(300);
            }
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            Map<String, Object> config = new HashMap<>(GroupTesting.consumerConfig(protocol));
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), config)) {
                consumer.subscribe(List.of(topic));
                int read = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (read < 120 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        read++;
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        committed.put(
                                tp, new OffsetAndMetadata(r.offset() + 1, r.leaderEpoch(), "after-" + r.offset()));
                    }
                }
                assertTrue(read >= 120, "read " + read);
                consumer.commitSync(committed);
            }

            broker.restart();
            try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
                producer.send(300); // every partition gets records after its committed offset
            }

            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), config)) {
                Map<TopicPartition, OffsetAndMetadata> back = consumer.committed(committed.keySet());
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                    OffsetAndMetadata o = back.get(e.getKey());
                    assertEquals(e.getValue().offset(), o.offset());
                    assertEquals(e.getValue().metadata(), o.metadata(), "metadata round-trips");
                    assertEquals(e.getValue().leaderEpoch(), o.leaderEpoch(), "leader epoch round-trips");
                }
                consumer.subscribe(List.of(topic));
                Map<Integer, Long> firstOffsets = new ConcurrentHashMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (firstOffsets.size() < PARTITIONS && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        firstOffsets.putIfAbsent(r.partition(), r.offset());
                    }
                }
                for (int p = 0; p < PARTITIONS; p++) {
                    OffsetAndMetadata c = committed.get(new TopicPartition(topic, p));
                    assertEquals(c == null ? 0L : c.offset(), firstOffsets.get(p), "partition " + p);
                }
            }
        }
    }

    @Test
    void shouldRedeliverOnlyRecordsAfterTheLastAutoCommitWhenAConsumerIsKilled() throws Exception {
        String topic = "auto-commit";
        String group = "auto-committer";
        try (InProcessBroker broker = InProcessBroker.start(GroupTesting.fastGroups())) {
            Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
            try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
                producer.send(3000);
            }
            Map<Integer, Long> processedUpTo = new ConcurrentHashMap<>();
            int[] lines = {0};
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            testClassPath(),
                            AutoCommitConsumerMain.class.getName(),
                            broker.bootstrap(),
                            topic,
                            group)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (line.startsWith("REC ")) {
                                String[] f = line.split(" ");
                                processedUpTo.merge(Integer.parseInt(f[1]), Long.parseLong(f[2]), Math::max);
                                synchronized (lines) {
                                    lines[0]++;
                                }
                            }
                        }
                    } catch (java.io.IOException e) {
                        // the process was killed
                    }
                });
                Await.until("the consumer processed 600 records", Duration.ofSeconds(60), () -> {
                    synchronized (lines) {
                        return lines[0] >= 600;
                    }
                });
                child.destroyForcibly(); // SIGKILL: no final commit, no LeaveGroup
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                reader.join(10_000);
            } finally {
                child.destroyForcibly();
            }
            Map<TopicPartition, OffsetAndMetadata> committed;
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
            }
            assertTrue(!committed.isEmpty(), "auto-commit committed something before the crash");
            long redelivered = 0;
            long expected = 0;
            for (Map.Entry<Integer, Long> e : processedUpTo.entrySet()) {
                OffsetAndMetadata c = committed.get(new TopicPartition(topic, e.getKey()));
                expected += Math.max(0, e.getValue() + 1 - (c == null ? 0 : c.offset()));
            }
            Map<String, Object> config = new HashMap<>(GroupTesting.consumerConfig("classic"));
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), config)) {
                consumer.subscribe(List.of(topic));
                Map<Integer, Long> first = new HashMap<>();
                Map<Integer, Long> last = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                // The killed member's session expires first; then this member gets both partitions.
                while (!caughtUp(last, processedUpTo) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        first.putIfAbsent(r.partition(), r.offset());
                        last.put(r.partition(), r.offset());
                        if (r.offset() <= processedUpTo.getOrDefault(r.partition(), -1L)) {
                            redelivered++;
                        }
                    }
                }
                for (Map.Entry<Integer, Long> e : first.entrySet()) {
                    OffsetAndMetadata c = committed.get(new TopicPartition(topic, e.getKey()));
                    assertEquals(c == null ? 0 : c.offset(), e.getValue(), "redelivery starts at the last commit");
                }
                assertEquals(Set.of(0, 1), first.keySet());
            }
            assertEquals(expected, redelivered, "exactly the processed records newer than the last commit come again");
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                assertTrue(
                        e.getValue().offset()
                                <= processedUpTo.getOrDefault(e.getKey().partition(), -1L) + 1,
                        "nothing was committed that was not processed");
            }
        }
    }

    private static boolean caughtUp(Map<Integer, Long> last, Map<Integer, Long> processedUpTo) {
        for (Map.Entry<Integer, Long> e : processedUpTo.entrySet()) {
            if (last.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        return last.size() == 2;
    }

    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        List<String> parts = new ArrayList<>(List.of(cp.split(File.pathSeparator)));
        return String.join(File.pathSeparator, parts);
    }
}

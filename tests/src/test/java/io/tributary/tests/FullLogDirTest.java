package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;

/**
 * A full log directory (issue 4): the broker's log dir is a small tmpfs; once it is full,
 * produce fails with KAFKA_STORAGE_ERROR, the broker stays up and keeps serving reads of
 * everything acknowledged, takes writes again once space is freed, and loses nothing across a
 * restart. Needs {@code mount} (root, as in CI); skipped otherwise.
 *
 * <p>A read-only directory is not tested end to end: Linux refuses to remount a file system
 * read-only while files on it are open for writing (EBUSY), which a running broker's segments
 * always are, and root ignores permission bits.
 */
class FullLogDirTest {

    @Test
    void shouldFailProduceWithAStorageErrorOnAFullLogDirAndKeepServingReads() throws Exception {
        Path mountPoint = Files.createTempDirectory("tributary-tmpfs-");
        assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mountPoint.toString()),
                "mounting a tmpfs needs root (CI runs as root)");
        Path metadata = Files.createTempDirectory("tributary-metadata-");
        try {
            // A filler the test frees later, so that the broker can write again.
            Path filler = mountPoint.resolve("filler");
            Files.write(filler, new byte[4 << 20]);
            Map<String, String> config =
                    Map.of("log.dirs", mountPoint.resolve("logs").toString(), "metadata.log.dir", metadata.toString());
            try (InProcessBroker broker = InProcessBroker.start(config)) {
                String topic = "full";
                Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
                List<String> acked = new ArrayList<>();
                Map<String, Object> noRetries = Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "1",
                        ProducerConfig.RETRIES_CONFIG,
                        0,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1);
                Throwable failure = null;
                try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), noRetries)) {
                    String pad = "p".repeat(4000);
                    for (int i = 0; i < 10_000 && failure == null; i++) {
                        String value = "v" + i + pad;
                        try {
                            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
                            acked.add(value);
                        } catch (ExecutionException e) {
                            failure = e.getCause();
                        }
                    }
                }
                assertNotNull(failure, "the 8 MiB left never filled up");
                assertInstanceOf(KafkaStorageException.class, failure, "KAFKA_STORAGE_ERROR");
                assertEquals(acked, readAll(broker, topic), "reads go on, nothing acknowledged is lost");

                Files.delete(filler);
                try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), noRetries)) {
                    producer.send(new ProducerRecord<>(topic, "after")).get(30, TimeUnit.SECONDS);
                    acked.add("after");
                }
                broker.restart();
                assertEquals(acked, readAll(broker, topic), "and nothing is lost across a restart");
            }
        } finally {
            run("umount", mountPoint.toString());
            Files.deleteIfExists(mountPoint);
        }
    }

    private static List<String> readAll(InProcessBroker broker, String topic) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
            return Clients.readToEnd(consumer, topic, 1, Duration.ofSeconds(30)).stream()
                    .map(ConsumerRecord::value)
                    .toList();
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}

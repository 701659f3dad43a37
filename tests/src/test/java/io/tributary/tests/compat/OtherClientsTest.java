package io.tributary.tests.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.ExternalClients;
import io.tributary.tests.support.ExternalClients.Output;
import io.tributary.tests.support.InProcessBroker;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that are not Java: kafkajs (npm), kcat and confluent-kafka (librdkafka) and
 * kafka-python (Debian's packages), each creating and deleting topics where it can, reading
 * metadata, producing, and consuming one partition, against one broker.
 */
class OtherClientsTest {
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Test
    void shouldServeKafkajs() {
        var dir = ExternalClients.requireKafkajs();
        Output out = ExternalClients.run(
                List.of("node", ExternalClients.script("kafkajs-client.js").toString(), broker.bootstrap(), "js-topic"),
                Map.of("NODE_PATH", dir.resolve("node_modules").toString()),
                null,
                120);
        assertEquals(0, out.exitCode(), out::toString);
        assertEquals(
                List.of(
                        "OK create",
                        "OK metadata",
                        "OK produce",
                        "OK offsets",
                        "OK consume 0:k1=v1,1:k2=v2,2:k3=v3",
                        "OK delete"),
                lines(out.stdout()),
                out::toString);
    }

    @Test
    void shouldServeKafkaPythonAndGuessA2xBrokerVersion() {
        ExternalClients.requireDebianClients();
        Output out = ExternalClients.run(
                List.of(
                        ExternalClients.PYTHON,
                        ExternalClients.script("kafka_python_client.py").toString(),
                        broker.bootstrap(),
                        "py-topic"),
                Map.of(),
                null,
                120);
        assertEquals(0, out.exitCode(), out::toString);
        List<String> l = lines(out.stdout());
        // kafka-python 2.0.2 infers 2.4 from Produce v8 (a real Kafka 4 broker, with ACLs, gives 2.5).
        assertTrue(l.getFirst().matches("OK version 2\\.[4-9].*"), out::toString);
        assertEquals(
                List.of(
                        "OK create",
                        "OK metadata",
                        "OK produce",
                        "OK consume 0:k0=v0,1:k1=v1,2:k2=v2,3:k3=v3,4:k4=v4",
                        "OK delete"),
                l.subList(1, l.size()),
                out::toString);
    }

    @Test
    void shouldServeConfluentKafkaOnLibrdkafka() {
        ExternalClients.requireDebianClients();
        Output out = ExternalClients.run(
                List.of(
                        ExternalClients.PYTHON,
                        ExternalClients.script("confluent_kafka_client.py").toString(),
                        broker.bootstrap(),
                        "rdkafka-topic"),
                Map.of(),
                null,
                120);
        assertEquals(0, out.exitCode(), out::toString);
        assertEquals(
                List.of(
                        "OK create",
                        "OK metadata",
                        "OK produce",
                        "OK consume 0:k0=v0,1:k1=v1,2:k2=v2,3:k3=v3",
                        "OK delete"),
                lines(out.stdout()),
                out::toString);
    }

    @Test
    void shouldServeKcat() throws Exception {
        ExternalClients.requireDebianClients();
        String b = broker.bootstrap();
        Clients.createTopic(b, "kcat-topic", 2, Map.of());

        Output metadata = ExternalClients.run(List.of("kcat", "-b", b, "-L", "-t", "kcat-topic"), Map.of(), null, 60);
        assertEquals(0, metadata.exitCode(), metadata::toString);
        List<String> md = lines(metadata.stdout()).stream().map(String::strip).toList();
        assertTrue(md.contains("1 brokers:"), metadata::toString);
        assertTrue(md.contains("broker 1 at " + b + " (controller)"), metadata::toString);
        assertTrue(md.contains("topic \"kcat-topic\" with 2 partitions:"), metadata::toString);
        assertTrue(md.contains("partition 0, leader 1, replicas: 1, isrs: 1"), metadata::toString);
        assertTrue(md.contains("partition 1, leader 1, replicas: 1, isrs: 1"), metadata::toString);

        Output produced = ExternalClients.run(
                List.of("kcat", "-b", b, "-P", "-t", "kcat-topic", "-p", "1", "-K", ":"),
                Map.of(),
                "a:one\nb:two\nc:three\n",
                60);
        assertEquals(0, produced.exitCode(), produced::toString);

        Output consumed = ExternalClients.run(
                List.of(
                        "kcat",
                        "-b",
                        b,
                        "-C",
                        "-t",
                        "kcat-topic",
                        "-p",
                        "1",
                        "-o",
                        "beginning",
                        "-e",
                        "-f",
                        "%p/%o %k=%s\\n"),
                Map.of(),
                null,
                60);
        assertEquals(0, consumed.exitCode(), consumed::toString);
        assertEquals(List.of("1/0 a=one", "1/1 b=two", "1/2 c=three"), lines(consumed.stdout()), consumed::toString);

        Output fromOffset = ExternalClients.run(
                List.of("kcat", "-b", b, "-C", "-t", "kcat-topic", "-p", "1", "-o", "2", "-e", "-f", "%s\\n"),
                Map.of(),
                null,
                60);
        assertEquals(List.of("three"), lines(fromOffset.stdout()), fromOffset::toString);

        // librdkafka's producer asks Metadata to create a missing topic (auto.create.topics.enable).
        Output autoCreated = ExternalClients.run(
                List.of("kcat", "-b", b, "-P", "-t", "kcat-auto", "-X", "allow.auto.create.topics=true"),
                Map.of(),
                "hello\n",
                60);
        assertEquals(0, autoCreated.exitCode(), autoCreated::toString);
        try (Admin admin = Clients.admin(b)) {
            assertTrue(admin.listTopics().names().get().contains("kcat-auto"));
        }
    }
}

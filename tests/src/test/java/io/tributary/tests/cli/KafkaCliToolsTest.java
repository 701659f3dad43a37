package io.tributary.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.KafkaTools;
import io.tributary.tests.support.KafkaTools.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka 4.4's own command-line tools, run as subprocesses against one broker, with the commands
 * of Kafka's topic and config operations documentation; their output is checked line by line
 * against what Kafka prints.
 */
class KafkaCliToolsTest {
    private static InProcessBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start();
        bootstrap = broker.bootstrap();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Result ok(String tool, String stdin, String... args) {
        Result r = KafkaTools.run(tool, stdin, args);
        assertEquals(0, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
        return r;
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Test
    void shouldCreateListDescribeAlterAndDeleteTopicsWithKafkaTopics() throws Exception {
        Result created = ok(
                KafkaTools.TOPICS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--create",
                "--topic",
                "cli-topic",
                "--partitions",
                "2",
                "--replication-factor",
                "1",
                "--config",
                "retention.ms=86400000");
        assertEquals("Created topic cli-topic.", created.stdout().strip());

        Result listed = ok(KafkaTools.TOPICS, null, "--bootstrap-server", bootstrap, "--list");
        assertTrue(lines(listed.stdout()).contains("cli-topic"), listed.toString());

        Result described =
                ok(KafkaTools.TOPICS, null, "--bootstrap-server", bootstrap, "--describe", "--topic", "cli-topic");
        List<String> d = lines(described.stdout());
        assertTrue(
                Pattern.matches(
                        "Topic: cli-topic\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 2\tReplicationFactor: 1\t"
                                + "Configs: retention.ms=86400000",
                        d.get(0)),
                described.toString());
        assertEquals(
                "\tTopic: cli-topic\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ", d.get(1));
        assertEquals(
                "\tTopic: cli-topic\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ", d.get(2));

        ok(
                KafkaTools.TOPICS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--alter",
                "--topic",
                "cli-topic",
                "--partitions",
                "4");
        Result grown =
                ok(KafkaTools.TOPICS, null, "--bootstrap-server", bootstrap, "--describe", "--topic", "cli-topic");
        assertTrue(grown.stdout().contains("PartitionCount: 4"), grown.toString());
        assertTrue(grown.stdout().contains("\tPartition: 3\tLeader: 1\tReplicas: 1\tIsr: 1"), grown.toString());

        Result shrink = KafkaTools.run(
                KafkaTools.TOPICS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--alter",
                "--topic",
                "cli-topic",
                "--partitions",
                "2");
        assertNotEquals(0, shrink.exitCode());
        assertTrue(
                (shrink.stdout() + shrink.stderr())
                        .contains("The topic cli-topic currently has 4 partition(s); 2 would not be an increase."),
                shrink.toString());

        ok(KafkaTools.TOPICS, null, "--bootstrap-server", bootstrap, "--delete", "--topic", "cli-topic");
        try (Admin admin = Clients.admin(bootstrap)) {
            assertFalse(admin.listTopics().names().get().contains("cli-topic"));
        }
    }

    @Test
    void shouldReportKafkasErrorsFromKafkaTopics() {
        Result tooMany = KafkaTools.run(
                KafkaTools.TOPICS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--create",
                "--topic",
                "cli-rf",
                "--partitions",
                "1",
                "--replication-factor",
                "3");
        assertNotEquals(0, tooMany.exitCode());
        assertTrue(
                (tooMany.stdout() + tooMany.stderr()).contains("InvalidReplicationFactorException"),
                tooMany.toString());

        Result badConfig = KafkaTools.run(
                KafkaTools.TOPICS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--create",
                "--topic",
                "cli-bad-config",
                "--config",
                "cleanup.policy=shred");
        assertNotEquals(0, badConfig.exitCode());
        assertTrue((badConfig.stdout() + badConfig.stderr()).contains("cleanup.policy"), badConfig.toString());

        Result missing = KafkaTools.run(
                KafkaTools.TOPICS, null, "--bootstrap-server", bootstrap, "--describe", "--topic", "cli-missing");
        assertNotEquals(0, missing.exitCode());
        assertTrue(
                (missing.stdout() + missing.stderr()).contains("Topic 'cli-missing' does not exist as expected"),
                missing.toString());
    }

    @Test
    void shouldAlterAndDescribeTopicConfigsWithKafkaConfigs() throws Exception {
        Clients.createTopic(bootstrap, "cli-configs", 1, Map.of());
        Result altered = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--alter",
                "--add-config",
                "max.message.bytes=128000");
        assertEquals(
                "Completed updating config for topic cli-configs.",
                altered.stdout().strip());

        Result described = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--describe");
        assertEquals(
                List.of(
                        "Dynamic configs for topic cli-configs are:",
                        "  max.message.bytes=128000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes="
                                + "128000, DEFAULT_CONFIG:message.max.bytes=1048588}"),
                lines(described.stdout()));

        Result all = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--describe",
                "--all");
        assertEquals(
                "All configs for topic cli-configs are:", lines(all.stdout()).getFirst());
        assertTrue(
                all.stdout()
                        .contains("  cleanup.policy=delete sensitive=false synonyms={DEFAULT_CONFIG:"
                                + "log.cleanup.policy=delete}"),
                all.toString());
        assertTrue(all.stdout().contains("  retention.ms=604800000 sensitive=false synonyms={}"), all.toString());

        ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--alter",
                "--delete-config",
                "max.message.bytes");
        Result empty = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--describe");
        assertEquals(List.of("Dynamic configs for topic cli-configs are:"), lines(empty.stdout()));

        Result invalid = KafkaTools.run(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--alter",
                "--add-config",
                "retention.ms=forever");
        assertNotEquals(0, invalid.exitCode());
        assertTrue((invalid.stdout() + invalid.stderr()).contains("retention.ms"), invalid.toString());
    }

    @Test
    void shouldAlterAndDescribeBrokerConfigsWithKafkaConfigs() {
        Result perBroker = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-name",
                "1",
                "--alter",
                "--add-config",
                "log.cleaner.threads=2");
        assertEquals(
                "Completed updating config for broker 1.", perBroker.stdout().strip());
        Result described = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-name",
                "1",
                "--describe");
        assertEquals(
                List.of(
                        "Dynamic configs for broker 1 are:",
                        "  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2,"
                                + " DEFAULT_CONFIG:log.cleaner.threads=1}"),
                lines(described.stdout()));
        ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-name",
                "1",
                "--alter",
                "--delete-config",
                "log.cleaner.threads");

        Result clusterWide = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-default",
                "--alter",
                "--add-config",
                "log.retention.ms=3600000");
        assertEquals(
                "Completed updating default config for brokers in the cluster.",
                clusterWide.stdout().strip());
        Result defaults = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-default",
                "--describe");
        assertEquals(
                List.of(
                        "Default configs for brokers in the cluster are:",
                        // As Kafka: the hours default is a synonym of log.retention.ms, listed after it.
                        "  log.retention.ms=3600000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:"
                                + "log.retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}"),
                lines(defaults.stdout()));
        ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-default",
                "--alter",
                "--delete-config",
                "log.retention.ms");

        Result all = ok(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-name",
                "1",
                "--describe",
                "--all");
        assertEquals("All configs for broker 1 are:", lines(all.stdout()).getFirst());
        assertTrue(
                all.stdout()
                        .contains("  log.retention.hours=168 sensitive=false synonyms={DEFAULT_CONFIG:"
                                + "log.retention.hours=168}"),
                all.toString());

        Result readOnly = KafkaTools.run(
                KafkaTools.CONFIGS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--entity-type",
                "brokers",
                "--entity-name",
                "1",
                "--alter",
                "--add-config",
                "node.id=7");
        assertNotEquals(0, readOnly.exitCode());
        assertTrue(
                (readOnly.stdout() + readOnly.stderr()).contains("Cannot update these configs dynamically"),
                readOnly.toString());
    }

    @Test
    void shouldProduceKeyedLinesAndConsumeAPartitionWithTheConsoleTools() {
        ok(
                KafkaTools.TOPICS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--create",
                "--topic",
                "cli-console",
                "--partitions",
                "1",
                "--replication-factor",
                "1");
        ok(
                KafkaTools.CONSOLE_PRODUCER,
                "k1:first\nk2:second\nk3:third\n",
                "--bootstrap-server",
                bootstrap,
                "--topic",
                "cli-console",
                "--reader-property",
                "parse.key=true",
                "--reader-property",
                "key.separator=:");

        Result consumed = ok(
                KafkaTools.CONSOLE_CONSUMER,
                null,
                "--bootstrap-server",
                bootstrap,
                "--topic",
                "cli-console",
                "--partition",
                "0",
                "--offset",
                "earliest",
                "--max-messages",
                "3",
                "--formatter-property",
                "print.key=true",
                "--formatter-property",
                "key.separator=|");
        assertEquals(List.of("k1|first", "k2|second", "k3|third"), lines(consumed.stdout()));
        assertTrue(consumed.stderr().contains("Processed a total of 3 messages"), consumed.toString());

        Result fromOffset = ok(
                KafkaTools.CONSOLE_CONSUMER,
                null,
                "--bootstrap-server",
                bootstrap,
                "--topic",
                "cli-console",
                "--partition",
                "0",
                "--offset",
                "2",
                "--max-messages",
                "1");
        assertEquals(List.of("third"), lines(fromOffset.stdout()));
    }

    @Test
    void shouldGetOffsetsAndDeleteRecords(@TempDir Path dir) throws Exception {
        Clients.createTopic(bootstrap, "cli-offsets", 2, Map.of());
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("cli-offsets", 0, null, "v" + i));
            }
            producer.send(new ProducerRecord<>("cli-offsets", 1, null, "w"));
            producer.flush();
        }
        Result latest = ok(KafkaTools.GET_OFFSETS, null, "--bootstrap-server", bootstrap, "--topic", "cli-offsets");
        assertEquals(List.of("cli-offsets:0:5", "cli-offsets:1:1"), lines(latest.stdout()));

        Path json = dir.resolve("delete.json");
        Files.writeString(
                json, "{\"partitions\":[{\"topic\":\"cli-offsets\",\"partition\":0,\"offset\":3}],\"version\":1}");
        Result deleted = ok(
                KafkaTools.DELETE_RECORDS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--offset-json-file",
                json.toString());
        assertEquals(
                List.of(
                        "Executing records delete operation",
                        "Records delete operation completed:",
                        "partition: cli-offsets-0\tlow_watermark: 3"),
                lines(deleted.stdout()));

        Result earliest = ok(
                KafkaTools.GET_OFFSETS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--topic",
                "cli-offsets",
                "--time",
                "-2");
        assertEquals(List.of("cli-offsets:0:3", "cli-offsets:1:0"), lines(earliest.stdout()));
    }

    @Test
    void shouldListTheBrokersApiVersions() {
        Result r = ok(KafkaTools.BROKER_API_VERSIONS, null, "--bootstrap-server", bootstrap);
        String out = r.stdout();
        assertTrue(out.startsWith(bootstrap + " (id: 1 rack: null isFenced: false) -> ("), r.toString());
        assertTrue(out.contains("\tProduce(0): 0 to 13 [usable: 13]"), r.toString());
        assertTrue(out.contains("\tDescribeConfigs(32): 1 to 4 [usable: 4]"), r.toString());
        assertTrue(out.contains("\tIncrementalAlterConfigs(44): 0 to 1 [usable: 1]"), r.toString());
        assertTrue(out.contains("\tDescribeTopicPartitions(75): 0 [usable: 0]"), r.toString());
        assertFalse(out.contains("UNKNOWN"), r.toString());
    }

    @Test
    void shouldDescribeLogDirsWithKafkaLogDirs() throws Exception {
        Clients.createTopic(bootstrap, "cli-logdirs", 1, Map.of());
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>("cli-logdirs", "hello")).get();
        }
        Result r = ok(
                KafkaTools.LOG_DIRS,
                null,
                "--bootstrap-server",
                bootstrap,
                "--describe",
                "--topic-list",
                "cli-logdirs");
        List<String> l = lines(r.stdout());
        assertEquals("Querying brokers for log directories information", l.get(0));
        assertEquals("Received log directory information from brokers 1", l.get(1));
        String json = l.get(2);
        String dir = broker.dataDir().resolve("logs").toAbsolutePath().toString();
        assertTrue(
                json.startsWith("{\"brokers\":[{\"broker\":1,\"logDirs\":[{\"error\":null,\"logDir\":\"" + dir
                                + "\",\"partitions\":[{\"isFuture\":false,\"offsetLag\":0,\"partition\":\"cli-logdirs-0\","
                                + "\"size\":")
                        || json.contains("\"partition\":\"cli-logdirs-0\""),
                r.toString());
        assertTrue(json.contains(dir), r.toString());
        assertFalse(json.contains("\"size\":0"), r.toString());
    }

    @Test
    void shouldDescribeFeaturesWithKafkaFeatures() {
        Result r = ok(KafkaTools.FEATURES, null, "--bootstrap-server", bootstrap, "describe");
        assertEquals(2, lines(r.stdout()).size(), r.toString());
        assertTrue(
                Pattern.matches(
                        "Feature: metadata.version\\s+SupportedMinVersion: 3.3-IV3\\s+SupportedMaxVersion: 4.4-IV2\\s+"
                                + "FinalizedVersionLevel: 4.4-IV2\\s+Epoch: \\d+\\s*",
                        lines(r.stdout()).getFirst()),
                r.toString());
        assertTrue(
                Pattern.matches(
                        "Feature: transaction.version\\s+SupportedMinVersion: 0\\s+SupportedMaxVersion: 2\\s+"
                                + "FinalizedVersionLevel: 2\\s+Epoch: \\d+\\s*",
                        lines(r.stdout()).get(1)),
                r.toString());
    }
}

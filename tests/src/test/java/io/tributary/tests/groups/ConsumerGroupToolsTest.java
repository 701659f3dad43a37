package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka 4.4's own tools, run as subprocesses (the classes behind {@code kafka-consumer-groups.sh}
 * and {@code kafka-console-consumer.sh}): listing and describing groups with their lag, resetting
 * offsets, deleting groups, and a console consumer that reads in a group and commits.
 */
class ConsumerGroupToolsTest {
    private static final String GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(GroupTesting.fastGroups());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** What a tool printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    @Test
    void shouldListDescribeResetAndDeleteGroupsWithKafkaConsumerGroups() throws Exception {
        String topic = "tool-topic";
        String group = "tool-group";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
            producer.send(100);
        }
        Map<TopicPartition, OffsetAndMetadata> consumed = consumeAndCommit(topic, group, 30);
        long consumedTotal =
                consumed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();

        Result list = run(GROUPS, "--bootstrap-server", broker.bootstrap(), "--list");
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stdout().lines().anyMatch(group::equals), list.toString());

        Result describe = run(GROUPS, "--bootstrap-server", broker.bootstrap(), "--describe", "--group", group);
        assertEquals(0, describe.exitCode(), describe.toString());
        long lag = 0;
        int rows = 0;
        for (String line : describe.stdout().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
            if (f.length >= 6 && f[0].equals(group) && f[1].equals(topic)) {
                rows++;
                TopicPartition tp = new TopicPartition(topic, Integer.parseInt(f[2]));
                OffsetAndMetadata mine = consumed.get(tp);
                assertEquals(mine == null ? "-" : Long.toString(mine.offset()), f[3], line);
                lag += Long.parseLong(f[5]);
            }
        }
        assertEquals(2, rows, describe.toString());
        assertEquals(100 - consumedTotal, lag, describe.toString());

        Result reset = run(
                GROUPS,
                "--bootstrap-server",
                broker.bootstrap(),
                "--reset-offsets",
                "--to-earliest",
                "--execute",
                "--group",
                group,
                "--topic",
                topic);
        assertEquals(0, reset.exitCode(), reset.toString());
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> after = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertEquals(2, after.size(), reset.toString());
            after.values().forEach(o -> assertEquals(0, o.offset()));
        }

        Result delete = run(GROUPS, "--bootstrap-server", broker.bootstrap(), "--delete", "--group", group);
        assertEquals(0, delete.exitCode(), delete.toString());
        assertTrue(delete.stdout().contains("successful"), delete.toString());
        Result listAgain = run(GROUPS, "--bootstrap-server", broker.bootstrap(), "--list");
        assertTrue(listAgain.stdout().lines().noneMatch(group::equals), listAgain.toString());
    }

    @Test
    void shouldDescribeAnActiveConsumerProtocolGroupWithItsMembers() throws Exception {
        String topic = "tool-kip848";
        String group = "tool-kip848-group";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        java.util.Queue<GroupMember.Processed> sink = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (GroupMember m = new GroupMember(
                "tool-member", broker.bootstrap(), group, topic, GroupTesting.consumerConfig("consumer"), sink)) {
            io.tributary.tests.support.Await.until(
                    "assigned",
                    java.time.Duration.ofSeconds(30),
                    () -> m.assignment().size() == 2);
            Result members =
                    run(GROUPS, "--bootstrap-server", broker.bootstrap(), "--describe", "--group", group, "--members");
            assertEquals(0, members.exitCode(), members.toString());
            assertTrue(members.stdout().contains("tool-member"), members.toString());
            Result state =
                    run(GROUPS, "--bootstrap-server", broker.bootstrap(), "--describe", "--group", group, "--state");
            assertEquals(0, state.exitCode(), state.toString());
            assertTrue(state.stdout().contains("Stable"), state.toString());
            assertTrue(state.stdout().contains("uniform"), state.toString());
        }
    }

    @Test
    void shouldReadFromTheBeginningAndCommitWithTheConsoleConsumer() throws Exception {
        String topic = "console-topic";
        String group = "console-group";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
            producer.send(50);
        }
        Result read = run(
                CONSOLE_CONSUMER,
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                topic,
                "--group",
                group,
                "--from-beginning",
                "--max-messages",
                "50",
                "--timeout-ms",
                "60000");
        assertEquals(0, read.exitCode(), read.toString());
        List<String> values =
                read.stdout().lines().filter(l -> l.startsWith("key-")).toList();
        assertEquals(50, values.size(), read.toString());
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertEquals(50, committed.get(new TopicPartition(topic, 0)).offset(), "it committed on exit");
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> consumeAndCommit(String topic, String group, int count) {
        Map<String, Object> config = new HashMap<>(GroupTesting.consumerConfig("classic"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5");
        Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), config)) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((read < count || consumed.size() < 2) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(java.time.Duration.ofMillis(100))) {
                    read++;
                    consumed.put(new TopicPartition(topic, r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
            }
            consumer.commitSync(consumed);
        }
        return consumed;
    }

    private static String toolClassPath() {
        Path dir = Path.of(System.getProperty("tributary.kafka.tools.dir", "target/kafka-tools"));
        try (Stream<Path> files = Files.list(dir)) {
            List<String> jars = files.map(Path::toString)
                    .filter(f -> f.endsWith(".jar"))
                    .sorted()
                    .toList();
            if (jars.stream().noneMatch(j -> j.contains("kafka-tools-4."))) {
                throw new IllegalStateException("No kafka-tools jar in " + dir + ": run the build (mvn verify) first");
            }
            return String.join(File.pathSeparator, jars);
        } catch (IOException e) {
            throw new UncheckedIOException("No Kafka tools at " + dir + ": run the build (mvn verify) first", e);
        }
    }

    private static Result run(String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(toolClassPath());
        command.add(mainClass);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        CompletableFuture<String> out = read(p, false);
        CompletableFuture<String> err = read(p, true);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(mainClass + " did not finish within 120 s");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static CompletableFuture<String> read(Process p, boolean stderr) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                f.complete(new String(
                        (stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}

package io.tributary.tests.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once under crashes: a consume-transform-produce process ({@link EosProcessorMain})
 * turns 100,000 input records into output records while it is killed with SIGKILL several times
 * and restarted; read with read_committed, the output holds every input's result exactly once.
 * The numbers (records, kills, duplicates, losses) are printed for the notes.
 */
class ExactlyOnceCrashTest {
    private static final int RECORDS = 100_000;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 6;

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {2, 1})
    void shouldProduceEveryResultExactlyOnceWhileTheProcessorIsKilled(int version) throws Exception {
        String input = "eos-in-" + version;
        String output = "eos-out-" + version;
        String group = "eos-app-" + version;
        Random random = new Random(42 + version);
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(version));
                Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(broker.bootstrap(), input, PARTITIONS, Map.of());
            Clients.createTopic(broker.bootstrap(), output, PARTITIONS, Map.of());
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(input, "k" + i, Integer.toString(i)));
                }
            }
            Path logs = Files.createTempDirectory("eos-processor-");
            int kills = 0;
            long killedAt;
            List<Long> progressAtKill = new ArrayList<>();
            while (kills < KILLS) {
                Process p = start(broker.bootstrap(), input, output, group, logs.resolve("run-" + kills + ".log"));
                try {
                    // Let it commit its share of the work, then kill it at a random moment (mostly mid-transaction).
                    long target = (kills + 1L) * RECORDS / (KILLS + 1);
                    Await.until("the processor to make progress", Duration.ofSeconds(120), () -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("processor exited: " + log(logs, p));
                        }
                        return consumed(admin, group, input) >= target;
                    });
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));
                } finally {
                    p.destroyForcibly(); // SIGKILL: no commit, no abort, no LeaveGroup
                    p.waitFor(30, TimeUnit.SECONDS);
                }
                kills++;
                killedAt = consumed(admin, group, input);
                progressAtKill.add(killedAt);
            }
            Process last = start(broker.bootstrap(), input, output, group, logs.resolve("run-last.log"));
            try {
                Await.until("the processor to consume everything", Duration.ofSeconds(300), () -> {
                    if (!last.isAlive()) {
                        throw new AssertionError("processor exited: " + log(logs, last));
                    }
                    return consumed(admin, group, input) >= RECORDS;
                });
            } finally {
                last.destroyForcibly();
                last.waitFor(30, TimeUnit.SECONDS);
            }

            int[] seen = new int[RECORDS];
            int unexpected = 0;
            long outputRecords = 0;
            try (KafkaConsumer<String, String> c = TxnTesting.consumer(broker.bootstrap(), true)) {
                for (ConsumerRecord<String, String> r :
                        Clients.readToEnd(c, output, PARTITIONS, Duration.ofSeconds(60))) {
                    outputRecords++;
                    if (r.value().startsWith("out-")) {
                        seen[Integer.parseInt(r.value().substring(4))]++;
                    } else {
                        unexpected++;
                    }
                }
            }
            long uncommittedOutput = 0;
            try (KafkaConsumer<String, String> c = TxnTesting.consumer(broker.bootstrap(), false)) {
                uncommittedOutput = Clients.readToEnd(c, output, PARTITIONS, Duration.ofSeconds(60))
                        .size();
            }
            int duplicates = 0;
            int losses = 0;
            for (int count : seen) {
                if (count == 0) {
                    losses++;
                } else {
                    duplicates += count - 1;
                }
            }
            System.out.printf(
                    "EOS crash test (transaction.version=%d): %d input records, %d SIGKILLs of the processor"
                            + " (consumed offsets at each kill: %s), %d output records read_committed"
                            + " (%d read_uncommitted, aborted ones included), %d duplicates, %d losses%n",
                    version, RECORDS, kills, progressAtKill, outputRecords, uncommittedOutput, duplicates, losses);
            assertEquals(0, unexpected, "records that are no result");
            assertEquals(0, duplicates, "duplicates");
            assertEquals(0, losses, "losses");
            assertEquals(RECORDS, outputRecords);
            assertTrue(uncommittedOutput > RECORDS, "some kill left an open transaction with records behind");
            deleteLogs(logs);
        }
    }

    /** The sum of the group's committed offsets on the input topic. */
    private static long consumed(Admin admin, String group, String input) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            long sum = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                if (e.getKey().topic().equals(input) && e.getValue() != null) {
                    sum += e.getValue().offset();
                }
            }
            return sum;
        } catch (Exception e) {
            return 0;
        }
    }

    private static Process start(String bootstrap, String input, String output, String group, Path log)
            throws Exception {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classPath(),
                        EosProcessorMain.class.getName(),
                        bootstrap,
                        input,
                        output,
                        group,
                        group + "-txn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static String log(Path dir, Process p) {
        StringBuilder sb = new StringBuilder("exit " + (p.isAlive() ? "?" : p.exitValue()) + "\n");
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f);
                sb.append("--- ").append(f.getFileName()).append('\n');
                sb.append(text, Math.max(0, text.length() - 4000), text.length());
            }
        } catch (java.io.IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    private static void deleteLogs(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, List.of(cp.split(File.pathSeparator)));
    }
}

package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.BrokerProcess;
import io.tributary.tests.support.Clients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Many partitions on one broker (issue 4): a broker process with a topic of N partitions
 * starts, serves produce and fetch on every one of them, restarts and serves them again, within
 * the default {@code vm.max_map_count} and open-file limits. N is 1,000 in the suite; the full
 * 10,000 run is {@code bench/many-partitions.sh} (or {@code -Dtributary.test.partitions=10000}).
 * Start-up time and memory are printed for the notes.
 */
class ManyPartitionsTest {
    private static final int PARTITIONS = Integer.getInteger("tributary.test.partitions", 1000);
    /** Opt-in (bench/many-partitions.sh): how long the broker stays idle before a last memory reading. */
    private static final int IDLE_SECONDS = Integer.getInteger("tributary.test.idleSeconds", 0);

    @Test
    void shouldServeEveryPartitionBeforeAndAfterARestart() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(Map.of())) {
            String topic = "many";
            long t0 = System.nanoTime();
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                        .all()
                        .get();
            }
            long created = System.nanoTime();
            produceOnePerPartition(broker, topic, "first");
            long produced = System.nanoTime();
            assertEquals(PARTITIONS, readAll(broker, topic).size());
            long fetched = System.nanoTime();
            Usage serving = Usage.of(broker.pid());

            broker.stop();
            long restartStart = System.nanoTime();
            broker.restart();
            long restarted = System.nanoTime();
            Usage afterRestart = Usage.of(broker.pid());
            produceOnePerPartition(broker, topic, "second");
            List<ConsumerRecord<String, String>> all = readAll(broker, topic);
            assertEquals(2 * PARTITIONS, all.size());
            Map<Integer, List<String>> byPartition = new HashMap<>();
            for (ConsumerRecord<String, String> r : all) {
                byPartition
                        .computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(r.value());
            }
            for (int p = 0; p < PARTITIONS; p++) {
                assertEquals(List.of("first-" + p, "second-" + p), byPartition.get(p), "partition " + p);
            }
            assertTrue(serving.maps() < 65_530 && afterRestart.maps() < 65_530, "within vm.max_map_count");

            System.out.printf(
                    "%d partitions: create %d ms, produce one each %d ms, fetch all %d ms; serving: %s;"
                            + " restart until ready %d ms (broker's own start-up: %s ms); after restart: %s%n",
                    PARTITIONS,
                    ms(t0, created),
                    ms(created, produced),
                    ms(produced, fetched),
                    serving,
                    ms(restartStart, restarted),
                    startupMs(broker.log()),
                    afterRestart);
            if (IDLE_SECONDS > 0) {
                // Not a wait for an event: the reading is of a broker left idle this long, so that
                // what it gives back when idle (heap, native arenas) shows.
                Thread.sleep(Duration.ofSeconds(IDLE_SECONDS));
                System.out.printf(
                        "%d partitions: after %d s idle: %s%n", PARTITIONS, IDLE_SECONDS, Usage.of(broker.pid()));
            }
        }
    }

    private static void produceOnePerPartition(BrokerProcess broker, String topic, String prefix) throws Exception {
        try (KafkaProducer<String, String> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                sent.add(producer.send(new ProducerRecord<>(topic, p, null, prefix + "-" + p)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(BrokerProcess broker, String topic) {
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
            return Clients.readToEnd(consumer, topic, PARTITIONS, Duration.ofSeconds(120));
        }
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** The last "started in N ms" the broker logged. */
    private static String startupMs(String log) {
        Matcher m = Pattern.compile("started in (\\d+) ms").matcher(log);
        String last = "?";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** A process's memory (RSS split into anonymous and file pages), mappings and open files. */
    record Usage(long rssKb, long rssAnonKb, long rssFileKb, long maps, long fds) {
        static Usage of(long pid) throws IOException {
            Path proc = Path.of("/proc", Long.toString(pid));
            Map<String, Long> status = new HashMap<>();
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                String[] parts = line.split(":\\s+");
                if (parts.length == 2 && parts[1].endsWith(" kB")) {
                    status.put(
                            parts[0],
                            Long.parseLong(
                                    parts[1].substring(0, parts[1].length() - 3).trim()));
                }
            }
            long maps;
            try (Stream<String> lines = Files.lines(proc.resolve("maps"))) {
                maps = lines.count();
            }
            long fds;
            try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
                fds = entries.count();
            }
            return new Usage(
                    status.getOrDefault("VmRSS", -1L),
                    status.getOrDefault("RssAnon", -1L),
                    status.getOrDefault("RssFile", -1L),
                    maps,
                    fds);
        }

        @Override
        public String toString() {
            return String.format(
                    "RSS %d MiB (anonymous %d MiB, file pages %d MiB), %d mappings, %d open files",
                    rssKb / 1024, rssAnonKb / 1024, rssFileKb / 1024, maps, fds);
        }
    }
}

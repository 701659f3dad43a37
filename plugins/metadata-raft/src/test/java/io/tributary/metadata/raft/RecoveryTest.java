package io.tributary.metadata.raft;

import static io.tributary.metadata.raft.TestStores.await;
import static io.tributary.metadata.raft.TestStores.createOne;
import static io.tributary.metadata.raft.TestStores.openWithBrokers;
import static io.tributary.metadata.raft.TestStores.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataException;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.plugin.PluginException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {
    @TempDir
    Path dir;

    private Path logDir() {
        return dir.resolve("__cluster_metadata-0");
    }

    private Path firstSegment() {
        return logDir().resolve("00000000000000000000.log");
    }

    /** Brokers, topics, partitions, configs, producer ids and a deletion: every record type the store writes. */
    private static void populate(MetadataStore store) {
        createOne(store, new NewTopic("orders", 3, (short) 1, List.of(), Map.of("retention.ms", "60000")));
        UUID doomed =
                createOne(store, topic("doomed", 1, 1)).image().orElseThrow().id();
        UUID grows =
                createOne(store, topic("grows", 1, 1)).image().orElseThrow().id();
        await(store.createPartitions(grows, 4, List.of(), false));
        await(store.deleteTopics(List.of(doomed)));
        Map<String, String> changes = new HashMap<>();
        changes.put("retention.ms", null);
        changes.put("cleanup.policy", "compact");
        await(store.alterConfigs(ConfigResource.topic("orders"), changes, false));
        await(store.alterConfigs(ConfigResource.clusterDefault(), Map.of("log.retention.hours", "1"), false));
        await(store.allocateProducerIds(1));
        await(store.allocateProducerIds(1));
    }

    @Test
    void shouldReplayToAnEqualImageAfterReopen() {
        MetadataImage before;
        String clusterId;
        try (MetadataStore store = openWithBrokers(dir, 2)) {
            populate(store);
            before = store.image();
            clusterId = store.clusterId();
        }
        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(before, store.image());
            assertEquals(clusterId, store.clusterId());
            assertEquals(2000, store.image().nextProducerId());
            assertTrue(store.image().topic("doomed").isEmpty());
        }
    }

    @Test
    void shouldContinueOffsetsAfterReopen() {
        long offset;
        try (MetadataStore store = openWithBrokers(dir, 1)) {
            createOne(store, topic("a", 1, 1));
            offset = store.image().offset();
        }
        try (MetadataStore store = TestStores.open(dir)) {
            createOne(store, topic("b", 1, 1));
            assertTrue(store.image().offset() > offset);
        }
        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(
                    List.of("a", "b"),
                    store.image().topicsByName().keySet().stream().sorted().toList());
        }
    }

    @Test
    void shouldGenerateAndKeepAKafkaStyleClusterId() throws IOException {
        String clusterId;
        try (MetadataStore store = TestStores.open(dir)) {
            clusterId = store.clusterId();
        }
        assertTrue(clusterId.matches("[A-Za-z0-9_-]{22}"), clusterId);
        assertFalse(clusterId.startsWith("-"));
        Properties meta = new Properties();
        try (var reader = Files.newBufferedReader(dir.resolve("meta.properties"))) {
            meta.load(reader);
        }
        assertEquals(Map.of("version", "1", "cluster.id", clusterId, "node.id", "1"), Map.copyOf(meta));

        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(clusterId, store.clusterId());
        }
        Path other = dir.resolve("other");
        try (MetadataStore store = TestStores.open(other)) {
            assertNotEquals(clusterId, store.clusterId());
        }
    }

    @Test
    void shouldRefuseADirectoryOfAnotherNode() {
        TestStores.open(dir).close();

        MetadataException e = assertThrows(
                MetadataException.class,
                () -> new RaftMetadataProvider().open(TestStores.context(dir, 2, Map.of(), Map.of())));
        assertTrue(e.getMessage().contains("node.id 1"), e.getMessage());
        assertTrue(e.getMessage().contains("node.id 2"), e.getMessage());
    }

    @Test
    void shouldDiscardATornBatchAtTheTail() throws IOException {
        MetadataImage committed;
        long sizeBefore;
        try (MetadataStore store = openWithBrokers(dir, 1)) {
            populate(store);
            committed = store.image();
            sizeBefore = Files.size(firstSegment());
            createOne(store, topic("torn", 8, 1));
        }
        long sizeAfter = Files.size(firstSegment());
        truncate(firstSegment(), sizeBefore + (sizeAfter - sizeBefore) / 2);

        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(committed, store.image());
            assertEquals(sizeBefore, Files.size(firstSegment()), "the torn bytes are gone");
            assertTrue(createOne(store, topic("torn", 1, 1)).succeeded(), "the log takes new writes");
        }
        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(1, store.image().topic("torn").orElseThrow().partitionCount());
        }
    }

    @Test
    void shouldDiscardAnIncompleteBatchHeaderAtTheTail() throws IOException {
        MetadataImage committed;
        try (MetadataStore store = openWithBrokers(dir, 1)) {
            populate(store);
            committed = store.image();
        }
        append(firstSegment(), new byte[] {0, 0, 1});

        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(committed, store.image());
        }
    }

    @Test
    void shouldDiscardGarbageAppendedToTheLog() throws IOException {
        MetadataImage committed;
        try (MetadataStore store = openWithBrokers(dir, 1)) {
            populate(store);
            committed = store.image();
        }
        byte[] garbage = new byte[4096];
        new java.util.Random(42).nextBytes(garbage);
        ByteBuffer.wrap(garbage).putInt(0, 100); // a plausible length, whose CRC cannot match
        append(firstSegment(), garbage);

        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(committed, store.image());
        }
    }

    @Test
    void shouldDiscardZeroesLeftByACrashAtTheTail() throws IOException {
        MetadataImage committed;
        try (MetadataStore store = openWithBrokers(dir, 1)) {
            populate(store);
            committed = store.image();
        }
        append(firstSegment(), new byte[512]);

        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(committed, store.image());
        }
    }

    @Test
    void shouldRefuseToOpenWithACorruptBatchInTheMiddle() throws IOException {
        try (MetadataStore store = openWithBrokers(dir, 1)) {
            populate(store);
        }
        // Flip a byte inside the first batch's body (segment header 20 bytes, frame header 8).
        flipByte(firstSegment(), 20 + 8 + 12);

        MetadataException e = assertThrows(MetadataException.class, () -> TestStores.open(dir));
        assertTrue(e.getMessage().contains("damaged in the middle"), e.getMessage());
        assertTrue(e.getMessage().contains(firstSegment().toString()), e.getMessage());
    }

    @Test
    void shouldRefuseToOpenWhenTheLengthOfAMiddleBatchIsDamaged() throws IOException {
        try (MetadataStore store = openWithBrokers(dir, 1)) {
            populate(store);
        }
        flipByte(firstSegment(), 20); // the top byte of the first batch's length

        MetadataException e = assertThrows(MetadataException.class, () -> TestStores.open(dir));
        assertTrue(e.getMessage().contains("damaged in the middle"), e.getMessage());
    }

    @Test
    void shouldReplaySnapshotAndLogToTheSameImageAsTheFullLog() throws IOException {
        MetadataImage fullReplay;
        try (MetadataStore store = openWithBrokers(dir, 2)) {
            populate(store);
            fullReplay = store.image();
        }
        // Opening with a tiny interval snapshots at once, at the end of the log, and trims it.
        Map<String, String> often = Map.of("snapshot.interval.records", "3");
        try (MetadataStore store = TestStores.open(dir, often, Map.of())) {
            assertEquals(fullReplay, store.image());
        }
        assertEquals(1, countFiles(".checkpoint"));
        assertFalse(Files.exists(firstSegment()), "the log before the snapshot is trimmed");

        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(fullReplay, store.image());
        }
    }

    @Test
    void shouldReplaySnapshotFollowedByLogEntries() throws IOException {
        MetadataImage expected;
        Map<String, String> often = Map.of("snapshot.interval.records", "10");
        try (MetadataStore store = TestStores.open(dir, often, Map.of())) {
            await(store.registerBroker(TestStores.broker(1)));
            for (int i = 0; i < 30; i++) {
                createOne(store, topic("t" + i, 2, 1));
            }
            await(store.allocateProducerIds(1));
            expected = store.image();
        }
        assertEquals(1, countFiles(".checkpoint"), "older snapshots are deleted");
        try (MetadataStore store = TestStores.open(dir, often, Map.of())) {
            assertEquals(expected, store.image());
            assertEquals(30, store.image().topicsByName().size());
        }
        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(expected, store.image());
        }
    }

    @Test
    void shouldSnapshotByBytesToo() throws IOException {
        Map<String, String> bySize = Map.of("snapshot.interval.bytes", "200");
        MetadataImage expected;
        try (MetadataStore store = TestStores.open(dir, bySize, Map.of())) {
            await(store.registerBroker(TestStores.broker(1)));
            createOne(store, topic("big", 8, 1));
            expected = store.image();
        }
        assertEquals(1, countFiles(".checkpoint"));
        try (MetadataStore store = TestStores.open(dir)) {
            assertEquals(expected, store.image());
        }
    }

    @Test
    void shouldRefuseToOpenWithADamagedSnapshot() throws IOException {
        try (MetadataStore store = TestStores.open(dir, Map.of("snapshot.interval.records", "1"), Map.of())) {
            await(store.registerBroker(TestStores.broker(1)));
        }
        Path snapshot;
        try (Stream<Path> files = Files.list(logDir())) {
            snapshot = files.filter(p -> p.toString().endsWith(".checkpoint"))
                    .findFirst()
                    .orElseThrow();
        }
        flipByte(snapshot, 30);

        MetadataException e = assertThrows(MetadataException.class, () -> TestStores.open(dir));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void shouldRejectInvalidSettingsWithThePluginException() {
        PluginException e = assertThrows(
                PluginException.class, () -> TestStores.open(dir, Map.of("snapshot.interval.records", "0"), Map.of()));
        assertTrue(e.getMessage().contains("snapshot.interval.records"), e.getMessage());
        assertThrows(PluginException.class, () -> TestStores.open(dir, Map.of(), Map.of("num.partitions", "x")));
    }

    private long countFiles(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(logDir())) {
            return files.filter(p -> p.toString().endsWith(suffix)).count();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, position);
        }
    }
}

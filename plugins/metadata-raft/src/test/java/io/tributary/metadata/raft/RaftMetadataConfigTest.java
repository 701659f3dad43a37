package io.tributary.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.metadata.raft.controller.TopicDefaults;
import io.tributary.spi.plugin.PluginSettings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RaftMetadataConfigTest {

    @Test
    void shouldHaveRecordedDefaults() {
        assertEquals(
                new RaftMetadataConfig(10_000, 20L * 1024 * 1024, new TopicDefaults(1, (short) 1)),
                RaftMetadataConfig.defaults());
    }

    @Test
    void shouldMapEveryKey() {
        PluginSettings settings = new PluginSettings(
                Map.of("snapshot.interval.records", "5", "snapshot.interval.bytes", "4096"),
                Map.of("num.partitions", "3", "default.replication.factor", "2", "log.dirs", "/tmp/x"));
        assertEquals(
                new RaftMetadataConfig(5, 4096, new TopicDefaults(3, (short) 2)), RaftMetadataConfig.from(settings));
    }

    @Test
    void shouldRejectInvalidValuesNamingTheKey() {
        assertRejected(Map.of("snapshot.interval.records", "0"), Map.of(), "snapshot.interval.records");
        assertRejected(Map.of("snapshot.interval.bytes", "-1"), Map.of(), "snapshot.interval.bytes");
        assertRejected(Map.of("snapshot.interval.bytes", "lots"), Map.of(), "snapshot.interval.bytes");
        assertRejected(Map.of(), Map.of("num.partitions", "0"), "num.partitions");
        assertRejected(Map.of(), Map.of("default.replication.factor", "x"), "default.replication.factor");
        assertRejected(Map.of(), Map.of("default.replication.factor", "40000"), "default.replication.factor");
    }

    @Test
    void shouldReportUnknownOwnKeys() {
        PluginSettings settings =
                new PluginSettings(Map.of("snapshot.interval.records", "5", "snapshot.intervall.bytes", "1"), Map.of());
        assertEquals(Set.of("snapshot.intervall.bytes"), RaftMetadataConfig.unknownKeys(settings));
    }

    private static void assertRejected(Map<String, String> own, Map<String, String> broker, String key) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RaftMetadataConfig.from(new PluginSettings(own, broker)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}

package io.tributary.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void shouldRecordTheDefaults() {
        BrokerConfig c = BrokerConfig.defaults();
        assertEquals(1, c.nodeId());
        assertEquals(List.of(new Listener("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")), c.listeners());
        assertEquals(c.listeners(), c.advertisedListeners());
        assertEquals(List.of(Path.of("./data")), c.logDirs());
        assertEquals(Path.of("./data"), c.metadataDir());
        assertEquals(1, c.getInt(BrokerConfigDef.NUM_PARTITIONS));
        assertEquals((short) 1, c.getShort(BrokerConfigDef.DEFAULT_REPLICATION_FACTOR));
        assertTrue(c.getBoolean(BrokerConfigDef.AUTO_CREATE_TOPICS_ENABLE));
        assertEquals(104857600, c.getInt(BrokerConfigDef.SOCKET_REQUEST_MAX_BYTES));
        assertEquals(1048588, c.getInt(BrokerConfigDef.MESSAGE_MAX_BYTES));
        assertEquals(168 * 3_600_000L, c.logRetentionMs());
        assertEquals(168 * 3_600_000L, c.logRollMs());
        assertEquals(Long.MAX_VALUE, c.getLong("log.flush.interval.messages"));
        assertEquals(300_000L, c.getLong(BrokerConfigDef.LOG_RETENTION_CHECK_INTERVAL_MS));
        assertEquals("mmap", c.getString(BrokerConfigDef.STORAGE_PLUGIN));
        assertEquals("raft", c.getString(BrokerConfigDef.METADATA_PLUGIN));
        assertEquals(List.of(), c.unknownKeys());
    }

    @Test
    void shouldMapEveryDefinedKey() {
        Map<String, String> props = new HashMap<>();
        for (ConfigDef.Key key : BrokerConfigDef.DEF.keys().values()) {
            props.put(key.name(), sample(key));
        }
        props.put("listeners", "PLAINTEXT://127.0.0.1:9999");
        props.remove("advertised.listeners");
        BrokerConfig c = BrokerConfig.from(props);
        for (ConfigDef.Key key : BrokerConfigDef.DEF.keys().values()) {
            assertEquals(
                    ConfigDef.parseType(key.name(), props.get(key.name()), key.type()),
                    c.value(key.name()),
                    key.name());
        }
    }

    private static String sample(ConfigDef.Key key) {
        if (key.defaultValue() != null) {
            return DescribedConfig.format(key.defaultValue());
        }
        return switch (key.type()) {
            case INT, SHORT, LONG -> "1";
            case DOUBLE -> "0.5";
            case BOOLEAN -> "true";
            case LIST -> "a,b";
            default -> "x";
        };
    }

    @Test
    void shouldPreferTheMostSpecificRetentionKey() {
        assertEquals(
                7_000L,
                BrokerConfig.from(Map.of("log.retention.ms", "7000", "log.retention.hours", "1"))
                        .logRetentionMs());
        assertEquals(
                120_000L,
                BrokerConfig.from(Map.of("log.retention.minutes", "2")).logRetentionMs());
        assertEquals(-1L, BrokerConfig.from(Map.of("log.retention.hours", "-1")).logRetentionMs());
    }

    @Test
    void shouldRejectInvalidValuesNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("num.partitions", "0")));
        assertTrue(e.getMessage().contains("num.partitions"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("auto.create.topics.enable", "yes")));
        assertTrue(e.getMessage().contains("auto.create.topics.enable"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("socket.request.max.bytes", "lots")));
        assertTrue(e.getMessage().contains("socket.request.max.bytes"), e.getMessage());
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "PLAINTEXT://127.0.0.1")));
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("listeners", "FOO://127.0.0.1:1")));
    }

    @Test
    void shouldReportUnknownKeysButNotPluginKeys() {
        BrokerConfig c =
                BrokerConfig.from(Map.of("no.such.key", "1", "storage.mmap.anything", "2", "zookeeper.connect", "x"));
        assertEquals(List.of("no.such.key", "zookeeper.connect"), c.unknownKeys());
        assertEquals(Map.of("anything", "2"), c.withPrefix("storage.mmap."));
    }

    @Test
    void shouldParseListenersAndAdvertisedListeners() {
        BrokerConfig c = BrokerConfig.from(Map.of(
                "listeners", "PLAINTEXT://:9092,INTERNAL://127.0.0.2:9093",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT",
                "advertised.listeners", "PLAINTEXT://broker.example:19092"));
        assertEquals(
                new Listener("PLAINTEXT", "", 9092, "PLAINTEXT"), c.listeners().get(0));
        assertEquals(
                new Listener("INTERNAL", "127.0.0.2", 9093, "PLAINTEXT"),
                c.listeners().get(1));
        assertEquals(List.of(new Listener("PLAINTEXT", "broker.example", 19092, "PLAINTEXT")), c.advertisedListeners());
    }
}

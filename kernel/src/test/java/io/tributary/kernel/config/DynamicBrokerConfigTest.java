package io.tributary.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicBrokerConfigTest {

    private static MetadataImage image(Map<String, String> clusterDefault, Map<String, String> perBroker) {
        return new MetadataImage(
                1,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(ConfigResource.clusterDefault(), clusterDefault, ConfigResource.broker(1), perBroker),
                0);
    }

    private static DescribedConfig find(List<DescribedConfig> all, String name) {
        return all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void shouldLayerPerBrokerOverClusterDefaultOverServerProperties() {
        DynamicBrokerConfig config = new DynamicBrokerConfig(BrokerConfig.from(Map.of("message.max.bytes", "5000")));
        assertEquals(5000, config.current().getInt("message.max.bytes"));
        assertTrue(config.update(image(Map.of("message.max.bytes", "6000"), Map.of())));
        assertEquals(6000, config.current().getInt("message.max.bytes"));
        assertTrue(config.update(image(Map.of("message.max.bytes", "6000"), Map.of("message.max.bytes", "7000"))));
        assertEquals(7000, config.current().getInt("message.max.bytes"));
        assertFalse(config.update(image(Map.of("message.max.bytes", "6000"), Map.of("message.max.bytes", "7000"))));
        assertTrue(config.update(image(Map.of(), Map.of())));
        assertEquals(5000, config.current().getInt("message.max.bytes"));
    }

    @Test
    void shouldIgnoreStoredChangesToReadOnlyKeys() {
        DynamicBrokerConfig config = new DynamicBrokerConfig(BrokerConfig.defaults());
        config.update(image(Map.of("node.id", "9", "custom.plugin.key", "x"), Map.of()));
        assertEquals(1, config.current().nodeId());
        DescribedConfig custom = find(config.describe(false), "custom.plugin.key");
        // As Kafka: a key it does not know may be secret, so its value is not shown.
        assertTrue(custom.sensitive());
        assertNull(custom.value());
    }

    @Test
    void shouldRefuseReadOnlyKeysAndBadValuesButAcceptUnknownKeys() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> DynamicBrokerConfig.validate(Map.of("log.dirs", "/x", "node.id", "2"), true));
        assertEquals("Cannot update these configs dynamically: Set(log.dirs, node.id)", e.getMessage());
        assertThrows(ConfigException.class, () -> DynamicBrokerConfig.validate(Map.of("log.retention.ms", "x"), false));
        assertThrows(
                ConfigException.class, () -> DynamicBrokerConfig.validate(Map.of("log.segment.bytes", "10"), true));
        Map<String, String> removal = new HashMap<>();
        removal.put("log.cleaner.threads", null);
        DynamicBrokerConfig.validate(removal, true);
        DynamicBrokerConfig.validate(Map.of("some.custom.key", "anything"), false);
    }

    @Test
    void shouldDescribeBrokerKeysWithKafkasSourcesAndSynonyms() {
        DynamicBrokerConfig config = new DynamicBrokerConfig(BrokerConfig.from(Map.of("log.retention.hours", "10")));
        config.update(image(Map.of("log.retention.ms", "2000"), Map.of("log.cleaner.threads", "4")));
        List<DescribedConfig> all = config.describe(true);

        DescribedConfig ms = find(all, "log.retention.ms");
        assertEquals("2000", ms.value());
        assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, ms.source());
        assertFalse(ms.readOnly());
        assertEquals(
                List.of(
                        new DescribedConfig.Synonym(
                                "log.retention.ms", "2000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                        new DescribedConfig.Synonym("log.retention.hours", "10", ConfigSource.STATIC_BROKER_CONFIG),
                        new DescribedConfig.Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)),
                ms.synonyms());
        DescribedConfig hours = find(all, "log.retention.hours");
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, hours.source());
        assertEquals(2, hours.synonyms().size());

        DescribedConfig threads = find(all, "log.cleaner.threads");
        assertEquals("4", threads.value());
        assertEquals(ConfigSource.DYNAMIC_BROKER_CONFIG, threads.source());

        DescribedConfig logDirs = find(all, "log.dirs");
        assertTrue(logDirs.readOnly());
        assertNull(logDirs.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, logDirs.source());
        assertEquals(ConfigDef.Type.LIST, logDirs.type());
        assertTrue(logDirs.documentation() != null && !logDirs.documentation().isEmpty());

        List<DescribedConfig> defaults = config.describe(false);
        assertEquals(
                List.of("log.retention.ms"),
                defaults.stream().map(DescribedConfig::name).toList());
        assertTrue(defaults.getFirst().synonyms().stream()
                .noneMatch(s -> s.source() == ConfigSource.DYNAMIC_BROKER_CONFIG));
    }

    @Test
    void shouldGiveTopicsTheDynamicDefaults() {
        DynamicBrokerConfig config = new DynamicBrokerConfig(BrokerConfig.defaults());
        config.update(image(Map.of("log.retention.minutes", "3"), Map.of()));
        assertEquals(
                180_000L, TopicConfigs.resolve(Map.of(), config.current()).log().retentionMs());
        DescribedConfig retention =
                find(TopicConfigs.describe(Map.of(), config.current(), config.layers()), "retention.ms");
        assertEquals("180000", retention.value());
        // log.retention.ms is not set anywhere, so Kafka reports the value without synonyms.
        assertEquals(ConfigSource.DEFAULT_CONFIG, retention.source());
    }
}

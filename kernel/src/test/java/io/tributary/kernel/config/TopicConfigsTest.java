package io.tributary.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {

    @Test
    void shouldResolveBrokerDefaultsWhenNothingIsOverridden() {
        TopicConfig c = TopicConfigs.resolve(Map.of(), BrokerConfig.defaults());
        assertEquals(1073741824, c.log().segmentBytes());
        assertEquals(604800000L, c.log().retentionMs());
        assertEquals(-1L, c.log().retentionBytes());
        assertTrue(c.log().deleteCleanup());
        assertFalse(c.log().compactCleanup());
        assertEquals(1048588, c.maxMessageBytes());
        assertFalse(c.logAppendTime());
        assertEquals("producer", c.compressionType());
    }

    @Test
    void shouldTakeTopicOverridesThenBrokerKeys() {
        BrokerConfig broker = BrokerConfig.from(Map.of("log.retention.hours", "1", "log.segment.bytes", "2097152"));
        TopicConfig c = TopicConfigs.resolve(
                Map.of(
                        "retention.ms",
                        "2000",
                        "cleanup.policy",
                        "compact,delete",
                        "message.timestamp.type",
                        "LogAppendTime"),
                broker);
        assertEquals(2000L, c.log().retentionMs());
        assertEquals(2097152, c.log().segmentBytes());
        assertTrue(c.log().compactCleanup());
        assertTrue(c.log().deleteCleanup());
        assertTrue(c.logAppendTime());
    }

    @Test
    void shouldRejectUnknownNamesAndInvalidValues() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("retention.foo", "1")));
        assertTrue(e.getMessage().contains("retention.foo"));
        e = assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("retention.ms", "-5")));
        assertTrue(e.getMessage().contains("retention.ms"));
        assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("cleanup.policy", "compact,shred")));
        assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("segment.bytes", "1000")));
        assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("min.cleanable.dirty.ratio", "1.5")));
        assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of("compression.type", "brotli")));
    }

    @Test
    void shouldDescribeSourcesAndSynonyms() {
        BrokerConfig broker = BrokerConfig.from(Map.of("log.retention.bytes", "1000"));
        List<DescribedConfig> described = TopicConfigs.describe(Map.of("retention.ms", "5000"), broker);
        DescribedConfig retentionMs = find(described, "retention.ms");
        assertEquals("5000", retentionMs.value());
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, retentionMs.source());
        // As Kafka: log.retention.ms is unset and the hours default is not its synonym entry.
        assertEquals(
                List.of(new DescribedConfig.Synonym("retention.ms", "5000", ConfigSource.DYNAMIC_TOPIC_CONFIG)),
                retentionMs.synonyms());
        DescribedConfig retentionBytes = find(described, "retention.bytes");
        assertEquals("1000", retentionBytes.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, retentionBytes.source());
        DescribedConfig segmentBytes = find(described, "segment.bytes");
        assertEquals("1073741824", segmentBytes.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, segmentBytes.source());
        assertEquals(
                List.of(new DescribedConfig.Synonym("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG)),
                segmentBytes.synonyms());
        assertEquals(TopicConfigs.definitions().size(), described.size());
    }

    @Test
    void shouldDescribeDynamicBrokerLayersInKafkasOrder() {
        BrokerConfig staticConfig = BrokerConfig.from(Map.of("log.retention.hours", "10"));
        ConfigLayers layers = new ConfigLayers(
                Map.of("log.retention.ms", "1000"),
                Map.of("log.retention.ms", "2000", "log.retention.minutes", "3"),
                staticConfig.originals(),
                BrokerConfigDef.defaultsAsText());
        BrokerConfig effective = BrokerConfig.from(Map.of("log.retention.hours", "10", "log.retention.ms", "1000"));
        DescribedConfig retention = find(TopicConfigs.describe(Map.of(), effective, layers), "retention.ms");
        assertEquals("1000", retention.value());
        assertEquals(ConfigSource.DYNAMIC_BROKER_CONFIG, retention.source());
        assertEquals(
                List.of(
                        new DescribedConfig.Synonym("log.retention.ms", "1000", ConfigSource.DYNAMIC_BROKER_CONFIG),
                        new DescribedConfig.Synonym(
                                "log.retention.ms", "2000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                        new DescribedConfig.Synonym(
                                "log.retention.minutes", "3", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                        new DescribedConfig.Synonym("log.retention.hours", "10", ConfigSource.STATIC_BROKER_CONFIG),
                        new DescribedConfig.Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)),
                retention.synonyms());
    }

    @Test
    void shouldNormalizeOverrideTextAsKafkaDoes() {
        DescribedConfig policy = find(
                TopicConfigs.describe(Map.of("cleanup.policy", "compact, delete"), BrokerConfig.defaults()),
                "cleanup.policy");
        assertEquals("compact,delete", policy.value());
    }

    private static DescribedConfig find(List<DescribedConfig> all, String name) {
        return all.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }
}

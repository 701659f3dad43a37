package io.tributary.tests.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DescribeConfigs, IncrementalAlterConfigs and AlterConfigs for topics and brokers through the Admin client. */
class ConfigsAdminTest {
    private static InProcessBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(Map.of("log.retention.hours", "100"));
        admin = Clients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "1");
    private static final ConfigResource BROKER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");

    private static Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(
                        List.of(resource),
                        new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
                .all()
                .get()
                .get(resource);
    }

    private static void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    private static AlterConfigOp op(String name, String value, AlterConfigOp.OpType type) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private static Throwable cause(ExecutionException e) {
        return e.getCause();
    }

    @Test
    void shouldDescribeTopicConfigsWithKafkasSourcesSynonymsTypesAndDocumentation() throws Exception {
        Clients.createTopic(broker.bootstrap(), "describe-me", 1, Map.of("retention.ms", "5000"));
        Config config = describe(topic("describe-me"));

        ConfigEntry retention = config.get("retention.ms");
        assertEquals("5000", retention.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertEquals(ConfigEntry.ConfigType.LONG, retention.type());
        assertFalse(retention.isReadOnly());
        assertFalse(retention.isSensitive());
        assertTrue(
                retention.documentation() != null && !retention.documentation().isBlank());
        assertEquals(
                ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
                retention.synonyms().getFirst().source());
        // log.retention.hours from server.properties is not log.retention.ms: Kafka lists no synonym for it.
        assertEquals(1, retention.synonyms().size());

        ConfigEntry segment = config.get("segment.bytes");
        assertEquals("1073741824", segment.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, segment.source());
        assertEquals("log.segment.bytes", segment.synonyms().getFirst().name());
        assertEquals(ConfigEntry.ConfigType.INT, segment.type());

        ConfigEntry policy = config.get("cleanup.policy");
        assertEquals("delete", policy.value());
        assertEquals(ConfigEntry.ConfigType.LIST, policy.type());

        ConfigEntry maxMessage = config.get("max.message.bytes");
        assertEquals("1048588", maxMessage.value());
        assertEquals("message.max.bytes", maxMessage.synonyms().getFirst().name());
    }

    @Test
    void shouldDescribeOnlyTheRequestedKeysWhenAsked() throws Exception {
        Clients.createTopic(broker.bootstrap(), "some-keys", 1, Map.of());
        assertTrue(describe(topic("some-keys")).entries().size() >= 30);
        DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(false);
        data.resources()
                .add(new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName("some-keys")
                        .setConfigurationKeys(List.of("retention.ms", "segment.bytes", "not.a.config")));
        try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
            DescribeConfigsResponse response =
                    (DescribeConfigsResponse) raw.call(new DescribeConfigsRequest.Builder(data).build((short) 4));
            DescribeConfigsResponseData.DescribeConfigsResult result =
                    response.data().results().getFirst();
            assertEquals(Errors.NONE.code(), result.errorCode());
            assertEquals(
                    List.of("retention.ms", "segment.bytes"),
                    result.configs().stream()
                            .map(DescribeConfigsResponseData.DescribeConfigsResourceResult::name)
                            .sorted()
                            .toList());
            assertTrue(result.configs().stream().allMatch(c -> c.synonyms().isEmpty()));
        }
    }

    @Test
    void shouldSetDeleteAppendAndSubtractTopicConfigs() throws Exception {
        Clients.createTopic(broker.bootstrap(), "incremental", 1, Map.of("retention.ms", "1000"));
        ConfigResource t = topic("incremental");
        alter(
                t,
                set("segment.ms", "60000"),
                op("retention.ms", null, AlterConfigOp.OpType.DELETE),
                op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        Config config = describe(t);
        assertEquals("60000", config.get("segment.ms").value());
        assertEquals(
                ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
                config.get("segment.ms").source());
        assertEquals(
                String.valueOf(100 * 3_600_000L), config.get("retention.ms").value());
        assertEquals(
                ConfigEntry.ConfigSource.DEFAULT_CONFIG,
                config.get("retention.ms").source());
        assertEquals("delete,compact", config.get("cleanup.policy").value());

        alter(t, op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT));
        assertEquals("compact", describe(t).get("cleanup.policy").value());
    }

    @Test
    void shouldRejectBadTopicConfigChangesWithKafkasErrors() throws Exception {
        Clients.createTopic(broker.bootstrap(), "strict", 1, Map.of());
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> alter(topic("strict"), set("retention.ms", "soon")));
        assertInstanceOf(InvalidConfigurationException.class, cause(e));
        e = assertThrows(ExecutionException.class, () -> alter(topic("strict"), set("retention.bogus", "1")));
        assertInstanceOf(InvalidConfigurationException.class, cause(e));
        assertTrue(cause(e).getMessage().contains("retention.bogus"));
        e = assertThrows(ExecutionException.class, () -> alter(topic("strict"), set("segment.bytes", "10")));
        assertInstanceOf(InvalidConfigurationException.class, cause(e));
        e = assertThrows(
                ExecutionException.class,
                () -> alter(topic("strict"), op("retention.ms", "5", AlterConfigOp.OpType.APPEND)));
        assertInstanceOf(InvalidConfigurationException.class, cause(e));
        e = assertThrows(ExecutionException.class, () -> alter(topic("no-such-topic"), set("retention.ms", "1")));
        assertInstanceOf(UnknownTopicOrPartitionException.class, cause(e));
        e = assertThrows(ExecutionException.class, () -> describe(topic("no-such-topic")));
        assertInstanceOf(UnknownTopicOrPartitionException.class, cause(e));
        assertEquals(
                ConfigEntry.ConfigSource.DEFAULT_CONFIG,
                describe(topic("strict")).get("retention.ms").source());
    }

    @Test
    void shouldValidateOnlyWithoutChangingAnything() throws Exception {
        Clients.createTopic(broker.bootstrap(), "validate-only", 1, Map.of());
        admin.incrementalAlterConfigs(
                        Map.of(topic("validate-only"), List.of(set("retention.ms", "1234"))),
                        new AlterConfigsOptions().validateOnly(true))
                .all()
                .get();
        assertEquals(
                ConfigEntry.ConfigSource.DEFAULT_CONFIG,
                describe(topic("validate-only")).get("retention.ms").source());
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> admin.incrementalAlterConfigs(
                                Map.of(topic("validate-only"), List.of(set("retention.ms", "x"))),
                                new AlterConfigsOptions().validateOnly(true))
                        .all()
                        .get());
        assertInstanceOf(InvalidConfigurationException.class, cause(e));
    }

    @Test
    void shouldApplyATopicConfigChangeToTheLivePartition() throws Exception {
        Clients.createTopic(broker.bootstrap(), "live-limit", 1, Map.of());
        String big = "x".repeat(20_000);
        try (KafkaProducer<String, String> producer = Clients.producer(
                broker.bootstrap(), Map.of(ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.LINGER_MS_CONFIG, 0))) {
            producer.send(new ProducerRecord<>("live-limit", big)).get();
            alter(topic("live-limit"), set("max.message.bytes", "10000"));
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("live-limit", big)).get());
            assertInstanceOf(RecordTooLargeException.class, cause(e));
            alter(topic("live-limit"), op("max.message.bytes", null, AlterConfigOp.OpType.DELETE));
            producer.send(new ProducerRecord<>("live-limit", big)).get();
        }
    }

    @Test
    void shouldReplaceEveryTopicConfigWithTheLegacyAlterConfigs() throws Exception {
        Clients.createTopic(broker.bootstrap(), "legacy", 1, Map.of("retention.ms", "1000", "segment.ms", "70000"));
        // The Admin client no longer offers the legacy API (Kafka 4.0 removed it); tools and older clients still send
        // it.
        AlterConfigsRequest.Builder request = new AlterConfigsRequest.Builder(
                Map.of(
                        topic("legacy"),
                        new AlterConfigsRequest.Config(
                                List.of(new AlterConfigsRequest.ConfigEntry("flush.messages", "5")))),
                false);
        try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
            AlterConfigsResponse response = (AlterConfigsResponse) raw.call(request.build((short) 2));
            assertEquals(
                    Errors.NONE.code(), response.data().responses().getFirst().errorCode());
        }
        Config config = describe(topic("legacy"));
        assertEquals("5", config.get("flush.messages").value());
        assertEquals(
                ConfigEntry.ConfigSource.DEFAULT_CONFIG,
                config.get("retention.ms").source());
        assertEquals(
                ConfigEntry.ConfigSource.DEFAULT_CONFIG,
                config.get("segment.ms").source());
    }

    @Test
    void shouldDescribeTheBrokersStaticAndReadOnlyConfigs() throws Exception {
        Config config = describe(BROKER);
        ConfigEntry hours = config.get("log.retention.hours");
        assertEquals("100", hours.value());
        assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, hours.source());
        assertFalse(hours.isReadOnly());
        assertEquals(
                List.of(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, ConfigEntry.ConfigSource.DEFAULT_CONFIG),
                hours.synonyms().stream().map(ConfigEntry.ConfigSynonym::source).toList());
        ConfigEntry logDirs = config.get("log.dirs");
        assertTrue(logDirs.isReadOnly());
        assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, logDirs.source());
        ConfigEntry retentionMs = config.get("log.retention.ms");
        assertNull(retentionMs.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, retentionMs.source());
        assertEquals(ConfigEntry.ConfigType.LONG, retentionMs.type());
        assertEquals("1", config.get("node.id").value());
        assertTrue(config.get("node.id").isReadOnly());
    }

    @Test
    void shouldSetAndDeleteDynamicBrokerConfigsPerBrokerAndClusterWide() throws Exception {
        alter(BROKER, set("log.cleaner.threads", "2"));
        alter(BROKER_DEFAULT, set("log.cleaner.threads", "3"));
        ConfigEntry threads = describe(BROKER).get("log.cleaner.threads");
        assertEquals("2", threads.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG, threads.source());
        assertEquals(
                List.of(
                        ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG,
                        ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                        ConfigEntry.ConfigSource.DEFAULT_CONFIG),
                threads.synonyms().stream()
                        .map(ConfigEntry.ConfigSynonym::source)
                        .toList());
        Collection<ConfigEntry> defaults = describe(BROKER_DEFAULT).entries();
        assertEquals(1, defaults.size(), defaults.toString());
        assertEquals(
                ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                defaults.iterator().next().source());

        alter(BROKER, op("log.cleaner.threads", null, AlterConfigOp.OpType.DELETE));
        assertEquals("3", describe(BROKER).get("log.cleaner.threads").value());
        alter(BROKER_DEFAULT, op("log.cleaner.threads", null, AlterConfigOp.OpType.DELETE));
        ConfigEntry back = describe(BROKER).get("log.cleaner.threads");
        assertEquals("1", back.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, back.source());
        assertTrue(describe(BROKER_DEFAULT).entries().isEmpty());
    }

    @Test
    void shouldRefuseReadOnlyAndInvalidBrokerConfigs() throws Exception {
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> alter(BROKER, set("log.dirs", "/tmp/elsewhere")));
        assertInstanceOf(InvalidConfigurationException.class, cause(e));
        assertTrue(cause(e).getMessage().contains("Cannot update these configs dynamically"), cause(e).getMessage());
        e = assertThrows(ExecutionException.class, () -> alter(BROKER_DEFAULT, set("log.retention.ms", "soon")));
        assertInstanceOf(InvalidConfigurationException.class, cause(e));
        // The Admin client itself refuses a broker name that is not a number; older clients send it.
        for (String name : List.of("not-a-number", "7")) {
            DescribeConfigsRequestData data = new DescribeConfigsRequestData();
            data.resources()
                    .add(new DescribeConfigsRequestData.DescribeConfigsResource()
                            .setResourceType(ConfigResource.Type.BROKER.id())
                            .setResourceName(name));
            try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
                DescribeConfigsResponse response =
                        (DescribeConfigsResponse) raw.call(new DescribeConfigsRequest.Builder(data).build((short) 4));
                assertEquals(
                        Errors.INVALID_REQUEST.code(),
                        response.data().results().getFirst().errorCode());
            }
        }
    }

    @Test
    void shouldApplyClusterWideBrokerConfigsToTopicsWithoutOverrides() throws Exception {
        Clients.createTopic(broker.bootstrap(), "follows-broker", 1, Map.of());
        alter(BROKER_DEFAULT, set("message.max.bytes", "10000"), set("log.retention.ms", "3600000"));
        try {
            Config config = describe(topic("follows-broker"));
            assertEquals("10000", config.get("max.message.bytes").value());
            assertEquals(
                    ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                    config.get("max.message.bytes").source());
            assertEquals("3600000", config.get("retention.ms").value());
            try (KafkaProducer<String, String> producer =
                    Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.RETRIES_CONFIG, 0))) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("follows-broker", "y".repeat(20_000)))
                                .get());
                assertInstanceOf(RecordTooLargeException.class, cause(e));
            }
        } finally {
            alter(
                    BROKER_DEFAULT,
                    op("message.max.bytes", null, AlterConfigOp.OpType.DELETE),
                    op("log.retention.ms", null, AlterConfigOp.OpType.DELETE));
        }
        Await.until(
                "the topic to follow the default again",
                Duration.ofSeconds(10),
                () -> "1048588"
                        .equals(uncheckedDescribe(topic("follows-broker"))
                                .get("max.message.bytes")
                                .value()));
    }

    private static Config uncheckedDescribe(ConfigResource r) {
        try {
            return describe(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

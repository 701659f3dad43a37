package io.tributary.kernel.config;

import static io.tributary.kernel.config.ConfigDef.Type.BOOLEAN;
import static io.tributary.kernel.config.ConfigDef.Type.DOUBLE;
import static io.tributary.kernel.config.ConfigDef.Type.INT;
import static io.tributary.kernel.config.ConfigDef.Type.LIST;
import static io.tributary.kernel.config.ConfigDef.Type.LONG;
import static io.tributary.kernel.config.ConfigDef.Type.STRING;
import static io.tributary.kernel.config.ConfigDef.atLeast;
import static io.tributary.kernel.config.ConfigDef.between;
import static io.tributary.kernel.config.ConfigDef.in;

import io.tributary.spi.storage.LogConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Kafka's topic-level configs: names, types, validation, and the broker key each one takes its
 * default from (its synonym, as DescribeConfigs reports). {@link #resolve} turns a topic's
 * overrides plus the broker's configuration into the effective {@link TopicConfig}.
 */
public final class TopicConfigs {
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

    /**
     * A topic key with the broker key that supplies its default, and how to read that default
     * from a {@link BrokerConfig} (some broker keys have several synonyms, e.g. retention).
     */
    public record Definition(ConfigDef.Key key, String brokerSynonym, Function<BrokerConfig, Object> brokerDefault) {}

    private static final Map<String, Definition> DEFINITIONS = new LinkedHashMap<>();
    public static final ConfigDef DEF;

    static {
        ConfigDef.Builder b = ConfigDef.builder();
        def(
                b,
                CLEANUP_POLICY,
                LIST,
                ConfigDef.validList(true, "delete", "compact"),
                "log.cleanup.policy",
                "What happens to old segments: \"delete\" them after retention, \"compact\" to the last record"
                        + " per key, or both.");
        def(
                b,
                COMPRESSION_TYPE,
                STRING,
                in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                "compression.type",
                "The compression of stored batches; \"producer\" keeps what the producer sent.");
        def(b, "compression.gzip.level", INT, null, "compression.gzip.level", "The gzip level when re-compressing.");
        def(
                b,
                "compression.lz4.level",
                INT,
                between(1, 17),
                "compression.lz4.level",
                "The lz4 level when re-compressing.");
        def(
                b,
                "compression.zstd.level",
                INT,
                between(-131072, 22),
                "compression.zstd.level",
                "The zstd level when re-compressing.");
        def(
                b,
                "delete.retention.ms",
                LONG,
                atLeast(0),
                "log.cleaner.delete.retention.ms",
                "How long tombstones of compacted topics are kept.");
        def(
                b,
                "file.delete.delay.ms",
                LONG,
                atLeast(0),
                "log.segment.delete.delay.ms",
                "How long a deleted segment's files wait before they are removed.");
        def(
                b,
                FLUSH_MESSAGES,
                LONG,
                atLeast(1),
                "log.flush.interval.messages",
                "Sync the log after this many messages; 1 syncs before acknowledging.");
        defFn(
                b,
                FLUSH_MS,
                LONG,
                atLeast(0),
                "log.flush.interval.ms",
                BrokerConfig::logFlushIntervalMs,
                "Sync the log at least this often.");
        def(
                b,
                "follower.replication.throttled.replicas",
                LIST,
                null,
                null,
                "Replicas whose follower fetches are throttled.");
        def(
                b,
                "index.interval.bytes",
                INT,
                atLeast(0),
                "log.index.interval.bytes",
                "Bytes between offset index entries.");
        def(
                b,
                "leader.replication.throttled.replicas",
                LIST,
                null,
                null,
                "Replicas whose leader side of replication is throttled.");
        def(
                b,
                "local.retention.bytes",
                LONG,
                atLeast(-2),
                "log.local.retention.bytes",
                "Local retention of tiered topics; -2 follows retention.bytes.");
        def(
                b,
                "local.retention.ms",
                LONG,
                atLeast(-2),
                "log.local.retention.ms",
                "Local retention of tiered topics; -2 follows retention.ms.");
        def(
                b,
                "max.compaction.lag.ms",
                LONG,
                atLeast(1),
                "log.cleaner.max.compaction.lag.ms",
                "The longest a record stays uncompacted.");
        def(b, MAX_MESSAGE_BYTES, INT, atLeast(0), "message.max.bytes", "The largest record batch the topic accepts.");
        def(
                b,
                "message.timestamp.after.max.ms",
                LONG,
                atLeast(0),
                "log.message.timestamp.after.max.ms",
                "How far in the future a record's timestamp may be.");
        def(
                b,
                "message.timestamp.before.max.ms",
                LONG,
                atLeast(0),
                "log.message.timestamp.before.max.ms",
                "How far in the past a record's timestamp may be.");
        def(
                b,
                MESSAGE_TIMESTAMP_TYPE,
                STRING,
                in("CreateTime", "LogAppendTime"),
                "log.message.timestamp.type",
                "Whether records keep the producer's timestamp or get the broker's append time.");
        def(
                b,
                "min.cleanable.dirty.ratio",
                DOUBLE,
                between(0, 1),
                "log.cleaner.min.cleanable.ratio",
                "The dirty share of the log that triggers compaction.");
        def(
                b,
                "min.compaction.lag.ms",
                LONG,
                atLeast(0),
                "log.cleaner.min.compaction.lag.ms",
                "The shortest a record stays uncompacted.");
        def(
                b,
                MIN_INSYNC_REPLICAS,
                INT,
                atLeast(1),
                "min.insync.replicas",
                "In-sync replicas needed to acknowledge acks=all.");
        def(b, "preallocate", BOOLEAN, null, "log.preallocate", "Preallocate segment files.");
        defFixed(b, "remote.log.copy.disable", BOOLEAN, null, false, "Stop copying to tiered storage.");
        defFixed(b, "remote.log.delete.on.disable", BOOLEAN, null, false, "Delete tiered data when disabled.");
        defFixed(b, "remote.storage.enable", BOOLEAN, null, false, "Tiered storage for this topic.");
        def(
                b,
                RETENTION_BYTES,
                LONG,
                null,
                "log.retention.bytes",
                "Keep at most this many bytes per partition; -1 for no limit.");
        defFn(
                b,
                RETENTION_MS,
                LONG,
                atLeast(-1),
                "log.retention.ms",
                BrokerConfig::logRetentionMs,
                "Keep data this long; -1 for ever.");
        def(b, SEGMENT_BYTES, INT, atLeast(1024 * 1024), "log.segment.bytes", "The size of one log segment.");
        def(
                b,
                "segment.index.bytes",
                INT,
                atLeast(4),
                "log.index.size.max.bytes",
                "The size of a segment's offset index.");
        defFn(
                b,
                "segment.jitter.ms",
                LONG,
                atLeast(0),
                "log.roll.jitter.ms",
                BrokerConfig::logRollJitterMs,
                "Random jitter on time-based segment rolls.");
        defFn(
                b,
                SEGMENT_MS,
                LONG,
                atLeast(1),
                "log.roll.ms",
                BrokerConfig::logRollMs,
                "Roll the active segment at least this often.");
        def(
                b,
                "unclean.leader.election.enable",
                BOOLEAN,
                null,
                "unclean.leader.election.enable",
                "Allow an out-of-sync replica to become leader.");
        DEF = b.build();
    }

    private static void def(
            ConfigDef.Builder b, String name, ConfigDef.Type type, ConfigDef.Validator v, String syn, String doc) {
        if (syn == null) {
            Object empty = type == LIST ? List.of() : null;
            defFixed(b, name, type, v, empty, doc);
            return;
        }
        defFn(b, name, type, v, syn, broker -> broker.value(syn), doc);
    }

    private static void defFn(
            ConfigDef.Builder b,
            String name,
            ConfigDef.Type type,
            ConfigDef.Validator v,
            String syn,
            Function<BrokerConfig, Object> fromBroker,
            String doc) {
        Object brokerDefault = fromBroker.apply(BrokerConfig.defaults());
        b.define(name, type, brokerDefault, v, doc);
        DEFINITIONS.put(name, new Definition(key(name, type, brokerDefault, v, doc), syn, fromBroker));
    }

    private static void defFixed(
            ConfigDef.Builder b, String name, ConfigDef.Type type, ConfigDef.Validator v, Object d, String doc) {
        b.define(name, type, d, v, doc);
        DEFINITIONS.put(name, new Definition(key(name, type, d, v, doc), null, broker -> d));
    }

    private static ConfigDef.Key key(String name, ConfigDef.Type type, Object d, ConfigDef.Validator v, String doc) {
        return new ConfigDef.Key(name, type, d, v, false, doc);
    }

    private TopicConfigs() {}

    public static Map<String, Definition> definitions() {
        return java.util.Collections.unmodifiableMap(DEFINITIONS);
    }

    /**
     * Checks topic overrides: every key known, every value valid.
     *
     * @throws ConfigException naming the first bad key
     */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!DEFINITIONS.containsKey(e.getKey())) {
                throw new ConfigException("Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new ConfigException("Null value not supported for topic configs: " + e.getKey());
            }
            DEF.parse(e.getKey(), e.getValue());
        }
    }

    /** The typed value of {@code name}: the override if present, else the broker's default. */
    public static Object value(String name, Map<String, String> overrides, BrokerConfig broker) {
        Definition d = DEFINITIONS.get(name);
        if (d == null) {
            throw new IllegalArgumentException("Unknown topic config " + name);
        }
        String raw = overrides.get(name);
        return raw != null ? DEF.parse(name, raw) : d.brokerDefault().apply(broker);
    }

    /** The effective configuration of a topic. */
    public static TopicConfig resolve(Map<String, String> overrides, BrokerConfig broker) {
        @SuppressWarnings("unchecked")
        List<String> policy = (List<String>) value(CLEANUP_POLICY, overrides, broker);
        LogConfig log = new LogConfig(
                (Integer) value(SEGMENT_BYTES, overrides, broker),
                (Long) value(SEGMENT_MS, overrides, broker),
                (Integer) value("index.interval.bytes", overrides, broker),
                (Integer) value("segment.index.bytes", overrides, broker),
                (Long) value(RETENTION_MS, overrides, broker),
                (Long) value(RETENTION_BYTES, overrides, broker),
                (Long) value(FLUSH_MESSAGES, overrides, broker),
                (Long) value(FLUSH_MS, overrides, broker),
                policy.contains("delete"),
                policy.contains("compact"),
                (Long) value("delete.retention.ms", overrides, broker),
                (Long) value("min.compaction.lag.ms", overrides, broker),
                (Long) value("max.compaction.lag.ms", overrides, broker),
                (Double) value("min.cleanable.dirty.ratio", overrides, broker),
                (Long) value("file.delete.delay.ms", overrides, broker));
        return new TopicConfig(
                log,
                (Integer) value(MAX_MESSAGE_BYTES, overrides, broker),
                "LogAppendTime".equalsIgnoreCase((String) value(MESSAGE_TIMESTAMP_TYPE, overrides, broker)),
                (Long) value("message.timestamp.before.max.ms", overrides, broker),
                (Long) value("message.timestamp.after.max.ms", overrides, broker),
                (Integer) value(MIN_INSYNC_REPLICAS, overrides, broker),
                (String) value(COMPRESSION_TYPE, overrides, broker));
    }

    /** Every topic config as a broker without dynamic configs would describe it. */
    public static List<DescribedConfig> describe(Map<String, String> overrides, BrokerConfig broker) {
        return describe(overrides, broker, ConfigLayers.ofStatic(broker));
    }

    /**
     * Every topic config of a topic, sorted by name, as Kafka's DescribeConfigs reports it: the
     * override if set (DYNAMIC_TOPIC_CONFIG), else the value the broker's configuration gives,
     * with the source of the broker key that supplies it (dynamic per-broker, dynamic default,
     * static, default). Synonyms list the override, then that broker key in each layer that sets
     * it, as Kafka does (so a value derived from {@code log.retention.hours} alone has none).
     *
     * @param broker the effective broker configuration
     * @param layers where the broker's values come from
     */
    public static List<DescribedConfig> describe(
            Map<String, String> overrides, BrokerConfig broker, ConfigLayers layers) {
        List<DescribedConfig> out = new java.util.ArrayList<>();
        for (Definition d : DEFINITIONS.values()) {
            String name = d.key().name();
            List<DescribedConfig.Synonym> synonyms = new java.util.ArrayList<>();
            String override = overrides.get(name);
            String value;
            if (override != null) {
                value = DescribedConfig.format(DEF.parse(name, override));
                synonyms.add(new DescribedConfig.Synonym(name, value, ConfigSource.DYNAMIC_TOPIC_CONFIG));
            } else {
                value = DescribedConfig.format(d.brokerDefault().apply(broker));
            }
            if (d.brokerSynonym() != null) {
                synonyms.addAll(layers.synonyms(d.brokerSynonym(), BrokerConfigDef.synonyms(d.brokerSynonym()), false));
            }
            ConfigSource source = synonyms.isEmpty()
                    ? ConfigSource.DEFAULT_CONFIG
                    : synonyms.getFirst().source();
            out.add(new DescribedConfig(
                    name,
                    value,
                    source,
                    false,
                    false,
                    d.key().type(),
                    List.copyOf(synonyms),
                    d.key().documentation()));
        }
        out.sort(java.util.Comparator.comparing(DescribedConfig::name));
        return out;
    }

    /** True when {@code name} is a topic config. */
    public static boolean isKnown(String name) {
        return DEFINITIONS.containsKey(name);
    }

    /** The type of topic config {@code name}, if it is one. */
    public static java.util.Optional<ConfigDef.Type> type(String name) {
        return java.util.Optional.ofNullable(DEFINITIONS.get(name))
                .map(d -> d.key().type());
    }
}

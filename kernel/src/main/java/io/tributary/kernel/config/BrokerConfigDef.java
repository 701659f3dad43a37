package io.tributary.kernel.config;

import static io.tributary.kernel.config.ConfigDef.Type.BOOLEAN;
import static io.tributary.kernel.config.ConfigDef.Type.DOUBLE;
import static io.tributary.kernel.config.ConfigDef.Type.INT;
import static io.tributary.kernel.config.ConfigDef.Type.LIST;
import static io.tributary.kernel.config.ConfigDef.Type.LONG;
import static io.tributary.kernel.config.ConfigDef.Type.SHORT;
import static io.tributary.kernel.config.ConfigDef.Type.STRING;
import static io.tributary.kernel.config.ConfigDef.atLeast;
import static io.tributary.kernel.config.ConfigDef.between;
import static io.tributary.kernel.config.ConfigDef.in;

/**
 * The broker keys Tributary understands: Kafka's own names, types and defaults (except where
 * noted: the default listener and data directory suit a single local broker), plus the plugin
 * selection keys, which are Tributary's own.
 */
public final class BrokerConfigDef {
    public static final String NODE_ID = "node.id";
    public static final String BROKER_ID = "broker.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String QUEUED_MAX_REQUESTS = "queued.max.requests";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String BROKER_RACK = "broker.rack";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    /** Tributary's: the finalized transaction.version feature level (Kafka sets it at format time). */
    public static final String TRANSACTION_VERSION = "transaction.version";

    /** Tributary's plugin selection keys. */
    public static final String STORAGE_PLUGIN = "storage.plugin";

    public static final String METADATA_PLUGIN = "metadata.plugin";
    public static final String REPLICATION_PLUGIN = "replication.plugin";
    public static final String AUTH_PLUGIN = "auth.plugin";
    public static final String PROCESSING_PLUGINS = "processing.plugins";
    public static final String PLUGIN_PATH = "plugin.path";

    public static final ConfigDef DEF = ConfigDef.builder()
            .define(NODE_ID, INT, 1, atLeast(0), "This node's id in the cluster.")
            .define(BROKER_ID, INT, null, atLeast(-1), "Older name of node.id.")
            .define(PROCESS_ROLES, LIST, java.util.List.of("broker", "controller"), "The roles this node plays.")
            .define(
                    "controller.quorum.voters",
                    LIST,
                    java.util.List.of(),
                    "Metadata quorum voters as id@host:port (multi-node metadata).")
            .define(
                    "controller.quorum.bootstrap.servers",
                    LIST,
                    java.util.List.of(),
                    "Metadata quorum bootstrap endpoints.")
            .define("controller.listener.names", LIST, java.util.List.of(), "Listeners used by the controller.")
            .define(
                    LISTENERS,
                    LIST,
                    java.util.List.of("PLAINTEXT://127.0.0.1:9092"),
                    "Listener URIs to bind (Tributary's default binds loopback).")
            .define(ADVERTISED_LISTENERS, LIST, null, "Listener URIs clients are told to use; defaults to listeners.")
            .define(
                    LISTENER_SECURITY_PROTOCOL_MAP,
                    STRING,
                    "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
                    "Listener name to security protocol.")
            .define("inter.broker.listener.name", STRING, null, "Listener used between brokers.")
            .define("security.inter.broker.protocol", STRING, "PLAINTEXT", "Security protocol between brokers.")
            .define(LOG_DIRS, LIST, null, "Directories holding partition data; overrides log.dir.")
            .define(LOG_DIR, STRING, "./data", "Directory holding partition data (Tributary's default: ./data).")
            .define(METADATA_LOG_DIR, STRING, null, "Directory of the metadata log; defaults to the first log dir.")
            .define(NUM_PARTITIONS, INT, 1, atLeast(1), "Default partition count of new topics.")
            .define(
                    DEFAULT_REPLICATION_FACTOR,
                    SHORT,
                    (short) 1,
                    atLeast(1),
                    "Default replication factor of new topics.")
            .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, true, "Create topics named by Metadata requests.")
            .define(DELETE_TOPIC_ENABLE, BOOLEAN, true, "Allow DeleteTopics.")
            .define(SOCKET_REQUEST_MAX_BYTES, INT, 104857600, atLeast(1), "Largest request frame accepted.")
            .define("socket.send.buffer.bytes", INT, 102400, "SO_SNDBUF of connections; -1 for the OS default.")
            .define("socket.receive.buffer.bytes", INT, 102400, "SO_RCVBUF of connections; -1 for the OS default.")
            .define(NUM_NETWORK_THREADS, INT, 3, atLeast(1), "Network (event loop) threads.")
            .define("num.io.threads", INT, 8, atLeast(1), "Accepted for compatibility; the request ring decides.")
            .define(QUEUED_MAX_REQUESTS, INT, 500, atLeast(1), "Requests queued before reads stop.")
            .define(MESSAGE_MAX_BYTES, INT, 1048588, atLeast(0), "Largest record batch accepted.")
            .define(FETCH_MAX_BYTES, INT, 57671680, atLeast(1024), "Largest fetch response.")
            .define("log.segment.bytes", INT, 1073741824, atLeast(1024 * 1024), "Size of one log segment.")
            .define("log.roll.ms", LONG, null, atLeast(1), "Roll segments at least this often.")
            .define("log.roll.hours", INT, 168, atLeast(1), "Roll segments at least this often, in hours.")
            .define("log.roll.jitter.ms", LONG, null, atLeast(0), "Random jitter on time-based rolls.")
            .define("log.roll.jitter.hours", INT, 0, atLeast(0), "Random jitter on time-based rolls, in hours.")
            .define("log.retention.ms", LONG, null, atLeast(-1), "Keep data this long; -1 forever.")
            .define("log.retention.minutes", INT, null, atLeast(-1), "Keep data this long, in minutes.")
            .define("log.retention.hours", INT, 168, atLeast(-1), "Keep data this long, in hours.")
            .define("log.retention.bytes", LONG, -1L, "Keep at most this many bytes per partition; -1 no limit.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, LONG, 300000L, atLeast(1), "How often retention runs.")
            .define("log.index.interval.bytes", INT, 4096, atLeast(0), "Bytes between offset index entries.")
            .define("log.index.size.max.bytes", INT, 10485760, atLeast(4), "Largest offset index.")
            .define(
                    "log.flush.interval.messages",
                    LONG,
                    Long.MAX_VALUE,
                    atLeast(1),
                    "Sync after this many messages; 1 syncs before acknowledging.")
            .define("log.flush.interval.ms", LONG, null, atLeast(0), "Sync at least this often.")
            .define(
                    LOG_FLUSH_SCHEDULER_INTERVAL_MS,
                    LONG,
                    Long.MAX_VALUE,
                    atLeast(0),
                    "How often the flusher checks log.flush.interval.ms.")
            .define("log.flush.offset.checkpoint.interval.ms", INT, 60000, atLeast(0), "Accepted for compatibility.")
            .define(
                    "log.cleanup.policy",
                    LIST,
                    java.util.List.of("delete"),
                    ConfigDef.validList(true, "delete", "compact"),
                    "Default cleanup policy.")
            .define("log.cleaner.enable", BOOLEAN, true, "Run the log cleaner (compaction).")
            .define("log.cleaner.threads", INT, 1, atLeast(0), "Compaction threads.")
            .define("log.cleaner.backoff.ms", LONG, 15000L, atLeast(0), "Pause between compaction checks.")
            .define(
                    "log.cleaner.dedupe.buffer.size",
                    LONG,
                    134217728L,
                    atLeast(1024),
                    "Memory for the key maps of all cleaner threads together.")
            .define(
                    "log.cleaner.io.max.bytes.per.second",
                    DOUBLE,
                    Double.MAX_VALUE,
                    "Read and write rate of all cleaner threads together.")
            .define("log.cleaner.io.buffer.size", INT, 524288, atLeast(0), "Accepted for compatibility.")
            .define(
                    "log.cleaner.io.buffer.load.factor",
                    DOUBLE,
                    0.9,
                    between(0, 1),
                    "Accepted for compatibility (the key map's load factor is 0.9).")
            .define(
                    "num.recovery.threads.per.data.dir",
                    INT,
                    2,
                    atLeast(1),
                    "Threads per data directory for recovery at start-up and flushing at shutdown.")
            .define("background.threads", INT, 10, atLeast(1), "Threads for background work.")
            .define("max.connections", INT, Integer.MAX_VALUE, atLeast(0), "Most connections the broker accepts.")
            .define(
                    "max.connections.per.ip",
                    INT,
                    Integer.MAX_VALUE,
                    atLeast(0),
                    "Most connections the broker accepts from one address.")
            .define(
                    "log.local.retention.ms",
                    LONG,
                    -2L,
                    atLeast(-2),
                    "Local retention of tiered topics; -2 follows log.retention.ms.")
            .define(
                    "log.local.retention.bytes",
                    LONG,
                    -2L,
                    atLeast(-2),
                    "Local retention of tiered topics; -2 follows log.retention.bytes.")
            .define(
                    "log.cleaner.delete.retention.ms",
                    LONG,
                    86400000L,
                    atLeast(0),
                    "How long tombstones survive compaction.")
            .define(
                    "log.cleaner.min.compaction.lag.ms",
                    LONG,
                    0L,
                    atLeast(0),
                    "Minimum age before a record can be compacted.")
            .define(
                    "log.cleaner.max.compaction.lag.ms",
                    LONG,
                    Long.MAX_VALUE,
                    atLeast(1),
                    "Maximum age before a record must be compacted.")
            .define(
                    "log.cleaner.min.cleanable.ratio",
                    DOUBLE,
                    0.5,
                    between(0, 1),
                    "Dirty ratio that triggers compaction.")
            .define("log.segment.delete.delay.ms", LONG, 60000L, atLeast(0), "Delay before deleting a segment's files.")
            .define("log.preallocate", BOOLEAN, false, "Preallocate segment files.")
            .define(
                    "log.message.timestamp.type",
                    STRING,
                    "CreateTime",
                    in("CreateTime", "LogAppendTime"),
                    "Timestamp stored with records.")
            .define(
                    "log.message.timestamp.before.max.ms",
                    LONG,
                    Long.MAX_VALUE,
                    atLeast(0),
                    "How far in the past a record timestamp may be.")
            .define(
                    "log.message.timestamp.after.max.ms",
                    LONG,
                    3600000L,
                    atLeast(0),
                    "How far in the future a record timestamp may be.")
            .define(
                    "compression.type",
                    STRING,
                    "producer",
                    in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                    "Compression of stored batches.")
            .define("compression.gzip.level", INT, -1, "gzip level.")
            .define("compression.lz4.level", INT, 9, between(1, 17), "lz4 level.")
            .define("compression.zstd.level", INT, 3, between(-131072, 22), "zstd level.")
            .define("min.insync.replicas", INT, 1, atLeast(1), "Replicas that must acknowledge acks=all.")
            .define("unclean.leader.election.enable", BOOLEAN, false, "Allow out-of-sync leaders.")
            .define("offsets.topic.num.partitions", INT, 50, atLeast(1), "Partitions of __consumer_offsets.")
            .define(
                    "offsets.topic.replication.factor",
                    SHORT,
                    (short) 3,
                    atLeast(1),
                    "Replication factor of __consumer_offsets (capped at the broker count).")
            .define("offsets.topic.segment.bytes", INT, 104857600, atLeast(1), "Segment size of __consumer_offsets.")
            .define("offsets.retention.minutes", INT, 10080, atLeast(1), "How long offsets of empty groups live.")
            .define(
                    "offsets.retention.check.interval.ms",
                    LONG,
                    600000L,
                    atLeast(1),
                    "How often expired offsets are removed.")
            .define("offsets.commit.timeout.ms", INT, 5000, atLeast(1), "Offset commit timeout.")
            .define(
                    "group.initial.rebalance.delay.ms",
                    INT,
                    3000,
                    "Wait for more members before the first rebalance of an empty group.")
            .define("group.min.session.timeout.ms", INT, 6000, "Smallest session timeout allowed.")
            .define("group.max.session.timeout.ms", INT, 1800000, "Largest session timeout allowed.")
            .define("group.max.size", INT, Integer.MAX_VALUE, atLeast(1), "Most members in a group.")
            .define(
                    "offset.metadata.max.bytes",
                    INT,
                    4096,
                    atLeast(0),
                    "Largest metadata string stored with a committed offset.")
            .define(
                    "group.coordinator.rebalance.protocols",
                    LIST,
                    java.util.List.of("classic", "consumer"),
                    ConfigDef.validList(false, "classic", "consumer", "share", "streams"),
                    "Group protocols the coordinator serves; without 'consumer', KIP-848 groups are not offered.")
            .define(
                    "group.consumer.heartbeat.interval.ms",
                    INT,
                    5000,
                    atLeast(1),
                    "Heartbeat interval given to members of consumer-protocol (KIP-848) groups.")
            .define(
                    "group.consumer.min.heartbeat.interval.ms",
                    INT,
                    5000,
                    atLeast(1),
                    "Smallest heartbeat interval allowed for consumer-protocol groups.")
            .define(
                    "group.consumer.max.heartbeat.interval.ms",
                    INT,
                    15000,
                    atLeast(1),
                    "Largest heartbeat interval allowed for consumer-protocol groups.")
            .define(
                    "group.consumer.session.timeout.ms",
                    INT,
                    45000,
                    atLeast(1),
                    "Session timeout of members of consumer-protocol (KIP-848) groups.")
            .define(
                    "group.consumer.min.session.timeout.ms",
                    INT,
                    45000,
                    atLeast(1),
                    "Smallest session timeout allowed for consumer-protocol groups.")
            .define(
                    "group.consumer.max.session.timeout.ms",
                    INT,
                    60000,
                    atLeast(1),
                    "Largest session timeout allowed for consumer-protocol groups.")
            .define(
                    "group.consumer.assignors",
                    LIST,
                    java.util.List.of("uniform", "range"),
                    ConfigDef.validList(false, "uniform", "range"),
                    "Server-side assignors of consumer-protocol groups; the first is the default.")
            .define(
                    "group.consumer.max.size",
                    INT,
                    Integer.MAX_VALUE,
                    atLeast(1),
                    "Most members in a consumer-protocol group.")
            .define("transaction.state.log.num.partitions", INT, 50, atLeast(1), "Partitions of __transaction_state.")
            .define(
                    "transaction.state.log.replication.factor",
                    SHORT,
                    (short) 3,
                    atLeast(1),
                    "Replication factor of __transaction_state (capped at the broker count).")
            .define("transaction.state.log.min.isr", INT, 2, atLeast(1), "min.insync.replicas of __transaction_state.")
            .define(
                    "transaction.state.log.segment.bytes",
                    INT,
                    104857600,
                    atLeast(1),
                    "Segment size of __transaction_state.")
            .define(
                    "transaction.state.log.load.buffer.size",
                    INT,
                    5242880,
                    atLeast(1),
                    "Bytes read per step while loading __transaction_state.")
            .define("transaction.max.timeout.ms", INT, 900000, atLeast(1), "Longest transaction timeout allowed.")
            .define(
                    "transaction.abort.timed.out.transaction.cleanup.interval.ms",
                    INT,
                    10000,
                    atLeast(1),
                    "How often transactions past their timeout are looked for and aborted.")
            .define(
                    "transaction.remove.expired.transaction.cleanup.interval.ms",
                    INT,
                    3600000,
                    atLeast(1),
                    "How often transactional ids past transactional.id.expiration.ms are removed.")
            .define(
                    "transaction.partition.verification.enable",
                    BOOLEAN,
                    true,
                    "Check with the transaction coordinator that a partition is part of the transaction before"
                            + " a transactional batch is appended (KIP-890).")
            .define(
                    "add.partitions.to.txn.retry.backoff.ms",
                    INT,
                    20,
                    atLeast(1),
                    "Wait before asking the coordinator again when a produce finds the transaction completing.")
            .define(
                    "add.partitions.to.txn.retry.backoff.max.ms",
                    INT,
                    100,
                    atLeast(1),
                    "Give up asking the coordinator again after this long (the producer retries).")
            .define(
                    TRANSACTION_VERSION,
                    SHORT,
                    (short) 2,
                    between(0, 2),
                    "Tributary's: the finalized level of the transaction.version feature when the cluster starts;"
                            + " 2 advertises Transactions V2 (KIP-890), 1 or 0 makes clients use V1."
                            + " kafka-features upgrade/downgrade changes it for the whole cluster.")
            .define("request.timeout.ms", INT, 30000, atLeast(0), "How long a broker-side request may wait.")
            .define(
                    "transactional.id.expiration.ms",
                    INT,
                    604800000,
                    atLeast(1),
                    "Expire idle transactional ids after this long.")
            .define(
                    PRODUCER_ID_EXPIRATION_MS,
                    INT,
                    86400000,
                    atLeast(1),
                    "Expire idle idempotent producer state after this long.")
            .define(
                    PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
                    INT,
                    600000,
                    atLeast(1),
                    "How often idle producer state is looked for and expired.")
            .define(BROKER_RACK, STRING, null, "This broker's rack.")
            .define(CONNECTIONS_MAX_IDLE_MS, LONG, 600000L, "Close connections idle this long.")
            .define("replica.lag.time.max.ms", LONG, 30000L, "A follower not caught up this long leaves the ISR.")
            .define("replica.fetch.max.bytes", INT, 1048576, atLeast(0), "Follower fetch size per partition.")
            .define("replica.fetch.wait.max.ms", INT, 500, "Follower fetch wait.")
            .define("num.replica.fetchers", INT, 1, "Follower fetcher threads.")
            .define(STORAGE_PLUGIN, STRING, "mmap", "Storage plugin name.")
            .define(METADATA_PLUGIN, STRING, "raft", "Metadata plugin name.")
            .define(
                    REPLICATION_PLUGIN,
                    STRING,
                    "",
                    "Replication plugin name; empty for the built-in single-replica manager.")
            .define(AUTH_PLUGIN, STRING, "", "Authorizer plugin name; empty allows everything.")
            .define(PROCESSING_PLUGINS, LIST, java.util.List.of(), "Processing plugins to start in the broker.")
            .define(
                    PLUGIN_PATH,
                    STRING,
                    null,
                    "Folder whose subfolders each hold one plugin (its module layer); empty uses the module path.")
            .build();

    /** Key prefixes that belong to plugins and are passed to them, never warned about. */
    public static final java.util.List<String> PLUGIN_PREFIXES =
            java.util.List.of("storage.", "metadata.", "replication.", "auth.", "processing.");

    /**
     * The keys AlterConfigs may change while the broker runs, for one broker or as the cluster
     * default (Kafka's dynamic broker configs among the keys Tributary knows). Topic-default keys
     * reach every partition at once; thread-pool and cleaner sizes are kept and described but
     * the kernel sizes those itself. Other Kafka keys are read-only; keys Tributary does not
     * know are accepted as they are, as Kafka does.
     */
    public static final java.util.Set<String> DYNAMIC = java.util.Set.of(
            MESSAGE_MAX_BYTES,
            "log.segment.bytes",
            "log.roll.ms",
            "log.roll.hours",
            "log.roll.jitter.ms",
            "log.roll.jitter.hours",
            "log.index.size.max.bytes",
            "log.flush.interval.messages",
            "log.flush.interval.ms",
            LOG_FLUSH_SCHEDULER_INTERVAL_MS,
            "log.retention.bytes",
            "log.retention.ms",
            "log.retention.minutes",
            "log.retention.hours",
            "log.index.interval.bytes",
            "log.cleaner.delete.retention.ms",
            "log.cleaner.min.compaction.lag.ms",
            "log.cleaner.max.compaction.lag.ms",
            "log.segment.delete.delay.ms",
            "log.cleaner.min.cleanable.ratio",
            "log.cleanup.policy",
            "unclean.leader.election.enable",
            "min.insync.replicas",
            "compression.type",
            "compression.gzip.level",
            "compression.lz4.level",
            "compression.zstd.level",
            "log.preallocate",
            "log.message.timestamp.type",
            "log.message.timestamp.before.max.ms",
            "log.message.timestamp.after.max.ms",
            "log.local.retention.ms",
            "log.local.retention.bytes",
            "log.cleaner.threads",
            "log.cleaner.dedupe.buffer.size",
            "log.cleaner.io.buffer.size",
            "log.cleaner.io.buffer.load.factor",
            "log.cleaner.io.max.bytes.per.second",
            "log.cleaner.backoff.ms",
            "num.io.threads",
            NUM_NETWORK_THREADS,
            "num.replica.fetchers",
            "num.recovery.threads.per.data.dir",
            "background.threads",
            "max.connections",
            "max.connections.per.ip",
            PRODUCER_ID_EXPIRATION_MS,
            TRANSACTION_VERSION);

    /** True when AlterConfigs may change {@code key} (see {@link #DYNAMIC}). */
    public static boolean isDynamic(String key) {
        return DYNAMIC.contains(key);
    }

    /** True for keys Tributary defines (Kafka's and its own). */
    public static boolean isKnown(String key) {
        return DEF.key(key).isPresent();
    }

    /**
     * The broker keys that set the same thing as {@code name}, most precise first, {@code name}
     * among them (Kafka's broker synonyms: the retention, roll and flush keys in several units).
     */
    public static java.util.List<String> synonyms(String name) {
        return switch (name) {
            case "log.roll.ms", "log.roll.hours" -> java.util.List.of("log.roll.ms", "log.roll.hours");
            case "log.roll.jitter.ms", "log.roll.jitter.hours" ->
                java.util.List.of("log.roll.jitter.ms", "log.roll.jitter.hours");
            case "log.flush.interval.ms" -> java.util.List.of("log.flush.interval.ms", LOG_FLUSH_SCHEDULER_INTERVAL_MS);
            case "log.retention.ms", "log.retention.minutes", "log.retention.hours" ->
                java.util.List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours");
            default -> java.util.List.of(name);
        };
    }

    private static final java.util.Map<String, String> DEFAULTS_AS_TEXT = defaultsText();

    private static java.util.Map<String, String> defaultsText() {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (ConfigDef.Key key : DEF.keys().values()) {
            if (key.defaultValue() != null) {
                out.put(key.name(), DescribedConfig.format(key.defaultValue()));
            }
        }
        return java.util.Map.copyOf(out);
    }

    /** Every key's built-in default as text; keys without a default are absent. */
    public static java.util.Map<String, String> defaultsAsText() {
        return DEFAULTS_AS_TEXT;
    }

    private BrokerConfigDef() {}
}

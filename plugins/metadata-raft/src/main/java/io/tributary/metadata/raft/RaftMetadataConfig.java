package io.tributary.metadata.raft;

import io.tributary.metadata.raft.controller.TopicDefaults;
import io.tributary.spi.plugin.PluginSettings;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metadata-raft plugin's settings, validated when built.
 *
 * <p>Own keys ({@code metadata.raft.} in {@code server.properties}):
 *
 * <ul>
 *   <li>{@code metadata.raft.snapshot.interval.records} (default {@value #DEFAULT_SNAPSHOT_RECORDS}):
 *       write a snapshot once this many records were committed since the last one;
 *   <li>{@code metadata.raft.snapshot.interval.bytes} (default {@value #DEFAULT_SNAPSHOT_BYTES}, as
 *       Kafka's {@code metadata.log.max.record.bytes.between.snapshots}): or once this many record
 *       bytes were.
 * </ul>
 *
 * Kafka keys read from the broker's settings: {@code num.partitions} and {@code
 * default.replication.factor} (both default 1), what -1 means when creating a topic.
 *
 * @param snapshotIntervalRecords records between snapshots, at least 1
 * @param snapshotIntervalBytes record bytes between snapshots, at least 1
 * @param topicDefaults the broker's topic defaults
 */
public record RaftMetadataConfig(
        long snapshotIntervalRecords, long snapshotIntervalBytes, TopicDefaults topicDefaults) {
    public static final String SNAPSHOT_INTERVAL_RECORDS = "snapshot.interval.records";
    public static final String SNAPSHOT_INTERVAL_BYTES = "snapshot.interval.bytes";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final long DEFAULT_SNAPSHOT_RECORDS = 10_000;
    public static final long DEFAULT_SNAPSHOT_BYTES = 20L * 1024 * 1024;
    private static final Set<String> OWN_KEYS = Set.of(SNAPSHOT_INTERVAL_RECORDS, SNAPSHOT_INTERVAL_BYTES);

    public RaftMetadataConfig {
        if (snapshotIntervalRecords < 1) {
            throw new IllegalArgumentException(
                    "metadata.raft." + SNAPSHOT_INTERVAL_RECORDS + " must be at least 1: " + snapshotIntervalRecords);
        }
        if (snapshotIntervalBytes < 1) {
            throw new IllegalArgumentException(
                    "metadata.raft." + SNAPSHOT_INTERVAL_BYTES + " must be at least 1: " + snapshotIntervalBytes);
        }
        java.util.Objects.requireNonNull(topicDefaults, "topicDefaults");
    }

    /** The defaults, as with no settings at all. */
    public static RaftMetadataConfig defaults() {
        return from(PluginSettings.empty());
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the key of any invalid value
     */
    public static RaftMetadataConfig from(PluginSettings settings) {
        long records = settings.getLong(SNAPSHOT_INTERVAL_RECORDS, DEFAULT_SNAPSHOT_RECORDS);
        long bytes = settings.getLong(SNAPSHOT_INTERVAL_BYTES, DEFAULT_SNAPSHOT_BYTES);
        int numPartitions = brokerInt(settings.broker(), NUM_PARTITIONS, 1);
        int replicationFactor = brokerInt(settings.broker(), DEFAULT_REPLICATION_FACTOR, 1);
        if (replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException(
                    DEFAULT_REPLICATION_FACTOR + " must be at most " + Short.MAX_VALUE + ": " + replicationFactor);
        }
        return new RaftMetadataConfig(records, bytes, new TopicDefaults(numPartitions, (short) replicationFactor));
    }

    /** Own keys this version does not know (probably typos), for a warning. */
    public static Set<String> unknownKeys(PluginSettings settings) {
        Set<String> unknown = new TreeSet<>(settings.own().keySet());
        unknown.removeAll(OWN_KEYS);
        return unknown;
    }

    private static int brokerInt(Map<String, String> broker, String key, int defaultValue) {
        String value = broker.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + ": not an int", e);
        }
    }
}

package io.tributary.kernel.group;

import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.ConfigException;
import java.util.List;
import java.util.Locale;

/**
 * The group coordinator's settings, from the broker configuration (Kafka's keys and defaults).
 * Validated on construction: a consumer-protocol session timeout or heartbeat interval outside
 * its configured bounds fails with a {@link ConfigException}, as in Kafka.
 *
 * @param offsetsTopicPartitions {@code offsets.topic.num.partitions}
 * @param offsetsTopicReplicationFactor {@code offsets.topic.replication.factor}
 * @param offsetsTopicSegmentBytes {@code offsets.topic.segment.bytes}
 * @param offsetsRetentionMs {@code offsets.retention.minutes} in milliseconds
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetCommitTimeoutMs {@code offsets.commit.timeout.ms}: how long a write may wait for replicas
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes}
 * @param minSessionTimeoutMs {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}
 * @param maxSize {@code group.max.size}
 * @param consumerProtocolEnabled {@code group.coordinator.rebalance.protocols} has {@code consumer}
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms}
 * @param consumerAssignors {@code group.consumer.assignors}, the default first
 * @param consumerMaxSize {@code group.consumer.max.size}
 */
public record GroupConfig(
        int offsetsTopicPartitions,
        short offsetsTopicReplicationFactor,
        int offsetsTopicSegmentBytes,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int offsetCommitTimeoutMs,
        int offsetMetadataMaxBytes,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int initialRebalanceDelayMs,
        int maxSize,
        boolean consumerProtocolEnabled,
        int consumerHeartbeatIntervalMs,
        int consumerSessionTimeoutMs,
        List<String> consumerAssignors,
        int consumerMaxSize) {

    /** How long a new member may take to rejoin after MEMBER_ID_REQUIRED or a first join (Kafka's constant). */
    public static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

    public GroupConfig {
        consumerAssignors = consumerAssignors.stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .toList();
        if (consumerAssignors.isEmpty()) {
            throw new ConfigException("group.consumer.assignors must name at least one assignor");
        }
        if (minSessionTimeoutMs > maxSessionTimeoutMs) {
            throw new ConfigException("group.min.session.timeout.ms must not exceed group.max.session.timeout.ms");
        }
    }

    /**
     * Reads the group settings of a broker configuration.
     *
     * @throws ConfigException if the consumer-protocol timeouts are out of their bounds
     */
    public static GroupConfig from(BrokerConfig c) {
        int hb = c.getInt("group.consumer.heartbeat.interval.ms");
        int minHb = c.getInt("group.consumer.min.heartbeat.interval.ms");
        int maxHb = c.getInt("group.consumer.max.heartbeat.interval.ms");
        int session = c.getInt("group.consumer.session.timeout.ms");
        int minSession = c.getInt("group.consumer.min.session.timeout.ms");
        int maxSession = c.getInt("group.consumer.max.session.timeout.ms");
        if (hb < minHb || hb > maxHb) {
            throw new ConfigException("group.consumer.heartbeat.interval.ms must be between "
                    + "group.consumer.min.heartbeat.interval.ms (" + minHb + ") and "
                    + "group.consumer.max.heartbeat.interval.ms (" + maxHb + "), got " + hb);
        }
        if (session < minSession || session > maxSession) {
            throw new ConfigException("group.consumer.session.timeout.ms must be between "
                    + "group.consumer.min.session.timeout.ms (" + minSession + ") and "
                    + "group.consumer.max.session.timeout.ms (" + maxSession + "), got " + session);
        }
        if (hb >= session) {
            throw new ConfigException(
                    "group.consumer.heartbeat.interval.ms must be less than group.consumer.session.timeout.ms");
        }
        return new GroupConfig(
                c.getInt("offsets.topic.num.partitions"),
                c.getShort("offsets.topic.replication.factor"),
                c.getInt("offsets.topic.segment.bytes"),
                c.getInt("offsets.retention.minutes") * 60_000L,
                c.getLong("offsets.retention.check.interval.ms"),
                c.getInt("offsets.commit.timeout.ms"),
                c.getInt("offset.metadata.max.bytes"),
                c.getInt("group.min.session.timeout.ms"),
                c.getInt("group.max.session.timeout.ms"),
                c.getInt("group.initial.rebalance.delay.ms"),
                c.getInt("group.max.size"),
                c.getList("group.coordinator.rebalance.protocols").stream()
                        .anyMatch(p -> p.trim().equalsIgnoreCase("consumer")),
                hb,
                session,
                c.getList("group.consumer.assignors"),
                c.getInt("group.consumer.max.size"));
    }
}

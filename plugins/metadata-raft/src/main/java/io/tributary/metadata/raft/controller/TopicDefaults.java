package io.tributary.metadata.raft.controller;

/**
 * What {@code -1} means in a topic creation: Kafka's broker settings {@code num.partitions} and
 * {@code default.replication.factor}.
 */
public record TopicDefaults(int numPartitions, short replicationFactor) {
    public TopicDefaults {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("num.partitions must be at least 1: " + numPartitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("default.replication.factor must be at least 1: " + replicationFactor);
        }
    }
}

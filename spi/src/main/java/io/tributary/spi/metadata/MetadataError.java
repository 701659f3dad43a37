package io.tributary.spi.metadata;

/** Why a metadata change was refused; the kernel maps each to Kafka's error code of the same name. */
public enum MetadataError {
    TOPIC_ALREADY_EXISTS,
    UNKNOWN_TOPIC_OR_PARTITION,
    UNKNOWN_TOPIC_ID,
    INVALID_PARTITIONS,
    INVALID_REPLICATION_FACTOR,
    INVALID_REPLICA_ASSIGNMENT,
    INVALID_CONFIG,
    POLICY_VIOLATION,
    NOT_CONTROLLER,
    BROKER_NOT_AVAILABLE,
    UNKNOWN_SERVER_ERROR
}

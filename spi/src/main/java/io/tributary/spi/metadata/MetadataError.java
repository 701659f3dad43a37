package io.tributary.spi.metadata;

/** Why a metadata change was refused; the kernel maps each to Kafka's error code of the same name. */
public enum MetadataError {
    TOPIC_ALREADY_EXISTS,
    /**
     * The topic cannot be created under this name: for example it collides with an existing topic
     * once '.' and '_' are treated as equal (Kafka's metric-name collision rule).
     */
    INVALID_TOPIC_EXCEPTION,
    UNKNOWN_TOPIC_OR_PARTITION,
    UNKNOWN_TOPIC_ID,
    INVALID_PARTITIONS,
    INVALID_REPLICATION_FACTOR,
    INVALID_REPLICA_ASSIGNMENT,
    INVALID_CONFIG,
    POLICY_VIOLATION,
    NOT_CONTROLLER,
    BROKER_NOT_AVAILABLE,
    /** The request is malformed, e.g. a broker config resource whose name is not a broker id. */
    INVALID_REQUEST,
    UNKNOWN_SERVER_ERROR
}

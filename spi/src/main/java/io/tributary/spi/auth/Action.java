package io.tributary.spi.auth;

/** An operation on a named resource, with Kafka's names for both. */
public record Action(Operation operation, ResourceType resourceType, String resourceName) {
    public enum Operation {
        READ,
        WRITE,
        CREATE,
        DELETE,
        ALTER,
        DESCRIBE,
        CLUSTER_ACTION,
        DESCRIBE_CONFIGS,
        ALTER_CONFIGS,
        IDEMPOTENT_WRITE
    }

    public enum ResourceType {
        TOPIC,
        GROUP,
        CLUSTER,
        TRANSACTIONAL_ID,
        DELEGATION_TOKEN
    }
}

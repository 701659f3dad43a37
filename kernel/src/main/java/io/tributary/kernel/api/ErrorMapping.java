package io.tributary.kernel.api;

import io.tributary.protocol.Errors;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataException;
import io.tributary.spi.storage.CorruptRecordException;
import io.tributary.spi.storage.OffsetOutOfRangeException;
import io.tributary.spi.storage.StorageException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps plugin and kernel failures to Kafka error codes. */
public final class ErrorMapping {
    private ErrorMapping() {}

    public static Errors of(MetadataError error) {
        return switch (error) {
            case TOPIC_ALREADY_EXISTS -> Errors.TOPIC_ALREADY_EXISTS;
            case INVALID_TOPIC_EXCEPTION -> Errors.INVALID_TOPIC_EXCEPTION;
            case INVALID_REQUEST -> Errors.INVALID_REQUEST;
            case UNKNOWN_TOPIC_OR_PARTITION -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
            case UNKNOWN_TOPIC_ID -> Errors.UNKNOWN_TOPIC_ID;
            case INVALID_PARTITIONS -> Errors.INVALID_PARTITIONS;
            case INVALID_REPLICATION_FACTOR -> Errors.INVALID_REPLICATION_FACTOR;
            case INVALID_REPLICA_ASSIGNMENT -> Errors.INVALID_REPLICA_ASSIGNMENT;
            case INVALID_CONFIG -> Errors.INVALID_CONFIG;
            case POLICY_VIOLATION -> Errors.POLICY_VIOLATION;
            case NOT_CONTROLLER -> Errors.NOT_CONTROLLER;
            case BROKER_NOT_AVAILABLE -> Errors.BROKER_NOT_AVAILABLE;
            case UNKNOWN_SERVER_ERROR -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    /** The Kafka error for a failure thrown by a plugin or the kernel. */
    public static Errors of(Throwable t) {
        Throwable cause = unwrap(t);
        return switch (cause) {
            case MetadataException m -> of(m.error());
            case OffsetOutOfRangeException o -> Errors.OFFSET_OUT_OF_RANGE;
            case CorruptRecordException c -> Errors.CORRUPT_MESSAGE;
            case StorageException s -> Errors.KAFKA_STORAGE_ERROR;
            default -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    public static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}

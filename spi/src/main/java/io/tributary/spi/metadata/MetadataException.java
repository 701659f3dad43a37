package io.tributary.spi.metadata;

import java.util.Objects;

/** A metadata change or read failed for a reason with a Kafka error code. */
public class MetadataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final MetadataError error;

    public MetadataException(MetadataError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    public MetadataException(MetadataError error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    public MetadataError error() {
        return error;
    }
}

package io.tributary.spi.metadata;

import java.util.Optional;

/**
 * The outcome of a change to one topic.
 *
 * @param topic the topic's name (as requested, for creations)
 * @param image the topic after the change (for a validate-only creation: as it would be);
 *     empty for deletions and failures
 * @param error empty on success
 * @param message a human-readable reason for the error, if any
 */
public record TopicResult(String topic, Optional<TopicImage> image, Optional<MetadataError> error, String message) {
    public static TopicResult ok(String topic, TopicImage image) {
        return new TopicResult(topic, Optional.ofNullable(image), Optional.empty(), null);
    }

    public static TopicResult failed(String topic, MetadataError error, String message) {
        return new TopicResult(topic, Optional.empty(), Optional.of(error), message);
    }

    public boolean succeeded() {
        return error.isEmpty();
    }
}

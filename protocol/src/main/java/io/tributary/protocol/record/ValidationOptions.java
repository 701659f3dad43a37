package io.tributary.protocol.record;

/**
 * What {@link RecordValidator} accepts beyond well-formedness. Start from {@link #CLIENT_PRODUCE}
 * and adjust with the {@code with...} methods.
 *
 * @param requireKeys every record must have a (non-null) key, as on compacted topics
 * @param allowControlBatches accept control batches (only the broker itself writes them; a
 *     client's produce must not)
 * @param minTimestamp the smallest accepted record timestamp (inclusive)
 * @param maxTimestamp the largest accepted record timestamp (inclusive); the broker derives the
 *     range from its clock and {@code message.timestamp.before.max.ms} / {@code after.max.ms}
 *     for {@code CreateTime} topics, and leaves it open for {@code LogAppendTime} ones
 * @param maxUncompressedBytes the most bytes a compressed batch's records may decompress to,
 *     a guard against decompression bombs ({@link Long#MAX_VALUE}: no limit)
 */
public record ValidationOptions(
        boolean requireKeys,
        boolean allowControlBatches,
        long minTimestamp,
        long maxTimestamp,
        long maxUncompressedBytes) {

    /** A client's produce: control batches refused, keys optional, any timestamp, no size limit. */
    public static final ValidationOptions CLIENT_PRODUCE =
            new ValidationOptions(false, false, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

    /**
     * @throws IllegalArgumentException if the timestamp range is empty or the size limit is not
     *     positive
     */
    public ValidationOptions {
        if (minTimestamp > maxTimestamp) {
            throw new IllegalArgumentException(
                    "minTimestamp " + minTimestamp + " is greater than maxTimestamp " + maxTimestamp);
        }
        if (maxUncompressedBytes <= 0) {
            throw new IllegalArgumentException("maxUncompressedBytes must be positive, not " + maxUncompressedBytes);
        }
    }

    public ValidationOptions withRequireKeys(boolean required) {
        return new ValidationOptions(required, allowControlBatches, minTimestamp, maxTimestamp, maxUncompressedBytes);
    }

    public ValidationOptions withAllowControlBatches(boolean allowed) {
        return new ValidationOptions(requireKeys, allowed, minTimestamp, maxTimestamp, maxUncompressedBytes);
    }

    public ValidationOptions withTimestampRange(long min, long max) {
        return new ValidationOptions(requireKeys, allowControlBatches, min, max, maxUncompressedBytes);
    }

    public ValidationOptions withMaxUncompressedBytes(long max) {
        return new ValidationOptions(requireKeys, allowControlBatches, minTimestamp, maxTimestamp, max);
    }
}

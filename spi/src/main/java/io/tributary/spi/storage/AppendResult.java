package io.tributary.spi.storage;

/**
 * What an append stored.
 *
 * @param firstOffset base offset of the first batch appended
 * @param lastOffset last offset of the last batch appended
 * @param maxTimestamp the largest batch max-timestamp appended
 * @param offsetOfMaxTimestamp the last offset of the batch holding {@code maxTimestamp}
 * @param bytes bytes appended
 */
public record AppendResult(
        long firstOffset, long lastOffset, long maxTimestamp, long offsetOfMaxTimestamp, int bytes) {}

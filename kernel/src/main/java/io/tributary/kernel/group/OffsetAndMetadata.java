package io.tributary.kernel.group;

/**
 * A committed offset as stored in {@code __consumer_offsets}.
 *
 * @param offset the next offset the group will read
 * @param leaderEpoch the leader epoch of the last consumed record, or -1
 * @param metadata the client's metadata string (may be null)
 * @param commitTimestamp when the commit was written, in milliseconds
 * @param expireTimestamp when an OffsetCommit v2-4 retention time says it expires, or -1 to follow
 *     {@code offsets.retention.minutes}
 */
public record OffsetAndMetadata(
        long offset, int leaderEpoch, String metadata, long commitTimestamp, long expireTimestamp) {}

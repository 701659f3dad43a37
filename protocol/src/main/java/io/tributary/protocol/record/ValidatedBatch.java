package io.tributary.protocol.record;

/**
 * What {@link RecordValidator} learned while reading a batch's records, so the broker need not
 * read them again.
 *
 * @param batch the validated batch (a view of the caller's buffer)
 * @param recordCount the number of records (equal to the header's count)
 * @param maxTimestamp the largest record timestamp ({@link RecordBatch#NO_TIMESTAMP} if none is
 *     larger); for {@code CreateTime} the broker stores it with {@link
 *     RecordBatch#setMaxTimestamp}, which is a no-op when the producer wrote it right
 * @param offsetDeltaOfMaxTimestamp the offset delta of the first record with {@code
 *     maxTimestamp}, or -1 if no record has a timestamp above {@link RecordBatch#NO_TIMESTAMP}
 * @param uncompressedBytes the size of the records once decompressed (equal to their stored size
 *     for an uncompressed batch)
 */
public record ValidatedBatch(
        RecordBatch batch, int recordCount, long maxTimestamp, int offsetDeltaOfMaxTimestamp, long uncompressedBytes) {}

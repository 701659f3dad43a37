package io.tributary.protocol.record;

/**
 * Record batch bytes that cannot be accepted. The subtypes say why, so the broker can answer
 * with the matching Kafka error code:
 *
 * <ul>
 *   <li>{@link CorruptRecordException}: the bytes are damaged or not a well-formed v2 batch (bad
 *       CRC, impossible lengths, truncation). Kafka answers {@code CORRUPT_MESSAGE} (2).
 *   <li>{@link InvalidRecordException}: the batch is well-formed but not allowed here (old magic,
 *       several batches in one produce payload, a control batch from a client, a record without
 *       a key on a compacted topic). Kafka answers {@code INVALID_RECORD} (87).
 *   <li>{@link InvalidTimestampException}: a record timestamp lies outside the accepted range.
 *       Kafka answers {@code INVALID_TIMESTAMP} (32).
 * </ul>
 *
 * <p>The message says what is wrong and where (the batch, and the record when there is one).
 */
public abstract sealed class RecordException extends RuntimeException
        permits CorruptRecordException, InvalidRecordException, InvalidTimestampException {
    private static final long serialVersionUID = 1L;

    /** {@link #recordIndex()} when the problem concerns the batch as a whole. */
    public static final int NO_RECORD = -1;

    private final int recordIndex;

    RecordException(String message, int recordIndex, Throwable cause) {
        super(message, cause);
        this.recordIndex = recordIndex;
    }

    /**
     * The position (0-based) of the offending record inside its batch, or {@link #NO_RECORD} when
     * the batch as a whole is at fault. Produce responses v8+ report it as {@code batch_index}.
     */
    public int recordIndex() {
        return recordIndex;
    }
}

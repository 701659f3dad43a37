package io.tributary.spi.storage;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * One partition's log: an append-only sequence of Kafka v2 record batches, each stored exactly
 * as it arrived except for the base offset and partition leader epoch, which the log assigns.
 *
 * <p>Threading: one writer at a time (the kernel guarantees it: appends, truncation, retention,
 * deletion of records and config updates for a partition never run concurrently). Reads and
 * the offset getters are safe from any thread at any time; they see only fully appended
 * batches. {@link #sync()} may run on another thread concurrently with appends (the kernel's
 * group-commit stage): it makes durable at least everything appended before it was called.
 *
 * <p>Errors: {@link OffsetOutOfRangeException} for reads outside the log, {@link
 * StorageException} for I/O failures (the kernel answers KAFKA_STORAGE_ERROR). A failed append
 * leaves the log as it was before the call.
 */
public interface PartitionLog extends AutoCloseable {

    PartitionId id();

    /** The first offset still stored (moves with retention and {@link #deleteRecordsBefore}). */
    long logStartOffset();

    /** The offset the next appended record gets (one past the last stored offset). */
    long logEndOffset();

    /** Bytes stored, all segments together. */
    long sizeInBytes();

    /** The offset below which everything is known to be durable on disk. */
    long recoveryPoint();

    /**
     * Appends batches as the leader: assigns consecutive offsets starting at {@link
     * #logEndOffset()} by patching each batch's base offset, and stamps {@code leaderEpoch} as
     * its partition leader epoch. The kernel has validated the batches (magic 2, sizes, CRC,
     * producer sequences); the CRC does not cover the patched fields.
     *
     * @param batches one or more complete batches, from position to limit; the engine copies
     *     them and does not keep the buffer
     */
    AppendResult appendAsLeader(ByteBuffer batches, int leaderEpoch);

    /**
     * Appends batches that already carry their offsets and epochs (a follower copying its
     * leader). The first batch's base offset must equal {@link #logEndOffset()}.
     */
    AppendResult appendAsFollower(ByteBuffer batches);

    /**
     * Reads whole batches starting with the one that contains {@code offset}.
     *
     * @param offset the first offset wanted; equal to {@code maxOffset} gives an empty slice
     * @param maxBytes stop before a batch that would make the slice larger than this
     * @param maxOffset exclusive upper bound: batches whose last offset is at or beyond it are
     *     not returned (the high watermark or last stable offset)
     * @param minOneBatch return the first batch even when it is larger than {@code maxBytes}
     * @throws OffsetOutOfRangeException when {@code offset} is below {@link #logStartOffset()}
     *     or above {@link #logEndOffset()}
     */
    LogSlice read(long offset, int maxBytes, long maxOffset, boolean minOneBatch);

    /**
     * The first offset whose batch has a max timestamp at or after {@code timestamp}, with that
     * batch's timestamp, found with the time index; empty when every record is older.
     */
    Optional<TimestampOffset> offsetForTimestamp(long timestamp);

    /** The offset and timestamp of the record with the largest timestamp; empty when empty. */
    Optional<TimestampOffset> maxTimestamp();

    /**
     * Removes every batch at or after {@code offset} (a follower dropping a diverged tail). A
     * batch that straddles the offset is removed whole.
     */
    void truncateTo(long offset);

    /** Deletes everything and starts the log at {@code offset}. */
    void truncateFullyAndStartAt(long offset);

    /**
     * Moves the log start offset up to {@code offset} (DeleteRecords): reads below it fail,
     * whole segments below it are deleted. The new start offset survives a restart.
     *
     * @return the new log start offset
     */
    long deleteRecordsBefore(long offset);

    /**
     * Deletes whole segments that retention by time ({@code retention.ms}) or size ({@code
     * retention.bytes}) allows, never the active segment, and rolls the active segment when
     * {@code segment.ms} has passed. Called periodically by the kernel.
     *
     * @return how many segments were deleted
     */
    int enforceRetention(long nowMs);

    /**
     * Makes everything appended before the call durable, and advances {@link #recoveryPoint()}.
     * Many appends share one sync. Safe to call from a thread other than the writer's while the
     * writer keeps appending (including across a segment roll).
     */
    void sync();

    /** Applies a changed configuration (segment size, retention, flush policy, ...). */
    void updateConfig(LogConfig config);

    LogConfig config();

    /** The leader epochs seen in this log, each with the first offset written in it. */
    List<EpochEntry> epochEntries();

    /**
     * Persists the kernel's producer state (idempotence and transactions) as of {@code offset}.
     * Opaque to the engine. Older snapshots may be discarded.
     */
    void writeProducerSnapshot(long offset, ByteBuffer state);

    /** The newest producer-state snapshot at or below the log end offset, if any. */
    Optional<ProducerSnapshot> latestProducerSnapshot();

    /** Records an aborted transaction for read_committed fetches. */
    void appendAbortedTransaction(AbortedTxn txn);

    /**
     * The aborted transactions that overlap {@code [startOffset, upperBoundOffset)}: those whose
     * last offset is at or after {@code startOffset} and first offset is below the bound.
     */
    List<AbortedTxn> abortedTransactions(long startOffset, long upperBoundOffset);

    /** Flushes and closes; the log is unusable afterwards. Idempotent. */
    @Override
    void close();
}

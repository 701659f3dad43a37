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

    /**
     * The number of segments the log is made of now, the active one included (Kafka's {@code
     * NumLogSegments} metric). Engines without segments report 1.
     */
    int segmentCount();

    /** The offset below which everything is known to be durable on disk. */
    long recoveryPoint();

    /**
     * Appends batches as the leader: assigns consecutive offsets starting at {@link
     * #logEndOffset()} by patching each batch's base offset, and stamps {@code leaderEpoch} as
     * its partition leader epoch. The kernel has validated the batches (magic 2, sizes, CRC,
     * producer sequences); the CRC does not cover the patched fields.
     *
     * <p>When {@code leaderEpoch} is newer than the latest epoch in {@link #epochEntries()}, the
     * log records {@code (leaderEpoch, logEndOffset)} first. The engine checks the structure it
     * needs (complete batches, magic 2, sizes) but not the CRC, which the kernel has checked.
     *
     * @param batches one or more complete batches, from position to limit; the engine copies
     *     them, does not keep the buffer and does not change its content or position
     * @throws CorruptRecordException if the bytes are not whole v2 batches
     * @throws RecordBatchTooLargeException if the batches together do not fit in one segment
     * @throws StorageException if the bytes cannot be stored (full disk, I/O error); the log is
     *     unchanged
     */
    AppendResult appendAsLeader(ByteBuffer batches, int leaderEpoch);

    /**
     * Appends batches that already carry their offsets and epochs (a follower copying its
     * leader). The first batch's base offset must be at or after {@link #logEndOffset()} (a gap
     * is allowed: a compacted leader has them), and offsets must increase from batch to batch.
     * Each new leader epoch met in the batches is recorded in {@link #epochEntries()}.
     *
     * <p>Unlike a leader append, the batches may together be larger than a segment: they are
     * then stored across several segments, and a failure part-way leaves the whole batches
     * stored before it in place ({@link #logEndOffset()} tells where to fetch from again).
     *
     * @throws CorruptRecordException if the bytes are not whole v2 batches, the first base
     *     offset is below the log end offset or offsets do not increase
     * @throws RecordBatchTooLargeException if one batch is larger than a segment
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
     * @return the batches, all from one segment (a reader continues from the offset after the
     *     last one); empty when the batch holding {@code offset} ends at or beyond {@code
     *     maxOffset}, or is larger than {@code maxBytes} and {@code minOneBatch} is false
     */
    LogSlice read(long offset, int maxBytes, long maxOffset, boolean minOneBatch);

    /**
     * The first batch (at or after the log start offset) whose max timestamp is at or after
     * {@code timestamp}, found with the time index: its base offset (raised to the log start
     * offset when the batch straddles it), its max timestamp and its partition leader epoch.
     * The kernel may look inside the batch for the first record at or after {@code timestamp}.
     * Empty when every record is older.
     */
    Optional<TimestampOffset> offsetForTimestamp(long timestamp);

    /**
     * The batch holding the largest timestamp (the first such batch when several share it): that
     * timestamp, the batch's last offset (as {@link AppendResult#offsetOfMaxTimestamp()}) and its
     * partition leader epoch. Empty when the log holds no batch.
     */
    Optional<TimestampOffset> maxTimestamp();

    /**
     * Removes every batch at or after {@code offset} (a follower dropping a diverged tail). A
     * batch that straddles the offset is removed whole, so the log end offset may end up below
     * {@code offset}. Does nothing when {@code offset} is at or after the log end. Leader epochs
     * starting at or after the new end, producer snapshots above it and aborted transactions
     * whose marker is removed are dropped with the batches. The truncation is durable when the
     * call returns. A slice read earlier over the removed tail may be cut short.
     */
    void truncateTo(long offset);

    /**
     * Deletes everything (batches, epochs, producer snapshots, aborted transactions) and starts
     * the log at {@code offset}: both the log start and end offsets become {@code offset}.
     */
    void truncateFullyAndStartAt(long offset);

    /**
     * Moves the log start offset up to {@code offset} (DeleteRecords): reads below it fail,
     * whole segments below it are deleted. The new start offset survives a restart. An offset
     * at or below the current start changes nothing.
     *
     * @return the new log start offset
     * @throws OffsetOutOfRangeException if {@code offset} is above the log end offset
     */
    long deleteRecordsBefore(long offset);

    /**
     * Deletes whole segments that retention by time ({@code retention.ms}) or size ({@code
     * retention.bytes}) allows, never the active segment, and rolls the active segment when
     * {@code segment.ms} has passed. As in Kafka, when every segment including a non-empty
     * active one is past retention, the active segment is rolled first so that it can go. Also
     * deletes whole segments below the log start offset. Called periodically by the kernel.
     *
     * @return how many segments were deleted
     */
    int enforceRetention(long nowMs);

    /**
     * Compacts the log when its {@code cleanup.policy} has {@code compact} and compaction is due
     * (Kafka's log cleaner, one pass): keeps the last record of each key, tombstones until their
     * delete horizon, transaction markers until safe, and nothing of aborted transactions. A call
     * that finds nothing to do returns {@link CompactionResult.Outcome#NOT_NEEDED} at once, so the
     * kernel may call it often.
     *
     * <p>What is compacted: the segments below the first uncleanable offset, which is the
     * smallest of the active segment's base offset (the active segment is never compacted), the
     * request's {@link CompactionRequest#maxOffset()} and the first offset of the first segment
     * whose newest record is younger than {@code min.compaction.lag.ms}. A pass is due when the
     * part of that range not compacted yet (the dirty part) is more than {@code
     * min.cleanable.dirty.ratio} of it, when a dirty record is older than {@code
     * max.compaction.lag.ms}, or when a tombstone's or marker's delete horizon has passed.
     *
     * <p>Rules (Kafka's): a record is kept when no later record in the dirty part has its key
     * (records without a key are dropped); a tombstone (null value) that is the last of its key
     * is kept, and its batch stamped with a delete horizon of {@code nowMs + delete.retention.ms}
     * ({@link RecordBatchLayout#DELETE_HORIZON_FLAG}) the first time; a pass after the horizon
     * drops it. Batches of aborted transactions ({@link #abortedTransactions}) are dropped. A
     * transaction marker is kept while data of its transaction remains, then until its own delete
     * horizon has passed. The batch holding the last offset of an active producer ({@link
     * CompactionRequest#activeProducers()}) is kept, empty if need be. Kept batches keep their
     * offsets (compaction leaves gaps), base offsets and last offset deltas; rewritten batches
     * get a new CRC. The aborted-transaction index keeps the transactions whose marker remains.
     *
     * <p>Threading: call from a background thread, never the writer's: the engine reads and
     * rewrites segments without blocking appends or reads (a reader holding a slice of a replaced
     * segment keeps reading it). Structural changes of the writer (truncation, retention, record
     * deletion, close) may wait for the short swap at the end of a pass, and a pass that loses
     * a segment to them gives up ({@link CompactionResult.Outcome#ABORTED}). Concurrent calls on
     * one log: one runs, the others return {@code ABORTED}. Crash safety: a crash at any point
     * leaves either the old segments or the compacted ones, never a mix and never less.
     *
     * @throws StorageException if reading or writing fails (the log is left as it was)
     */
    CompactionResult compact(CompactionRequest request);

    /**
     * Makes everything appended so far durable and moves {@link #recoveryPoint()} to the log
     * end offset seen at the start of the call. Many appends may share one sync. Safe to call
     * from another thread while the writer appends (unlike the other mutators).
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

package io.tributary.metadata.raft.log;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The replicated log's local storage: entries with consecutive offsets, each carrying the leader
 * epoch it was appended in, appended in batches. The log knows nothing of commitment: the
 * quorum decides which prefix is committed (its high watermark) and never truncates below it.
 *
 * <p>Not thread-safe: one thread (the quorum's) uses it at a time.
 */
public interface RaftLog extends Closeable {

    /** The first offset still held (entries below were trimmed after a snapshot). */
    long startOffset();

    /** The offset the next appended entry gets. */
    long endOffset();

    /** The epoch of the last entry, or -1 when the log holds none. */
    int lastEpoch();

    /**
     * Appends {@code records} as one batch at {@link #endOffset()}. Not durable until {@link
     * #flush()}.
     *
     * @return the batch as written
     * @throws IllegalArgumentException if {@code epoch} is below {@link #lastEpoch()}
     * @throws java.io.UncheckedIOException if the write fails; the log's tail is then unknown
     *     and the log must not be used further
     */
    LogBatch append(int epoch, long appendTimeMs, List<ByteBuffer> records);

    /** Makes every appended entry durable. @throws java.io.UncheckedIOException on failure */
    void flush();

    /**
     * Reads whole batches from the one holding {@code fromOffset}, stopping once {@code maxBytes}
     * are read (at least one batch is returned when one exists). Empty at the end of the log.
     *
     * @throws IllegalArgumentException if {@code fromOffset} is below {@link #startOffset()}
     */
    List<LogBatch> read(long fromOffset, int maxBytes);

    /**
     * The epoch of the entry at {@code offset}.
     *
     * @throws IllegalArgumentException if the log does not hold that offset
     */
    int epochOf(long offset);

    /**
     * Removes every entry at or above {@code offset}, which must be a batch boundary (or the end
     * offset): a follower drops entries that diverge from the leader's log.
     */
    void truncateTo(long offset);

    /**
     * Lets go of entries below {@code offset}, which a durable snapshot now covers. Whole files
     * are removed, so {@link #startOffset()} may stay below {@code offset}.
     */
    void trimBefore(long offset);

    /** Closes the files; appended entries not yet flushed may be lost. */
    @Override
    void close();
}

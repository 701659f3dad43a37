package io.tributary.spi.storage;

/**
 * What one {@link PartitionLog#compact} call did.
 *
 * @param outcome whether anything was compacted, and if not why
 * @param cleanedUpTo the offset below which the log is now compacted (the start of the dirty
 *     part); unchanged when nothing was done
 * @param bytesRead bytes read by the pass
 * @param bytesWritten bytes written by the pass (rewritten segments)
 * @param sizeBefore the log's size in bytes before the pass (segments it replaced)
 * @param sizeAfter the size of what replaced them
 * @param recordsRemoved records (and whole batches' records) dropped
 */
public record CompactionResult(
        Outcome outcome,
        long cleanedUpTo,
        long bytesRead,
        long bytesWritten,
        long sizeBefore,
        long sizeAfter,
        long recordsRemoved) {

    public enum Outcome {
        /** Segments were rewritten (or found unchanged) and the dirty part moved forward. */
        COMPACTED,
        /**
         * Nothing to do now: the policy is not {@code compact}, nothing is cleanable (the active
         * segment, {@code min.compaction.lag.ms}, the offset bound), or the dirty ratio is below
         * {@code min.cleanable.dirty.ratio} with no {@code max.compaction.lag.ms} or delete
         * horizon due.
         */
        NOT_NEEDED,
        /**
         * Given up, nothing changed: another compaction of the log was running, the log was
         * truncated, closed or deleted meanwhile, or the thread was interrupted.
         */
        ABORTED
    }

    public static CompactionResult notNeeded(long cleanedUpTo) {
        return new CompactionResult(Outcome.NOT_NEEDED, cleanedUpTo, 0, 0, 0, 0, 0);
    }

    public static CompactionResult aborted(long cleanedUpTo) {
        return new CompactionResult(Outcome.ABORTED, cleanedUpTo, 0, 0, 0, 0, 0);
    }
}

package io.tributary.metadata.raft.log;

/**
 * Names a snapshot as Raft does: it covers every entry below {@code endOffset}, and {@code epoch}
 * is the epoch of the last entry it covers.
 */
public record SnapshotId(long endOffset, int epoch) implements Comparable<SnapshotId> {
    public SnapshotId {
        if (endOffset <= 0) {
            throw new IllegalArgumentException("A snapshot covers at least one entry: endOffset " + endOffset);
        }
    }

    /** The offset of the last entry the snapshot covers. */
    public long lastIncludedOffset() {
        return endOffset - 1;
    }

    @Override
    public int compareTo(SnapshotId other) {
        int byOffset = Long.compare(endOffset, other.endOffset);
        return byOffset != 0 ? byOffset : Integer.compare(epoch, other.epoch);
    }
}

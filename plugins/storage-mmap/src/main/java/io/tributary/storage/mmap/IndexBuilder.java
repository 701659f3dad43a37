package io.tributary.storage.mmap;

import java.util.Arrays;

/**
 * The indexing rule, shared by the writer and by recovery so that a rebuilt index is exactly
 * the one the writer would have written: a batch gets an entry when more than {@code
 * index.interval.bytes} were appended since the previous entry; the time entry holds the largest
 * timestamp of the batches before it. Also collects entries in memory when rebuilding. Not
 * thread-safe.
 */
final class IndexBuilder {
    private final long baseOffset;
    private final int intervalBytes;
    /** Whether entries are collected (rebuilding); the writer's rule keeps no arrays. */
    private final boolean record;

    private int bytesSinceEntry;
    private long maxTimestamp = -1;
    private long offsetOfMaxTimestamp = -1;
    private int epochOfMax = -1;
    private int count;
    private int[] relOffsets;
    private int[] positions;
    private long[] timestamps;

    /** A rule that records the entries it decides on (rebuilding an index). */
    IndexBuilder(long baseOffset, int intervalBytes) {
        this.baseOffset = baseOffset;
        this.intervalBytes = intervalBytes;
        this.record = true;
        this.relOffsets = new int[16];
        this.positions = new int[16];
        this.timestamps = new long[16];
    }

    /** The writer's rule, resumed where the segment's last batch left it; records nothing. */
    IndexBuilder(
            long baseOffset,
            int intervalBytes,
            int bytesSinceEntry,
            long maxTimestamp,
            long offsetOfMaxTimestamp,
            int epochOfMax) {
        this.baseOffset = baseOffset;
        this.intervalBytes = intervalBytes;
        this.record = false;
        this.bytesSinceEntry = bytesSinceEntry;
        this.maxTimestamp = maxTimestamp;
        this.offsetOfMaxTimestamp = offsetOfMaxTimestamp;
        this.epochOfMax = epochOfMax;
    }

    /**
     * Accounts for the next batch and says whether it gets an index entry (recorded here when
     * rebuilding).
     */
    boolean add(long batchBaseOffset, long batchLastOffset, int position, int size, long batchMaxTimestamp, int epoch) {
        boolean indexed = bytesSinceEntry > intervalBytes;
        if (indexed && record) {
            if (count == relOffsets.length) {
                relOffsets = Arrays.copyOf(relOffsets, count * 2);
                positions = Arrays.copyOf(positions, count * 2);
                timestamps = Arrays.copyOf(timestamps, count * 2);
            }
            relOffsets[count] = (int) (batchBaseOffset - baseOffset);
            positions[count] = position;
            timestamps[count] = maxTimestamp;
            count++;
        }
        if (indexed) {
            bytesSinceEntry = 0;
        }
        bytesSinceEntry += size;
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = batchLastOffset;
            epochOfMax = epoch;
        }
        return indexed;
    }

    /** The time entry an indexed batch gets: the largest timestamp before it. */
    long timestampBeforeNext() {
        return maxTimestamp;
    }

    int count() {
        return count;
    }

    int relOffset(int i) {
        return relOffsets[i];
    }

    int position(int i) {
        return positions[i];
    }

    long timestamp(int i) {
        return timestamps[i];
    }

    int intervalBytes() {
        return intervalBytes;
    }

    int bytesSinceEntry() {
        return bytesSinceEntry;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    int epochOfMax() {
        return epochOfMax;
    }
}

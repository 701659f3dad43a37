package io.tributary.spi.storage;

/**
 * The storage side of a topic's configuration, with Kafka's meanings (the Kafka key of each
 * component is in brackets). The kernel resolves broker defaults and topic overrides into one
 * of these; {@link PartitionLog#updateConfig} applies a change without reopening the log.
 *
 * @param segmentBytes maximum size of one segment file ({@code segment.bytes})
 * @param segmentMs roll a segment at least this often ({@code segment.ms})
 * @param indexIntervalBytes bytes between two offset-index entries ({@code index.interval.bytes})
 * @param segmentIndexBytes maximum size of one offset or time index ({@code segment.index.bytes})
 * @param retentionMs delete segments whose newest record is older; -1 keeps forever
 *     ({@code retention.ms})
 * @param retentionBytes delete oldest segments while the log is larger; -1 for no limit
 *     ({@code retention.bytes})
 * @param flushMessages sync after this many appended messages; 1 means sync before
 *     acknowledging ({@code flush.messages})
 * @param flushMs sync at least this often ({@code flush.ms})
 * @param deleteCleanup old segments are deleted by retention ({@code cleanup.policy} has {@code
 *     delete})
 * @param compactCleanup the log is compacted ({@code cleanup.policy} has {@code compact})
 * @param deleteRetentionMs how long tombstones survive compaction ({@code delete.retention.ms})
 * @param minCompactionLagMs records younger than this are not compacted ({@code
 *     min.compaction.lag.ms})
 * @param maxCompactionLagMs records older than this are compacted whatever the dirty ratio
 *     ({@code max.compaction.lag.ms})
 * @param minCleanableDirtyRatio compact when the uncompacted share exceeds this ({@code
 *     min.cleanable.dirty.ratio})
 * @param fileDeleteDelayMs how long a deleted segment's files linger ({@code file.delete.delay.ms})
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int indexIntervalBytes,
        int segmentIndexBytes,
        long retentionMs,
        long retentionBytes,
        long flushMessages,
        long flushMs,
        boolean deleteCleanup,
        boolean compactCleanup,
        long deleteRetentionMs,
        long minCompactionLagMs,
        long maxCompactionLagMs,
        double minCleanableDirtyRatio,
        long fileDeleteDelayMs) {

    /** Kafka's defaults. */
    public static final LogConfig DEFAULT = new LogConfig(
            1024 * 1024 * 1024,
            7L * 24 * 60 * 60 * 1000,
            4096,
            10 * 1024 * 1024,
            7L * 24 * 60 * 60 * 1000,
            -1,
            Long.MAX_VALUE,
            Long.MAX_VALUE,
            true,
            false,
            24L * 60 * 60 * 1000,
            0,
            Long.MAX_VALUE,
            0.5,
            60_000);

    public LogConfig {
        if (segmentBytes < 14) {
            throw new IllegalArgumentException("segment.bytes must be at least 14: " + segmentBytes);
        }
        if (segmentMs < 1) {
            throw new IllegalArgumentException("segment.ms must be positive: " + segmentMs);
        }
        if (indexIntervalBytes < 0) {
            throw new IllegalArgumentException("index.interval.bytes must be >= 0: " + indexIntervalBytes);
        }
        if (segmentIndexBytes < 8) {
            throw new IllegalArgumentException("segment.index.bytes must be at least 8: " + segmentIndexBytes);
        }
        if (retentionMs < -1) {
            throw new IllegalArgumentException("retention.ms must be >= -1: " + retentionMs);
        }
        if (flushMessages < 1) {
            throw new IllegalArgumentException("flush.messages must be >= 1: " + flushMessages);
        }
        if (flushMs < 0) {
            throw new IllegalArgumentException("flush.ms must be >= 0: " + flushMs);
        }
        if (minCleanableDirtyRatio < 0 || minCleanableDirtyRatio > 1) {
            throw new IllegalArgumentException(
                    "min.cleanable.dirty.ratio must be in [0, 1]: " + minCleanableDirtyRatio);
        }
    }

    /** True when every append must be durable before it is acknowledged. */
    public boolean syncEveryAppend() {
        return flushMessages == 1;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** Changes a few components of a config; everything else keeps the original's value. */
    public static final class Builder {
        private int segmentBytes;
        private long segmentMs;
        private int indexIntervalBytes;
        private int segmentIndexBytes;
        private long retentionMs;
        private long retentionBytes;
        private long flushMessages;
        private long flushMs;
        private boolean deleteCleanup;
        private boolean compactCleanup;
        private long deleteRetentionMs;
        private long minCompactionLagMs;
        private long maxCompactionLagMs;
        private double minCleanableDirtyRatio;
        private long fileDeleteDelayMs;

        private Builder(LogConfig c) {
            segmentBytes = c.segmentBytes;
            segmentMs = c.segmentMs;
            indexIntervalBytes = c.indexIntervalBytes;
            segmentIndexBytes = c.segmentIndexBytes;
            retentionMs = c.retentionMs;
            retentionBytes = c.retentionBytes;
            flushMessages = c.flushMessages;
            flushMs = c.flushMs;
            deleteCleanup = c.deleteCleanup;
            compactCleanup = c.compactCleanup;
            deleteRetentionMs = c.deleteRetentionMs;
            minCompactionLagMs = c.minCompactionLagMs;
            maxCompactionLagMs = c.maxCompactionLagMs;
            minCleanableDirtyRatio = c.minCleanableDirtyRatio;
            fileDeleteDelayMs = c.fileDeleteDelayMs;
        }

        public Builder segmentBytes(int v) {
            segmentBytes = v;
            return this;
        }

        public Builder segmentMs(long v) {
            segmentMs = v;
            return this;
        }

        public Builder indexIntervalBytes(int v) {
            indexIntervalBytes = v;
            return this;
        }

        public Builder segmentIndexBytes(int v) {
            segmentIndexBytes = v;
            return this;
        }

        public Builder retentionMs(long v) {
            retentionMs = v;
            return this;
        }

        public Builder retentionBytes(long v) {
            retentionBytes = v;
            return this;
        }

        public Builder flushMessages(long v) {
            flushMessages = v;
            return this;
        }

        public Builder flushMs(long v) {
            flushMs = v;
            return this;
        }

        public Builder deleteCleanup(boolean v) {
            deleteCleanup = v;
            return this;
        }

        public Builder compactCleanup(boolean v) {
            compactCleanup = v;
            return this;
        }

        public Builder deleteRetentionMs(long v) {
            deleteRetentionMs = v;
            return this;
        }

        public Builder minCompactionLagMs(long v) {
            minCompactionLagMs = v;
            return this;
        }

        public Builder maxCompactionLagMs(long v) {
            maxCompactionLagMs = v;
            return this;
        }

        public Builder minCleanableDirtyRatio(double v) {
            minCleanableDirtyRatio = v;
            return this;
        }

        public Builder fileDeleteDelayMs(long v) {
            fileDeleteDelayMs = v;
            return this;
        }

        public LogConfig build() {
            return new LogConfig(
                    segmentBytes,
                    segmentMs,
                    indexIntervalBytes,
                    segmentIndexBytes,
                    retentionMs,
                    retentionBytes,
                    flushMessages,
                    flushMs,
                    deleteCleanup,
                    compactCleanup,
                    deleteRetentionMs,
                    minCompactionLagMs,
                    maxCompactionLagMs,
                    minCleanableDirtyRatio,
                    fileDeleteDelayMs);
        }
    }
}

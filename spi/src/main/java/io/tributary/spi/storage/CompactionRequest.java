package io.tributary.spi.storage;

import java.util.Map;
import java.util.Objects;

/**
 * What the kernel tells a log when it asks it to compact ({@link PartitionLog#compact}): the
 * facts the engine cannot know (time, the last stable offset, the producers whose state must
 * survive) and the resources it may use.
 *
 * @param nowMs the time compaction decisions are made at (lags, delete horizons)
 * @param maxOffset nothing at or above this offset is compacted: the last stable offset (never
 *     above the high watermark), so open transactions and unreplicated records are left alone
 * @param activeProducers for each producer whose idempotence or transaction state the kernel
 *     still holds, the last offset of its last batch: that batch is kept, emptied of its records
 *     if they are all superseded, so that its sequence number and epoch survive a restart (as
 *     Kafka keeps it)
 * @param offsetMapBytes memory the engine may use for the key map of one pass; a pass that
 *     meets more keys compacts what the map covered and leaves the rest for the next pass
 * @param throttle told of every byte read and written, may slow the compaction down
 * @param codec opens compressed batches; batches whose codec it does not support are kept
 *     whole and their keys ignored (so nothing is lost, only less is compacted)
 */
public record CompactionRequest(
        long nowMs,
        long maxOffset,
        Map<Long, Long> activeProducers,
        long offsetMapBytes,
        IoThrottle throttle,
        BatchCodec codec) {

    /** Kafka's {@code log.cleaner.dedupe.buffer.size} (for all cleaner threads together). */
    public static final long DEFAULT_OFFSET_MAP_BYTES = 128L * 1024 * 1024;

    public CompactionRequest {
        activeProducers = Map.copyOf(activeProducers);
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(codec, "codec");
        if (offsetMapBytes < 1024) {
            throw new IllegalArgumentException("offsetMapBytes must be at least 1024: " + offsetMapBytes);
        }
        if (maxOffset < 0) {
            throw new IllegalArgumentException("maxOffset must be >= 0: " + maxOffset);
        }
    }

    /**
     * A request at {@code nowMs} with no offset bound, no active producers, a 16 MiB map, no
     * throttle and gzip only.
     */
    public static CompactionRequest at(long nowMs) {
        return new CompactionRequest(
                nowMs, Long.MAX_VALUE, Map.of(), 16L * 1024 * 1024, IoThrottle.NONE, BatchCodec.GZIP_ONLY);
    }

    public CompactionRequest withMaxOffset(long offset) {
        return new CompactionRequest(nowMs, offset, activeProducers, offsetMapBytes, throttle, codec);
    }

    public CompactionRequest withActiveProducers(Map<Long, Long> producers) {
        return new CompactionRequest(nowMs, maxOffset, producers, offsetMapBytes, throttle, codec);
    }

    public CompactionRequest withOffsetMapBytes(long bytes) {
        return new CompactionRequest(nowMs, maxOffset, activeProducers, bytes, throttle, codec);
    }

    public CompactionRequest withThrottle(IoThrottle t) {
        return new CompactionRequest(nowMs, maxOffset, activeProducers, offsetMapBytes, t, codec);
    }

    public CompactionRequest withCodec(BatchCodec c) {
        return new CompactionRequest(nowMs, maxOffset, activeProducers, offsetMapBytes, throttle, c);
    }
}

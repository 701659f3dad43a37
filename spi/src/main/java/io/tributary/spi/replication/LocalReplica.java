package io.tributary.spi.replication;

import io.tributary.spi.storage.PartitionLog;

/**
 * A partition replica on this broker, as replication sees it. The high watermark only moves
 * forward; {@link #advanceHighWatermark} completes the produce requests (acks=all) and fetches
 * that wait for it.
 */
public interface LocalReplica {
    PartitionLog log();

    long highWatermark();

    int leaderEpoch();

    /** Raises the high watermark to {@code offset} (ignored if not higher, capped at the log end). */
    void advanceHighWatermark(long offset);
}

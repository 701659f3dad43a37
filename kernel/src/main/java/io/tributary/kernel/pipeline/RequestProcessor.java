package io.tributary.kernel.pipeline;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.network.Connection;
import io.tributary.kernel.network.PendingResponse;

/**
 * What the request handler thread does with each request. Called on that single thread only,
 * so implementations may own state (partitions, producer state) without locks.
 */
public interface RequestProcessor {

    /**
     * Handles one request. The processor owns {@code frame} and releases it when the request no
     * longer needs its bytes (after the response is built, or after a produce has been appended).
     */
    void process(Connection connection, ByteBuf frame, PendingResponse slot, long receivedNanos);

    /**
     * Called after the last event of a batch taken from the ring: the point to flush work
     * gathered across the batch (one sync for many appends: group commit).
     */
    void endOfBatch();
}

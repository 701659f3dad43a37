package io.tributary.kernel.pipeline;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.network.Connection;
import io.tributary.kernel.network.PendingResponse;

/**
 * One slot of the request ring: either a request read from a connection (its frame, without the
 * size prefix) or an internal task that must run on the request handler thread (metadata
 * changes, timeouts, retention). Slots are reused; {@link #clear()} drops references after use.
 */
public final class RequestEvent {
    Connection connection;
    ByteBuf frame;
    PendingResponse slot;
    long receivedNanos;
    Runnable task;

    void setRequest(Connection connection, ByteBuf frame, PendingResponse slot, long receivedNanos) {
        this.connection = connection;
        this.frame = frame;
        this.slot = slot;
        this.receivedNanos = receivedNanos;
        this.task = null;
    }

    void setTask(Runnable task) {
        this.connection = null;
        this.frame = null;
        this.slot = null;
        this.task = task;
    }

    void clear() {
        connection = null;
        frame = null;
        slot = null;
        task = null;
    }
}

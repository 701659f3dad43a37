package io.tributary.kernel.network;

import io.tributary.protocol.codec.Message;

/**
 * A request's place in its connection's response order. Created on the connection's event
 * loop when the request is read; completed from any thread through {@link Connection}; written
 * when every earlier response on the connection has been written. Fields are confined to the
 * event loop once the slot is completed.
 */
public final class PendingResponse {
    enum State {
        WAITING,
        READY,
        NO_RESPONSE
    }

    final int correlationId;
    State state = State.WAITING;
    Message body;
    short apiVersion;
    short headerVersion;
    Runnable onDiscard;

    PendingResponse(int correlationId) {
        this.correlationId = correlationId;
    }

    public int correlationId() {
        return correlationId;
    }

    /** Releases what the body holds (stored-data references) when it will never be written. */
    void discard() {
        Runnable r = onDiscard;
        onDiscard = null;
        body = null;
        if (r != null) {
            r.run();
        }
    }
}

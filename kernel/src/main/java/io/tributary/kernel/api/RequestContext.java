package io.tributary.kernel.api;

import io.tributary.kernel.network.Connection;
import io.tributary.kernel.network.PendingResponse;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.spi.auth.Principal;

/**
 * One request being handled: who sent it, which API and version, and how to answer. A handler
 * answers exactly once, with {@link #respond} or {@link #noResponse}, from any thread.
 */
public final class RequestContext {
    private final Connection connection;
    private final PendingResponse slot;
    private final ApiMessageType api;
    private final short apiVersion;
    private final int correlationId;
    private final String clientId;
    private final long receivedNanos;

    RequestContext(
            Connection connection,
            PendingResponse slot,
            ApiMessageType api,
            short apiVersion,
            int correlationId,
            String clientId,
            long receivedNanos) {
        this.connection = connection;
        this.slot = slot;
        this.api = api;
        this.apiVersion = apiVersion;
        this.correlationId = correlationId;
        this.clientId = clientId;
        this.receivedNanos = receivedNanos;
    }

    public ApiMessageType api() {
        return api;
    }

    public short apiVersion() {
        return apiVersion;
    }

    public int correlationId() {
        return correlationId;
    }

    public String clientId() {
        return clientId;
    }

    public Connection connection() {
        return connection;
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    /** The authenticated principal; anonymous until authentication plugins exist. */
    public Principal principal() {
        return Principal.ANONYMOUS;
    }

    /** Sends the response (written after every earlier response on the connection). */
    public void respond(Message body) {
        respond(body, null);
    }

    /**
     * Sends a response that holds resources (stored-data slices).
     *
     * @param onDiscard releases them if the response is never written
     */
    public void respond(Message body, Runnable onDiscard) {
        connection.complete(slot, body, apiVersion, api.responseHeaderVersion(apiVersion), onDiscard);
    }

    /** Finishes the request without a response (produce with acks=0). */
    public void noResponse() {
        connection.completeWithoutResponse(slot);
    }

    @Override
    public String toString() {
        return api + " v" + apiVersion + " correlation " + correlationId + " from " + connection.id() + " (" + clientId
                + ")";
    }
}

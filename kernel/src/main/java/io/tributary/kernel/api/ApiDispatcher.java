package io.tributary.kernel.api;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.network.Connection;
import io.tributary.kernel.network.PendingResponse;
import io.tributary.kernel.pipeline.RequestProcessor;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.codec.ProtocolException;
import io.tributary.protocol.frame.Frames;
import io.tributary.protocol.frame.RequestPrefix;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.RequestHeaderData;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each request on the handler thread and hands it to its API's handler. Requests for an
 * API or version the broker does not implement close the connection, as Kafka does, except an
 * over-new ApiVersions request, which gets the KIP-511 answer.
 */
public final class ApiDispatcher implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiDispatcher.class);

    private final Map<Short, ApiHandler> handlers;
    /**
     * The same handlers indexed by API key, for the lookup on every request: an array read has no
     * branch that depends on which keys came before (a tree lookup's comparisons do, and C2 threw
     * away the compiled request path when a new API's key first took an unseen branch).
     */
    private final ApiHandler[] byKey;

    private final List<Runnable> endOfBatchHooks;

    public ApiDispatcher(Collection<ApiHandler> handlers, List<Runnable> endOfBatchHooks) {
        TreeMap<Short, ApiHandler> byApi = new TreeMap<>();
        for (ApiHandler h : handlers) {
            if (byApi.put(h.api().apiKey(), h) != null) {
                throw new IllegalArgumentException("Two handlers for " + h.api());
            }
        }
        // Read-only: the array below is built from it once.
        this.handlers = Collections.unmodifiableMap(byApi);
        this.byKey = new ApiHandler[byApi.isEmpty() ? 0 : byApi.lastKey() + 1];
        for (ApiHandler h : byApi.values()) {
            byKey[h.api().apiKey()] = h;
        }
        this.endOfBatchHooks = List.copyOf(endOfBatchHooks);
    }

    /** The implemented APIs, by key (what ApiVersions advertises). */
    public Map<Short, ApiHandler> handlers() {
        return handlers;
    }

    @Override
    public void process(Connection connection, ByteBuf frame, PendingResponse slot, long receivedNanos) {
        try {
            dispatch(connection, frame, slot, receivedNanos);
        } finally {
            frame.release();
        }
    }

    private void dispatch(Connection connection, ByteBuf frame, PendingResponse slot, long receivedNanos) {
        RequestPrefix prefix = RequestPrefix.peek(frame);
        short apiKey = prefix.apiKey();
        ApiHandler handler = apiKey >= 0 && apiKey < byKey.length ? byKey[apiKey] : null;
        if (handler == null) {
            connection.closeOnError("unsupported API key " + apiKey, null);
            return;
        }
        ApiMessageType api = handler.api();
        short version = prefix.apiVersion();
        if (version < handler.minVersion() || version > handler.maxVersion()) {
            if (api == ApiMessageType.API_VERSIONS && version > handler.maxVersion()) {
                // KIP-511: answer in the v0 format with our range so the client can retry.
                connection.complete(
                        slot,
                        Frames.unsupportedApiVersionsResponse(handler.minVersion(), handler.maxVersion()),
                        (short) 0,
                        (short) 0,
                        null);
                return;
            }
            connection.closeOnError(
                    "unsupported version " + version + " of " + api + " (supported " + handler.minVersion() + "-"
                            + handler.maxVersion() + ")",
                    null);
            return;
        }
        RequestHeaderData header;
        Message request;
        try {
            header = Frames.readRequestHeader(frame, api, version);
            request = api.newRequest();
            request.read(frame, version);
        } catch (ProtocolException e) {
            connection.closeOnError("malformed " + api + " v" + version + " request: " + e.getMessage(), null);
            return;
        }
        RequestContext context = new RequestContext(
                connection,
                slot,
                api,
                version,
                header.correlationId(),
                header.clientId() == null ? "" : header.clientId(),
                receivedNanos);
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: {}", context, request);
        }
        handler.handle(context, request);
    }

    @Override
    public void endOfBatch() {
        for (Runnable hook : endOfBatchHooks) {
            hook.run();
        }
    }
}

package io.tributary.kernel.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.tributary.kernel.config.Listener;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.codec.MessageWriter;
import io.tributary.protocol.frame.Frames;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Owns the order of responses: they leave in the order requests arrived,
 * whatever order they complete in, as Kafka clients require. Response encoding happens here, on
 * the connection's event loop, so the request handler thread never serializes responses.
 *
 * <p>Thread-safety: {@code complete*} may be called from any thread; everything else runs on
 * the channel's event loop.
 */
public final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final int SIZE_PREFIX = 4;

    private final Channel channel;
    private final Listener listener;
    private final String id;
    private final ArrayDeque<PendingResponse> inFlight = new ArrayDeque<>();
    private boolean closed;

    Connection(Channel channel, Listener listener) {
        this.channel = channel;
        this.listener = listener;
        this.id = describe(channel);
    }

    private static String describe(Channel ch) {
        if (ch.remoteAddress() instanceof InetSocketAddress remote
                && ch.localAddress() instanceof InetSocketAddress local) {
            return local.getAddress().getHostAddress() + ":" + local.getPort() + "-"
                    + remote.getAddress().getHostAddress() + ":" + remote.getPort();
        }
        return String.valueOf(ch.id());
    }

    public String id() {
        return id;
    }

    public Listener listener() {
        return listener;
    }

    public Channel channel() {
        return channel;
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Reserves the next place in the response order. Event loop only. */
    PendingResponse register(int correlationId) {
        PendingResponse slot = new PendingResponse(correlationId);
        inFlight.addLast(slot);
        return slot;
    }

    /**
     * Completes a request with its response body. Safe from any thread.
     *
     * @param onDiscard released if the response is never written (connection closed); may be null
     */
    public void complete(
            PendingResponse slot, Message body, short apiVersion, short headerVersion, Runnable onDiscard) {
        Runnable completion = () -> {
            slot.body = body;
            slot.apiVersion = apiVersion;
            slot.headerVersion = headerVersion;
            slot.onDiscard = onDiscard;
            slot.state = PendingResponse.State.READY;
            if (closed) {
                slot.discard();
                return;
            }
            drain();
        };
        if (!run(completion) && onDiscard != null) {
            onDiscard.run();
        }
    }

    /** Completes a request that gets no response (produce with acks=0). Safe from any thread. */
    public void completeWithoutResponse(PendingResponse slot) {
        run(() -> {
            slot.state = PendingResponse.State.NO_RESPONSE;
            if (!closed) {
                drain();
            }
        });
    }

    /** Closes the connection after a protocol violation or failure; logged once with context. */
    public void closeOnError(String reason, Throwable cause) {
        if (cause == null) {
            LOG.atWarn().addKeyValue("connection", id).log("Closing connection {}: {}", id, reason);
        } else {
            LOG.atWarn().addKeyValue("connection", id).setCause(cause).log("Closing connection {}: {}", id, reason);
        }
        channel.close();
    }

    /**
     * Runs {@code r} on the event loop; false when the loop has shut down (the broker is stopping
     * and the channel closed with it), so the response can never be written. Delayed operations
     * completed while the broker stops (e.g. long-polling fetches) end up here, and must not fail
     * the shutdown step that completes them.
     */
    private boolean run(Runnable r) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            r.run();
            return true;
        }
        try {
            loop.execute(r);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void drain() {
        boolean wrote = false;
        PendingResponse head;
        while ((head = inFlight.peekFirst()) != null && head.state != PendingResponse.State.WAITING) {
            inFlight.pollFirst();
            if (head.state == PendingResponse.State.READY) {
                if (!write(head)) {
                    return;
                }
                wrote = true;
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    private boolean write(PendingResponse slot) {
        Message body = slot.body;
        slot.body = null;
        slot.onDiscard = null;
        MessageWriter out = new MessageWriter(channel.alloc(), 256);
        try {
            out.writeInt(0);
            Frames.writeResponseHeader(out, slot.correlationId, slot.headerVersion);
            body.write(out, slot.apiVersion);
        } catch (RuntimeException e) {
            out.release();
            closeOnError("cannot encode response to correlation id " + slot.correlationId, e);
            return false;
        }
        ByteBuf first = out.firstBuffer();
        first.setInt(0, out.totalBytes() - SIZE_PREFIX);
        for (Object part : out.parts()) {
            channel.write(part, channel.voidPromise());
        }
        return true;
    }

    /** Called on the event loop when the channel closes: drops responses nobody will read. */
    void onClosed() {
        closed = true;
        PendingResponse slot;
        while ((slot = inFlight.pollFirst()) != null) {
            slot.discard();
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", " + listener.name() + "]";
    }
}

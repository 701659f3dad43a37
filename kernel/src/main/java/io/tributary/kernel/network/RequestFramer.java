package io.tributary.kernel.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tributary.kernel.config.Listener;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.protocol.codec.ProtocolException;
import io.tributary.protocol.frame.Frames;
import io.tributary.protocol.frame.RequestPrefix;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Cuts the byte stream into size-prefixed request frames (bounded by {@code
 * socket.request.max.bytes}), reserves each request's place in the response order and publishes
 * it to the request ring. When the ring is full the channel stops reading (backpressure) and the
 * frames already cut wait here until the ring has room; nothing is dropped.
 *
 * <p>An oversized, negative or truncated-header frame closes this connection only. Event loop
 * confined.
 */
final class RequestFramer extends ByteToMessageDecoder {
    private final RequestPipeline pipeline;
    private final int maxFrameBytes;
    private final Listener listener;
    private final ArrayDeque<Object[]> waiting = new ArrayDeque<>();
    private Connection connection;
    private ChannelHandlerContext ctx;

    RequestFramer(RequestPipeline pipeline, int maxFrameBytes, Listener listener) {
        this.pipeline = pipeline;
        this.maxFrameBytes = maxFrameBytes;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connection = new Connection(ctx.channel(), listener);
    }

    Connection connection() {
        return connection;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (waiting.isEmpty()) {
            ByteBuf frame;
            try {
                frame = Frames.tryReadFrame(in, maxFrameBytes);
            } catch (ProtocolException e) {
                in.skipBytes(in.readableBytes());
                connection.closeOnError(e.getMessage(), null);
                return;
            }
            if (frame == null) {
                return;
            }
            RequestPrefix prefix;
            try {
                prefix = RequestPrefix.peek(frame);
            } catch (ProtocolException e) {
                frame.release();
                in.skipBytes(in.readableBytes());
                connection.closeOnError("malformed request header: " + e.getMessage(), null);
                return;
            }
            PendingResponse slot = connection.register(prefix.correlationId());
            if (!pipeline.tryPublish(connection, frame, slot, System.nanoTime())) {
                waiting.addLast(new Object[] {frame, slot});
                pause();
            }
        }
    }

    private void pause() {
        ctx.channel().config().setAutoRead(false);
        pipeline.awaitCapacity(this::resumeLater);
        // The ring may have drained between the failed publish and the registration above.
        resume();
    }

    private void resumeLater() {
        ctx.channel().eventLoop().execute(this::resume);
    }

    private void resume() {
        if (!ctx.channel().isActive()) {
            releaseWaiting();
            return;
        }
        Object[] head;
        while ((head = waiting.peekFirst()) != null) {
            if (!pipeline.tryPublish(connection, (ByteBuf) head[0], (PendingResponse) head[1], System.nanoTime())) {
                pipeline.awaitCapacity(this::resumeLater);
                return;
            }
            waiting.pollFirst();
        }
        ctx.channel().config().setAutoRead(true);
        // Frames may already sit in the cumulation buffer; decode them now rather than waiting for more bytes.
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    private void releaseWaiting() {
        Object[] w;
        while ((w = waiting.pollFirst()) != null) {
            ((ByteBuf) w[0]).release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        connection.onClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            // A client going away (connection reset) is routine.
            ctx.close();
            return;
        }
        connection.closeOnError("network error", cause);
    }
}

package io.tributary.kernel.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.tributary.kernel.config.Listener;
import io.tributary.kernel.pipeline.RequestPipeline;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty server: one bound socket per listener, event loops that only frame requests and
 * write responses. Uses the native epoll transport when it loads, NIO otherwise.
 */
public final class NetworkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkServer.class);

    /** Network settings. */
    public record Settings(
            int threads, int maxFrameBytes, int sendBufferBytes, int receiveBufferBytes, long idleTimeoutMs) {}

    private final Settings settings;
    private final RequestPipeline pipeline;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Class<? extends ServerChannel> channelType;
    private final List<Channel> serverChannels = new ArrayList<>();

    /**
     * Loads the native epoll transport (if it can be loaded) and Netty's default buffer
     * allocator, and has Netty inspect a handler: the costly parts of a first construction and
     * bind. Idempotent and thread-safe; lets start-up do it early on another thread.
     */
    public static void warmUp() {
        Epoll.isAvailable();
        ByteBufAllocator.DEFAULT.getClass();
        // Netty reads a handler class's annotations (@Sharable, @Skip) the first time it joins a
        // pipeline. The first read in a JVM sets up annotation parsing and generates their proxy
        // classes: 10-15 ms of the main thread's bind, measured. A throwaway channel does it here.
        new EmbeddedChannel(new ChannelInitializer<EmbeddedChannel>() {
                    @Override
                    protected void initChannel(EmbeddedChannel ch) {}
                })
                .finishAndReleaseAll();
    }

    public NetworkServer(Settings settings, RequestPipeline pipeline) {
        this.settings = settings;
        this.pipeline = pipeline;
        IoHandlerFactory factory;
        if (Epoll.isAvailable()) {
            factory = EpollIoHandler.newFactory();
            channelType = EpollServerSocketChannel.class;
        } else {
            LOG.info(
                    "Native epoll unavailable ({}); using NIO",
                    Epoll.unavailabilityCause().toString());
            factory = NioIoHandler.newFactory();
            channelType = NioServerSocketChannel.class;
        }
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, factory);
        this.workerGroup = new MultiThreadIoEventLoopGroup(settings.threads(), factory);
    }

    /**
     * Binds every listener.
     *
     * @return the bound address of each listener, by listener name (a port of 0 in the config is
     *     replaced by the port the OS chose)
     */
    public Map<String, InetSocketAddress> bind(List<Listener> listeners) throws InterruptedException {
        Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
        for (Listener listener : listeners) {
            ServerBootstrap b = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(channelType)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (settings.idleTimeoutMs() > 0) {
                                ch.pipeline()
                                        .addLast(
                                                "idle",
                                                new IdleStateHandler(
                                                        0, 0, settings.idleTimeoutMs(), TimeUnit.MILLISECONDS) {
                                                    @Override
                                                    protected void channelIdle(
                                                            io.netty.channel.ChannelHandlerContext ctx,
                                                            IdleStateEvent evt) {
                                                        ctx.close();
                                                    }
                                                });
                            }
                            ch.pipeline()
                                    .addLast(
                                            "request-framer",
                                            new RequestFramer(pipeline, settings.maxFrameBytes(), listener));
                        }
                    });
            if (settings.sendBufferBytes() > 0) {
                b.childOption(ChannelOption.SO_SNDBUF, settings.sendBufferBytes());
            }
            if (settings.receiveBufferBytes() > 0) {
                b.childOption(ChannelOption.SO_RCVBUF, settings.receiveBufferBytes());
            }
            InetSocketAddress address = listener.host().isEmpty()
                    ? new InetSocketAddress(listener.port())
                    : new InetSocketAddress(listener.host(), listener.port());
            Channel ch = b.bind(address).sync().channel();
            serverChannels.add(ch);
            InetSocketAddress local = (InetSocketAddress) ch.localAddress();
            bound.put(listener.name(), local);
            LOG.info("Listening on {} ({})", local, listener.name());
        }
        return bound;
    }

    @Override
    public void close() {
        for (Channel ch : serverChannels) {
            ch.close().syncUninterruptibly();
        }
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

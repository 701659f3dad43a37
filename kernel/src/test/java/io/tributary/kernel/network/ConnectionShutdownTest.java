package io.tributary.kernel.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.tributary.kernel.config.Listener;
import io.tributary.protocol.message.ApiVersionsResponseData;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A response completed after the connection's event loop shut down (a long-polling fetch that the
 * stopping broker completes) is dropped and its resources released, instead of throwing into the
 * shutdown step that completed it.
 */
class ConnectionShutdownTest {

    @Test
    void shouldReleaseAResponseCompletedAfterTheEventLoopStopped() throws Exception {
        EventLoopGroup loops = new DefaultEventLoopGroup(1);
        LocalChannel channel = new LocalChannel();
        loops.register(channel).sync();
        Connection connection = new Connection(channel, new Listener("PLAINTEXT", "127.0.0.1", 0, "PLAINTEXT"));
        PendingResponse slot =
                channel.eventLoop().submit(() -> connection.register(7)).get(10, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();

        AtomicInteger released = new AtomicInteger();
        connection.complete(slot, new ApiVersionsResponseData(), (short) 3, (short) 0, released::incrementAndGet);
        connection.completeWithoutResponse(slot);

        assertEquals(1, released.get());
    }
}

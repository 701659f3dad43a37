package io.tributary.kernel.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tributary.kernel.config.Listener;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.kernel.pipeline.RequestProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A full request ring stops reading from the socket; nothing is dropped and order is kept. */
class BackpressureTest {

    private static ByteBuf frame(int correlationId) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(10).writeShort(18).writeShort(3).writeInt(correlationId).writeShort(-1);
        return b;
    }

    @Test
    void shouldStopReadingWhenTheRingIsFullAndResumeWithoutLosingRequests() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        RequestPipeline pipeline = new RequestPipeline(64, new RequestProcessor() {
            @Override
            public void process(Connection connection, ByteBuf f, PendingResponse slot, long receivedNanos) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                handled.add(f.getInt(4));
                f.release();
            }

            @Override
            public void endOfBatch() {}
        });
        pipeline.start();
        try {
            EmbeddedChannel channel = new EmbeddedChannel(
                    new RequestFramer(pipeline, 1 << 20, new Listener("PLAINTEXT", "127.0.0.1", 0, "PLAINTEXT")));
            int total = 500;
            for (int i = 0; i < total; i++) {
                channel.writeInbound(frame(i));
            }
            assertFalse(channel.config().isAutoRead(), "reading stops while the ring is full");
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (handled.size() < total && System.nanoTime() < deadline) {
                // The ring drains on the handler thread; resumption runs tasks on the channel's loop.
                channel.runPendingTasks();
                Thread.onSpinWait();
            }
            assertEquals(total, handled.size(), "every request was handled");
            for (int i = 0; i < total; i++) {
                assertEquals(i, handled.get(i), "requests are handled in arrival order");
            }
            channel.runPendingTasks();
            assertTrue(channel.config().isAutoRead(), "reading resumes once the ring has room");
            channel.finishAndReleaseAll();
        } finally {
            pipeline.close();
        }
    }
}

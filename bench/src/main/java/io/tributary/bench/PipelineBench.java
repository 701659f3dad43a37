package io.tributary.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.kernel.network.Connection;
import io.tributary.kernel.network.PendingResponse;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.kernel.pipeline.RequestProcessor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hop from a network thread into the request ring and onto the handler thread: one
 * request published, handled, and seen back by the publisher (round trip), with the ring's
 * wait strategy as the broker uses it: the handler parks on the empty ring after each request,
 * so each round trip includes waking it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBench {
    private final AtomicLong handled = new AtomicLong();
    private final ByteBuf frame = Unpooled.buffer(16).writeLong(1);
    private RequestPipeline pipeline;

    @Setup(Level.Trial)
    public void setUp() {
        pipeline = new RequestPipeline(1024, new RequestProcessor() {
            @Override
            public void process(Connection connection, ByteBuf f, PendingResponse slot, long receivedNanos) {
                handled.incrementAndGet();
            }

            @Override
            public void endOfBatch() {}
        });
        pipeline.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.close();
    }

    @Benchmark
    public long publishAndAwaitHandling() {
        long target = handled.get() + 1;
        while (!pipeline.tryPublish(null, frame, null, 0)) {
            Thread.onSpinWait();
        }
        while (handled.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}

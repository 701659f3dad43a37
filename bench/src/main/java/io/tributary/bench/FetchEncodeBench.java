package io.tributary.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.tributary.protocol.codec.ByteBufRecords;
import io.tributary.protocol.codec.MessageWriter;
import io.tributary.protocol.message.FetchResponseData;
import io.tributary.protocol.record.CompressionType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding a Fetch response around stored bytes: the records are attached as a part, never
 * copied, so the cost should not grow with their size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FetchEncodeBench {
    @Param({"6"})
    public int partitions;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private FetchResponseData response;

    @Setup
    public void setUp() {
        ByteBuf stored = Batches.batch(6000, 100, CompressionType.NONE);
        List<FetchResponseData.PartitionData> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new FetchResponseData.PartitionData()
                    .setPartitionIndex(p)
                    .setHighWatermark(1_000_000)
                    .setLastStableOffset(1_000_000)
                    .setLogStartOffset(0)
                    .setRecords(new ByteBufRecords(stored.retainedSlice())));
        }
        response = new FetchResponseData()
                .setResponses(new ArrayList<>(List.of(new FetchResponseData.FetchableTopicResponse()
                        .setTopic("perf-6p")
                        .setPartitions(parts))));
    }

    @Benchmark
    public int encodeV16() {
        MessageWriter w = new MessageWriter(alloc, 256);
        response.write(w, (short) 16);
        int n = w.totalBytes();
        w.release();
        return n;
    }
}

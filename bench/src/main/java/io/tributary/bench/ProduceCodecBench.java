package io.tributary.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.tributary.protocol.codec.ByteBufRecords;
import io.tributary.protocol.codec.MessageWriter;
import io.tributary.protocol.message.ProduceRequestData;
import io.tributary.protocol.message.ProduceResponseData;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Decoding a Produce request (one partition, one 64 KiB batch) and encoding its response. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProduceCodecBench {
    private static final short VERSION = 11;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf encodedRequest;
    private ProduceResponseData response;

    @Setup
    public void setUp() {
        ProduceRequestData request = new ProduceRequestData()
                .setAcks((short) 1)
                .setTimeoutMs(30000)
                .setTopicData(new ArrayList<>(List.of(new ProduceRequestData.TopicProduceData()
                        .setName("perf-1p")
                        .setPartitionData(new ArrayList<>(List.of(new ProduceRequestData.PartitionProduceData()
                                .setIndex(0)
                                .setRecords(new ByteBufRecords(Batches.batch(600, 100, CompressionType.NONE)))))))));
        MessageWriter w = new MessageWriter(alloc, 70_000);
        request.write(w, VERSION);
        encodedRequest = w.toByteBuf();
        response = new ProduceResponseData()
                .setResponses(new ArrayList<>(List.of(new ProduceResponseData.TopicProduceResponse()
                        .setName("perf-1p")
                        .setPartitionResponses(
                                new ArrayList<>(List.of(new ProduceResponseData.PartitionProduceResponse()
                                        .setIndex(0)
                                        .setBaseOffset(123456789L)
                                        .setLogAppendTimeMs(-1)
                                        .setLogStartOffset(0)))))));
    }

    @Benchmark
    public ProduceRequestData decodeRequest() {
        return new ProduceRequestData(encodedRequest.duplicate(), VERSION);
    }

    @Benchmark
    public int encodeResponse() {
        MessageWriter w = new MessageWriter(alloc, 128);
        response.write(w, VERSION);
        int n = w.totalBytes();
        w.release();
        return n;
    }
}

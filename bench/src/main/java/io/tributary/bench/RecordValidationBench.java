package io.tributary.bench;

import io.netty.buffer.ByteBuf;
import io.tributary.protocol.record.CompressionType;
import io.tributary.protocol.record.RecordValidator;
import io.tributary.protocol.record.ValidatedBatch;
import io.tributary.protocol.record.ValidationOptions;
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
 * The produce path's per-batch check: CRC32C plus a walk over every record (decompressing when
 * compressed). A 64 KiB producer batch holds about 600 records of 100 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordValidationBench {
    @Param({"NONE", "LZ4", "ZSTD"})
    public String codec;

    private ByteBuf batch;

    @Setup
    public void setUp() {
        batch = Batches.batch(600, 100, CompressionType.valueOf(codec));
    }

    @Benchmark
    public ValidatedBatch validate600Records() {
        return RecordValidator.validateProduce(batch.duplicate(), ValidationOptions.CLIENT_PRODUCE);
    }
}

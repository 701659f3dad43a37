package io.tributary.bench;

import io.netty.buffer.ByteBuf;
import io.tributary.protocol.record.CompressionType;
import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.storage.AppendResult;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageContext;
import io.tributary.spi.storage.StorageEngine;
import io.tributary.storage.mmap.MmapStorageProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The default storage engine's append (a 64 KiB producer batch into the mapped active segment,
 * offsets patched in place) and read (locating a batch and handing out a file region).
 *
 * <p>{@code append64KiBBatch} appends back to back, so it measures the engine's throughput: the
 * writer and the preparer (which reserves space and faults pages in ahead of it, {@code
 * storage.mmap.prepare.threads}) share the machine. {@code append64KiBBatchPaced} leaves 200 µs
 * between appends (outside the measured time), as a producer slower than the disk does: it
 * measures what one append costs the request handler when the preparer keeps up. Run with
 * {@code -p prepareThreads=0} to see appends that reserve for themselves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogBench {
    @Param({"1"})
    public int prepareThreads;

    private Path dir;
    private StorageEngine engine;
    private PartitionLog log;
    private ByteBuffer batch;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("tributary-logbench");
        PluginSettings settings =
                new PluginSettings(Map.of("prepare.threads", Integer.toString(prepareThreads)), Map.of());
        engine = new MmapStorageProvider().open(new StorageContext(List.of(dir), settings, Time.SYSTEM));
        log = engine.open(
                new PartitionId("bench", UUID.randomUUID(), 0),
                LogConfig.builder().segmentBytes(256 * 1024 * 1024).build());
        ByteBuf b = Batches.batch(600, 100, CompressionType.NONE);
        batch = ByteBuffer.allocateDirect(b.readableBytes());
        b.getBytes(b.readerIndex(), batch);
        batch.flip();
        for (int i = 0; i < 1000; i++) {
            log.appendAsLeader(batch.duplicate(), 0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public AppendResult append64KiBBatch() {
        return log.appendAsLeader(batch.duplicate(), 0);
    }

    /** A pause before each paced append, outside the measured time. */
    @State(Scope.Thread)
    public static class Pace {
        @Setup(Level.Invocation)
        public void pause() {
            LockSupport.parkNanos(200_000);
        }
    }

    @Benchmark
    public AppendResult append64KiBBatchPaced(Pace pace) {
        return log.appendAsLeader(batch.duplicate(), 0);
    }

    @Benchmark
    public int readOneMiBFromTheMiddle() {
        long end = log.logEndOffset();
        LogSlice slice = log.read(end / 2, 1 << 20, end, true);
        int size = slice.sizeInBytes();
        slice.release();
        return size;
    }
}

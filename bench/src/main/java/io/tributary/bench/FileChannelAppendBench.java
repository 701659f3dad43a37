package io.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference for {@link LogBench}'s appends: Kafka's write path, a {@code FileChannel.write}
 * of the same 64 KiB into a 256 MiB segment file, a roll to a new file when full with the old
 * one flushed in the background (as Kafka schedules it). Same shapes as {@link LogBench}: back
 * to back, and paced by 200 µs outside the measured time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FileChannelAppendBench {
    private static final long SEGMENT_BYTES = 256L << 20;

    private Path dir;
    private FileChannel channel;
    private long position;
    private int segments;
    private ByteBuffer batch;
    private final ExecutorService flusher = Executors.newSingleThreadExecutor();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("tributary-fcbench");
        batch = ByteBuffer.allocateDirect(65_997); // LogBench's batch size
        roll();
    }

    private void roll() throws IOException {
        FileChannel old = channel;
        if (old != null) {
            flusher.execute(() -> {
                try (old) {
                    old.force(true);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        channel = FileChannel.open(
                dir.resolve(segments++ + ".log"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        position = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        channel.close();
        flusher.shutdown();
        flusher.awaitTermination(60, TimeUnit.SECONDS);
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
    public long write64KiB() throws IOException {
        return append();
    }

    @Benchmark
    public long write64KiBPaced(Pace pace) throws IOException {
        return append();
    }

    private long append() throws IOException {
        if (position + batch.capacity() > SEGMENT_BYTES) {
            roll();
        }
        ByteBuffer b = batch.duplicate();
        while (b.hasRemaining()) {
            position += channel.write(b, position);
        }
        return position;
    }
}

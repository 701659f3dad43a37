package io.tributary.storage.mmap;

import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.tck.storage.ManualTime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quick local measurements for the notes, run on demand:
 *
 * <pre>
 * mvn -pl plugins/storage-mmap -am verify -Dtest=MeasurementTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsurefire.extraArgs="-Dtributary.measure.partitions=10000 -Dtributary.measure.throughput=true"
 * </pre>
 */
class MeasurementTest {
    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(TestEngines.START_MS);

    @Test
    void shouldOpenServeAndReopenManyPartitionsWithinTheProcessLimits() throws IOException {
        int n = Integer.getInteger("tributary.measure.partitions", 0);
        assumeTrue(n > 0, "set -Dtributary.measure.partitions=N");
        List<Path> dirs = List.of(tmp.resolve("logs"));
        MmapStorageEngine engine = TestEngines.open(dirs, time);
        ByteBuffer one = batch().record("v".repeat(100), time.milliseconds()).build();

        long t0 = System.nanoTime();
        List<PartitionLog> logs = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            logs.add(engine.open(TestEngines.partition("many", p), LogConfig.DEFAULT));
        }
        long t1 = System.nanoTime();
        for (PartitionLog log : logs) {
            log.appendAsLeader(one.duplicate(), 0);
        }
        long t2 = System.nanoTime();
        for (PartitionLog log : logs) {
            log.read(0, 1 << 20, Long.MAX_VALUE, true).release();
        }
        long t3 = System.nanoTime();
        String serving = process();
        long maps = maps();
        long fds = fds();
        engine.close();
        long t4 = System.nanoTime();

        engine = TestEngines.open(dirs, time);
        long t5 = System.nanoTime();
        logs.clear();
        for (int p = 0; p < n; p++) {
            logs.add(engine.open(TestEngines.partition("many", p), LogConfig.DEFAULT));
        }
        long t6 = System.nanoTime();
        for (PartitionLog log : logs) {
            log.appendAsLeader(one.duplicate(), 0);
            LogSlice s = log.read(0, 1 << 20, Long.MAX_VALUE, true);
            assertEquals(2 * one.remaining(), s.sizeInBytes());
            s.release();
        }
        long t7 = System.nanoTime();
        String reopened = process();
        long maps2 = maps();
        long fds2 = fds();
        engine.close();
        long t8 = System.nanoTime();

        System.out.printf(
                Locale.ROOT,
                "MEASURE %d partitions: create %d ms, first append %d ms, read %d ms, close %d ms;"
                        + " reopen engine %d ms, reopen partitions %d ms, append+read %d ms, close %d ms%n"
                        + "MEASURE while serving: %s, maps %d, fds %d; after reopen: %s, maps %d, fds %d%n",
                n,
                (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000,
                (t3 - t2) / 1_000_000,
                (t4 - t3) / 1_000_000,
                (t5 - t4) / 1_000_000,
                (t6 - t5) / 1_000_000,
                (t7 - t6) / 1_000_000,
                (t8 - t7) / 1_000_000,
                serving,
                maps,
                fds,
                reopened,
                maps2,
                fds2);
        assertTrue(maps < 65_530 && maps2 < 65_530, "vm.max_map_count");
        assertTrue(fds < 20_000 && fds2 < 20_000, "ulimit -n");
    }

    @Test
    void shouldMeasureAppendAndReadSpeed() {
        assumeTrue(Boolean.getBoolean("tributary.measure.throughput"), "set -Dtributary.measure.throughput=true");
        MmapStorageEngine engine = TestEngines.open(List.of(tmp.resolve("logs")), time);
        for (int size : new int[] {1024, 16 * 1024}) {
            PartitionLog log = engine.open(TestEngines.partition("speed-" + size, 0), LogConfig.DEFAULT);
            ByteBuffer b =
                    batch().record("x".repeat(size - 80), time.milliseconds()).build();
            long total = 512L << 20;
            int count = (int) (total / b.remaining());
            for (int i = 0; i < 2000; i++) {
                log.appendAsLeader(b.duplicate(), 0); // warm-up
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                log.appendAsLeader(b.duplicate(), 0);
            }
            long t1 = System.nanoTime();
            ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
            long read = 0;
            long next = 0;
            long t2 = System.nanoTime();
            while (next < log.logEndOffset()) {
                LogSlice.FileRegion s = (LogSlice.FileRegion) log.read(next, 1 << 20, Long.MAX_VALUE, true);
                sink.clear().limit(s.sizeInBytes());
                try {
                    while (sink.hasRemaining()) {
                        s.channel().read(sink, s.position() + sink.position());
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                read += s.sizeInBytes();
                next = sink.getLong(sink.position() - b.remaining()) + 1;
                s.release();
            }
            long t3 = System.nanoTime();
            long syncs = 0;
            long t4 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                log.appendAsLeader(b.duplicate(), 0);
                log.sync();
                syncs++;
            }
            long t5 = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "MEASURE %d-byte batches: append %.0f MB/s (%.0f batches/s), read %.0f MB/s,"
                            + " append+sync %.2f ms each%n",
                    b.remaining(),
                    (double) count * b.remaining() / (1 << 20) / ((t1 - t0) / 1e9),
                    count / ((t1 - t0) / 1e9),
                    read / (double) (1 << 20) / ((t3 - t2) / 1e9),
                    (t5 - t4) / 1e6 / syncs);
        }
        engine.close();
    }

    private static String process() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("RssAnon") || line.startsWith("RssFile")) {
                sb.append(line.replaceAll("\\s+", " ")).append("; ");
            }
        }
        Runtime rt = Runtime.getRuntime();
        sb.append("heap used ")
                .append((rt.totalMemory() - rt.freeMemory()) >> 20)
                .append(" MB");
        return sb.toString();
    }

    private static long maps() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.count();
        }
    }

    private static long fds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}

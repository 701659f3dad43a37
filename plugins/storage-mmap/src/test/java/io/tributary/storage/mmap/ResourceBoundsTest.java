package io.tributary.storage.mmap;

import static io.tributary.storage.mmap.TestEngines.partition;
import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.tck.storage.ManualTime;
import io.tributary.tck.storage.StoredBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Open files and mappings stay within the configured bounds; in-use ones are never pulled away. */
class ResourceBoundsTest {
    private static final int MAX_FILES = 8;
    private static final int MAX_MAPPINGS = 8;
    private static final LogConfig SMALL =
            LogConfig.builder().segmentBytes(2048).indexIntervalBytes(128).build();

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(TestEngines.START_MS);
    private MmapStorageEngine engine;

    @BeforeEach
    void open() {
        engine = TestEngines.open(
                List.of(tmp.resolve("logs")),
                time,
                new MmapSettings(MAX_FILES, MAX_MAPPINGS, 1 << 20, 4096, 65536, false, 1, 1, false),
                new SpaceReserver.ZeroFill());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** Background flushes of rolled segments hold a file briefly: let them finish first. */
    private void assertWithinBounds(int slicesHeld) throws InterruptedException {
        engine.awaitBackgroundIdle();
        engine.resources().clearPending();
        int files = engine.resources().liveFiles().get();
        int mappings = engine.resources().liveMappings().get();
        assertTrue(files <= MAX_FILES + slicesHeld, "open files " + files);
        assertTrue(mappings <= MAX_MAPPINGS, "mappings " + mappings);
    }

    @Test
    void shouldKeepOpenFilesAndMappingsWithinBoundsAcrossManyPartitions() throws InterruptedException {
        List<PartitionLog> logs = new ArrayList<>();
        for (int p = 0; p < 60; p++) {
            PartitionLog log = engine.open(partition("bounded", p), SMALL);
            for (int i = 0; i < 40; i++) {
                log.appendAsLeader(batch().record("p" + p + "-" + i, i).build(), 0);
            }
            logs.add(log);
        }
        assertWithinBounds(0);
        for (int p = 0; p < logs.size(); p++) {
            assertEquals(TestEngines.expected("p" + p, 0, 40), TestEngines.values(logs.get(p)));
            assertEquals(20, logs.get(p).offsetForTimestamp(20).orElseThrow().offset());
        }
        assertWithinBounds(0);
    }

    @Test
    void shouldKeepASliceReadableAfterItsFileIsEvictedUntilReleased() throws InterruptedException {
        List<LogSlice> held = new ArrayList<>();
        List<ByteBuffer> contents = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            PartitionLog log = engine.open(partition("held", p), SMALL);
            for (int i = 0; i < 5; i++) {
                log.appendAsLeader(batch().record("h" + p + "-" + i, i).build(), 0);
            }
            LogSlice slice = log.read(0, 1 << 20, Long.MAX_VALUE, true);
            held.add(slice);
            contents.add(StoredBatch.bytesOf(slice));
        }
        assertWithinBounds(held.size());
        assertTrue(engine.resources().liveFiles().get() > MAX_FILES, "slices keep their evicted files open");

        for (int i = 0; i < held.size(); i++) {
            assertEquals(contents.get(i), StoredBatch.bytesOf(held.get(i)));
            held.get(i).release();
        }
        assertWithinBounds(0);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldServeConcurrentReadersWhileEvictionsHappen() throws Exception {
        int partitions = 12;
        int batches = 400;
        List<PartitionLog> logs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            logs.add(engine.open(partition("churn", p), SMALL));
        }
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < batches; i++) {
                for (PartitionLog log : logs) {
                    log.appendAsLeader(
                            batch().record("w-" + i, i).record("x-" + i, i).build(), 0);
                }
            }
            done.set(true);
        });
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            long[] next = new long[partitions];
            long seen = 0;
            while (!done.get() || seen < (long) partitions * batches) {
                for (int p = 0; p < partitions; p++) {
                    PartitionLog log = logs.get(p);
                    if (next[p] >= log.logEndOffset()) {
                        continue;
                    }
                    for (StoredBatch b : StoredBatch.parseAndRelease(log.read(next[p], 300, Long.MAX_VALUE, true))) {
                        if (!b.crcValid() || b.baseOffset() != next[p]) {
                            throw new AssertionError("partition " + p + " bad batch at " + next[p] + ": " + b);
                        }
                        next[p] = b.lastOffset() + 1;
                        seen++;
                    }
                }
                Thread.onSpinWait();
            }
            return seen;
        });

        writer.get(100, TimeUnit.SECONDS);
        assertEquals((long) partitions * batches, reader.get(100, TimeUnit.SECONDS));
        assertWithinBounds(0);
    }
}

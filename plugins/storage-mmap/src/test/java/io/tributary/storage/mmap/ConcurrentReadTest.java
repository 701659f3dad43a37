package io.tributary.storage.mmap;

import static io.tributary.storage.mmap.TestEngines.partition;
import static io.tributary.tck.storage.BatchBuilder.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.PartitionId;
import io.tributary.tck.storage.ManualTime;
import io.tributary.tck.storage.StoredBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads from other threads than the writer's, racing the writer's and the syncer's changes. */
class ConcurrentReadTest {
    private static final PartitionId P = partition("concurrent-read", 0);
    private static final LogConfig SMALL_SEGMENTS =
            LogConfig.builder().segmentBytes(16 * 1024).indexIntervalBytes(512).build();

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(TestEngines.START_MS);

    /**
     * A thread finishing a rolled segment's deactivation (a sync, the background flush) holds the
     * segment's monitor while it drops the segment's cached mappings, which waits for any load of
     * them in progress. A reader loading the segment's index inside the cache must therefore never
     * wait for that monitor: it once did, and the two deadlocked (the concurrent-reader TCK test
     * hung now and then).
     */
    @Test
    void shouldLoadAnIndexForAReaderWhileAnotherThreadHoldsTheSegmentMonitor() throws Exception {
        MmapStorageEngine engine = TestEngines.open(List.of(tmp.resolve("logs")), time);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            MmapPartitionLog log = (MmapPartitionLog) engine.open(P, SMALL_SEGMENTS);
            for (int i = 0; log.segmentCount() < 2; i++) {
                log.appendAsLeader(records("r" + i, 3, time.milliseconds()), 0);
            }
            // Finishes the roll: the first segment is trimmed and its cached mappings dropped.
            log.sync();
            Segment first = log.segmentHolding(0);
            long target = log.segmentHolding(log.logEndOffset() - 1).baseOffset - 3;
            assertTrue(first.indexEntries > 0, "the first segment has an index to map");
            assertFalse(first.pendingTrim(), "the first segment's deactivation is finished");

            List<StoredBatch> read;
            synchronized (first) {
                Future<List<StoredBatch>> pending =
                        reader.submit(() -> StoredBatch.parseAndRelease(log.read(target, 1024, Long.MAX_VALUE, true)));
                read = pending.get(30, TimeUnit.SECONDS);
            }
            assertEquals(target, read.getFirst().baseOffset());
            assertTrue(read.getFirst().crcValid());
        } finally {
            reader.shutdownNow();
            engine.close();
        }
    }
}

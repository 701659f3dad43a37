package io.tributary.storage.mmap;

import static io.tributary.storage.mmap.TestEngines.partition;
import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.CompactionRequest;
import io.tributary.spi.storage.CompactionResult;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.tck.storage.ManualTime;
import io.tributary.tck.storage.StoredBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at every step of a compaction swap (the directory copied at that instant is what a
 * {@code kill -9} leaves): the log found there holds every record it held, the swap is either
 * undone or completed, and no temporary file survives the load.
 */
class CompactionSwapTest {
    private static final PartitionId P = partition("swap", 0);
    private static final LogConfig COMPACTED = LogConfig.builder()
            .segmentBytes(1024)
            .indexIntervalBytes(128)
            .deleteCleanup(false)
            .compactCleanup(true)
            .minCleanableDirtyRatio(0)
            .segmentMs(60_000)
            .build();

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(TestEngines.START_MS);

    @Test
    void shouldLeaveACompleteLogAfterACrashAtEveryStepOfASwap() throws IOException {
        for (MmapStorageEngine.SwapStep step : MmapStorageEngine.SwapStep.values()) {
            Path dirs = tmp.resolve(step.name());
            Path logs = dirs.resolve("logs");
            Path snapshot = dirs.resolve("crashed");
            MmapStorageEngine engine = TestEngines.open(List.of(logs), time);
            PartitionLog log = engine.open(P, COMPACTED);
            List<String> written = writeDuplicates(log);
            long tail = log.logEndOffset() - 1;
            engine.swapObserver((at, partitionDir) -> {
                if (at == step && !Files.exists(snapshot)) {
                    // What a crash leaves is one instant of the page cache: let the background
                    // flushes (which trim rolled segments, then move the recovery point) settle
                    // so the copy is not a mix of two instants.
                    awaitBackgroundIdle(engine);
                    copyTree(logs, snapshot);
                }
            });

            assertEquals(
                    CompactionResult.Outcome.COMPACTED,
                    log.compact(CompactionRequest.at(time.milliseconds())).outcome());
            List<String> compacted = records(log);
            engine.close();
            assertTrue(Files.exists(snapshot), "crashed at " + step);

            MmapStorageEngine reopened = TestEngines.open(List.of(snapshot), time);
            PartitionLog recovered = reopened.open(P, COMPACTED);
            List<String> after = records(recovered);
            assertTrue(written.containsAll(after), step + ": only records that were written, at their offsets");
            assertTrue(after.containsAll(compacted), step + ": every record the compaction kept is there");
            assertEquals(tail + 1, recovered.logEndOffset());
            try (Stream<Path> files = Files.list(snapshot.resolve("swap-0"))) {
                List<String> names = files.map(f -> f.getFileName().toString()).toList();
                assertFalse(
                        names.stream().anyMatch(n -> n.endsWith(LogFiles.CLEANED) || n.endsWith(LogFiles.SWAP)),
                        step + ": temporary files are gone: " + names);
            }
            recovered.compact(CompactionRequest.at(time.milliseconds()));
            assertEquals(compacted, records(recovered), step + ": compacting again gives the same log");
            reopened.close();
        }
    }

    @Test
    void shouldDeleteCleanedFilesThatNoManifestNames() throws IOException {
        Path logs = tmp.resolve("logs");
        MmapStorageEngine engine = TestEngines.open(List.of(logs), time);
        List<String> written = writeDuplicates(engine.open(P, COMPACTED));
        engine.close();
        Path dir = logs.resolve("swap-0");
        Files.write(dir.resolve(LogFiles.offsetName(0) + LogFiles.LOG + LogFiles.CLEANED), new byte[100]);

        MmapStorageEngine reopened = TestEngines.open(List.of(logs), time);
        assertEquals(written, records(reopened.open(P, COMPACTED)));
        assertFalse(Files.exists(dir.resolve(LogFiles.offsetName(0) + LogFiles.LOG + LogFiles.CLEANED)));
        reopened.close();
    }

    /** 120 records over 6 keys, rolled, then one more in the new active segment. */
    private List<String> writeDuplicates(PartitionLog log) {
        for (int i = 0; i < 120; i++) {
            log.appendAsLeader(
                    batch().record("k" + (i % 6), "v" + i, time.milliseconds()).build(), 0);
        }
        time.advance(60_001);
        log.enforceRetention(time.milliseconds());
        log.appendAsLeader(batch().record("k0", "tail", time.milliseconds()).build(), 0);
        return records(log);
    }

    /** Every record as "offset:key=value". */
    private static List<String> records(PartitionLog log) {
        List<String> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogSlice slice = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            List<StoredBatch> batches = StoredBatch.parseAndRelease(slice);
            assertFalse(batches.isEmpty(), "nothing read at " + next);
            for (StoredBatch b : batches) {
                assertTrue(b.crcValid());
                for (StoredBatch.StoredRecord r : b.records()) {
                    out.add(r.offset() + ":" + r.key() + "=" + r.value());
                }
                next = b.lastOffset() + 1;
            }
        }
        return out;
    }

    private static void awaitBackgroundIdle(MmapStorageEngine engine) throws IOException {
        try {
            engine.awaitBackgroundIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Map<Path, Path> copies = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(from)) {
            all.forEach(p -> copies.put(p, to.resolve(from.relativize(p).toString())));
        }
        for (Map.Entry<Path, Path> e : copies.entrySet()) {
            if (Files.isDirectory(e.getKey())) {
                Files.createDirectories(e.getValue());
            } else if (Files.exists(e.getKey())) {
                Files.copy(e.getKey(), e.getValue());
            }
        }
    }
}

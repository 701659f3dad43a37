package io.tributary.storage.mmap;

import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.tck.storage.ManualTime;
import io.tributary.tck.storage.StoredBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends at the edges of what a segment and its index can hold. */
class FollowerGapTest {
    @TempDir
    Path tmp;

    @Test
    void shouldStartANewSegmentWhenAGapOutgrowsRelativeOffsets() {
        MmapStorageEngine engine = TestEngines.open(List.of(tmp), new ManualTime(TestEngines.START_MS));
        PartitionLog log = engine.open(TestEngines.partition("gap", 0), LogConfig.DEFAULT);
        log.appendAsFollower(batch().baseOffset(0).leaderEpoch(1).record("a", 1).build());
        long far = 5_000_000_000L;

        log.appendAsFollower(
                batch().baseOffset(far).leaderEpoch(1).record("b", 1).build());

        assertEquals(2, log.segmentCount());
        assertEquals(far + 1, log.logEndOffset());
        assertEquals(
                far,
                StoredBatch.parseAndRelease(log.read(1, 1 << 20, Long.MAX_VALUE, true))
                        .getFirst()
                        .baseOffset());
        engine.close();
        MmapStorageEngine reopened = TestEngines.open(List.of(tmp), new ManualTime(TestEngines.START_MS));
        PartitionLog again = reopened.open(TestEngines.partition("gap", 0), LogConfig.DEFAULT);
        assertEquals(far + 1, again.logEndOffset());
        assertEquals(List.of("a", "b"), TestEngines.values(again));
        reopened.close();
    }

    @Test
    void shouldKeepAppendingAndReadingWithAnIndexTooSmallForOneEntry() {
        MmapStorageEngine engine = TestEngines.open(List.of(tmp), new ManualTime(TestEngines.START_MS));
        LogConfig tiny =
                LogConfig.builder().segmentIndexBytes(8).indexIntervalBytes(0).build();
        PartitionLog log = engine.open(TestEngines.partition("tiny-index", 0), tiny);
        java.util.List<java.nio.ByteBuffer> many = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(batch().baseOffset(i).leaderEpoch(0).record("f-" + i, 1).build());
        }

        log.appendAsFollower(io.tributary.tck.storage.BatchBuilder.concat(many.toArray(java.nio.ByteBuffer[]::new)));
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch().record("l-" + i, 1).build(), 0);
        }

        assertEquals(25, log.logEndOffset());
        assertEquals(
                "f-13",
                StoredBatch.parseAndRelease(log.read(13, 1, Long.MAX_VALUE, true))
                        .getFirst()
                        .values()
                        .getFirst());
        assertEquals(25, TestEngines.values(log).size());
        engine.close();
    }
}

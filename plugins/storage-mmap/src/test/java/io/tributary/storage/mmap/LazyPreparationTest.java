package io.tributary.storage.mmap;

import static io.tributary.storage.mmap.TestEngines.partition;
import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.tck.storage.ManualTime;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource cache and the page populator are prepared once the broker has started or by the
 * first partition, not when an engine over empty log dirs opens.
 */
class LazyPreparationTest {
    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(TestEngines.START_MS);

    @Test
    void shouldNotPrepareOverEmptyLogDirsUntilAPartitionOpens() {
        MmapStorageEngine engine = TestEngines.open(List.of(tmp.resolve("logs")), time);
        try {
            assertFalse(engine.preparedForPartitions());

            PartitionLog log = engine.open(partition("t", 0), LogConfig.DEFAULT);
            log.appendAsLeader(batch().record("a", 1).record("b", 2).build(), 0);

            assertTrue(engine.preparedForPartitions());
            assertEquals(List.of("a", "b"), TestEngines.values(log));
        } finally {
            engine.close();
        }
    }

    @Test
    void shouldPrepareOnceTheBrokerHasStarted() {
        MmapStorageEngine engine = TestEngines.open(List.of(tmp.resolve("logs")), time);
        try {
            engine.started();

            assertTrue(engine.preparedForPartitions());
            PartitionLog log = engine.open(partition("t", 0), LogConfig.DEFAULT);
            log.appendAsLeader(batch().record("a", 1).build(), 0);
            assertEquals(List.of("a"), TestEngines.values(log));
        } finally {
            engine.close();
        }
    }

    @Test
    void shouldPrepareAtOpenWhenTheLogDirsHoldPartitions() {
        List<Path> dirs = List.of(tmp.resolve("logs"));
        MmapStorageEngine first = TestEngines.open(dirs, time);
        first.open(partition("t", 0), LogConfig.DEFAULT)
                .appendAsLeader(batch().record("kept", 1).build(), 0);
        first.close();

        MmapStorageEngine second = TestEngines.open(dirs, time);
        try {
            assertTrue(second.preparedForPartitions());
            assertEquals(List.of("kept"), TestEngines.values(second.open(partition("t", 0), LogConfig.DEFAULT)));
        } finally {
            second.close();
        }
    }

    @Test
    void shouldCloseAnEngineThatNeverPrepared() {
        MmapStorageEngine engine = TestEngines.open(List.of(tmp.resolve("logs")), time);
        engine.close();

        assertFalse(engine.preparedForPartitions());
    }
}

package io.tributary.storage.mmap;

import static io.tributary.storage.mmap.TestEngines.partition;
import static io.tributary.storage.mmap.TestEngines.values;
import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageException;
import io.tributary.tck.storage.ManualTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk fails appends with a {@link StorageException} (the kernel answers
 * KAFKA_STORAGE_ERROR), never with a crash, and never damages what is stored.
 */
class FullDiskTest {
    /** A property naming a directory on a tiny file system (e.g. a 1 MiB tmpfs) for a real test. */
    static final String SMALL_FS_DIR = "tributary.test.smallFsDir";

    private static final PartitionId P = partition("full", 0);

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(TestEngines.START_MS);

    /** Fails every reservation while the disk is "full"; writes zeros otherwise. */
    private static final class FillableDisk implements SpaceReserver {
        private final SpaceReserver zeros = new ZeroFill();
        volatile boolean full;
        int refused;

        @Override
        public void reserve(Path file, long offset, long length) throws IOException {
            if (full) {
                refused++;
                throw new IOException("No space left on device (injected)");
            }
            zeros.reserve(file, offset, length);
        }
    }

    private static final MmapSettings SMALL_CHUNKS =
            new MmapSettings(100, 100, 1 << 20, 4096, 4096, false, 1, 1, false);

    @Test
    void shouldFailAnAppendWithAStorageExceptionAndKeepTheLogAsItWas() {
        FillableDisk disk = new FillableDisk();
        List<Path> dirs = List.of(tmp.resolve("logs"));
        MmapStorageEngine engine = TestEngines.open(dirs, time, SMALL_CHUNKS, disk);
        PartitionLog log = engine.open(P, LogConfig.DEFAULT);
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(batch().record("a-" + i, 1).build(), 0);
            acked.add("a-" + i);
        }
        long end = log.logEndOffset();
        long size = log.sizeInBytes();

        disk.full = true;
        StorageException e = assertThrows(
                StorageException.class,
                () -> log.appendAsLeader(batch().record("x".repeat(5000), 1).build(), 0));

        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(disk.refused > 0);
        assertEquals(end, log.logEndOffset());
        assertEquals(size, log.sizeInBytes());
        assertEquals(acked, values(log));

        disk.full = false;
        assertEquals(
                end, log.appendAsLeader(batch().record("b-0", 1).build(), 0).firstOffset());
        acked.add("b-0");
        engine.close();
        MmapStorageEngine reopened = TestEngines.open(dirs, time);
        assertEquals(acked, values(reopened.open(P, LogConfig.DEFAULT)));
        reopened.close();
    }

    @Test
    void shouldFailAnAppendThatNeedsANewSegmentOnAFullDiskAndRecoverLater() {
        FillableDisk disk = new FillableDisk();
        List<Path> dirs = List.of(tmp.resolve("logs"));
        MmapStorageEngine engine = TestEngines.open(dirs, time, SMALL_CHUNKS, disk);
        LogConfig small = LogConfig.builder().segmentBytes(1024).build();
        PartitionLog log = engine.open(P, small);
        for (int i = 0; i < 13; i++) {
            log.appendAsLeader(batch().record("a-" + i, 1).build(), 0);
        }
        disk.full = true;
        List<String> before = values(log);

        assertThrows(StorageException.class, () -> {
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch().record("b-" + i, 1).build(), 0);
            }
        });
        long end = log.logEndOffset();

        disk.full = false;
        log.appendAsLeader(batch().record("c-0", 1).build(), 0);
        assertEquals(end + 1, log.logEndOffset());
        List<String> after = values(log);
        assertEquals(before, after.subList(0, before.size()));
        assertEquals("c-0", after.getLast());
        engine.close();
    }

    /**
     * A real full file system: run with {@code -Dtributary.test.smallFsDir=/mnt/small} over e.g.
     * {@code mount -t tmpfs -o size=1m tmpfs /mnt/small}.
     */
    @Test
    void shouldFailAppendsOnARealFullFileSystemWithoutCrashing() throws IOException {
        String dir = System.getProperty(SMALL_FS_DIR);
        assumeTrue(dir != null, "set -D" + SMALL_FS_DIR + " to a directory on a tiny file system");
        fillUp(Path.of(dir), new SpaceReserver.ZeroFill());
        SpaceReserver posix = PosixFallocate.load();
        if (posix != null) {
            fillUp(Path.of(dir), posix);
        }
    }

    private void fillUp(Path dir, SpaceReserver reserver) throws IOException {
        Path logs = Files.createTempDirectory(dir, "full");
        List<Path> dirs = List.of(logs);
        MmapStorageEngine engine = TestEngines.open(dirs, time, MmapSettings.DEFAULT, reserver);
        PartitionLog log = engine.open(P, LogConfig.DEFAULT);
        List<String> acked = new ArrayList<>();
        StorageException failure = null;
        for (int i = 0; i < 100_000 && failure == null; i++) {
            try {
                log.appendAsLeader(
                        batch().record("v-" + i + "-" + "x".repeat(4000), 1).build(), 0);
                acked.add("v-" + i + "-" + "x".repeat(4000));
            } catch (StorageException e) {
                failure = e;
            }
        }
        assertTrue(failure != null, "the file system never filled up");
        assertEquals(acked, values(log));
        // Later appends fit in space reserved earlier or fail the same way; none corrupts the log.
        for (int i = 0; i < 20; i++) {
            String value = "more-" + i + "x".repeat(i * 300);
            try {
                log.appendAsLeader(batch().record(value, 1).build(), 0);
                acked.add(value);
            } catch (StorageException e) {
                assertTrue(e.getMessage().contains("No space left"), e.getMessage());
            }
        }
        assertEquals(acked, values(log));
        engine.close();
        MmapStorageEngine reopened = TestEngines.open(dirs, time);
        assertEquals(acked, values(reopened.open(P, LogConfig.DEFAULT)));
        reopened.close();
        LogFiles.deleteRecursively(logs);
    }
}

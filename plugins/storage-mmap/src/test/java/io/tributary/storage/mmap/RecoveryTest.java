package io.tributary.storage.mmap;

import static io.tributary.storage.mmap.TestEngines.expected;
import static io.tributary.storage.mmap.TestEngines.partition;
import static io.tributary.storage.mmap.TestEngines.values;
import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.EpochEntry;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.RecordBatchLayout;
import io.tributary.spi.storage.StorageException;
import io.tributary.tck.storage.ManualTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery edge cases of the mmap engine, on its real files. */
class RecoveryTest {
    private static final LogConfig SMALL =
            LogConfig.builder().segmentBytes(1024).indexIntervalBytes(128).build();
    private static final PartitionId P = partition("rec", 0);

    @TempDir
    Path tmp;

    private final ManualTime time = new ManualTime(TestEngines.START_MS);
    private List<Path> dirs;
    private MmapStorageEngine engine;

    @BeforeEach
    void open() {
        dirs = List.of(tmp.resolve("logs"));
        engine = TestEngines.open(dirs, time);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private void appendBatches(PartitionLog log, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            log.appendAsLeader(
                    batch().record(prefix + "-" + i, time.milliseconds()).build(), 0);
        }
    }

    private void crash() throws IOException {
        MmapStorageEngine e = engine;
        engine = null;
        CrashSimulation.crash(e, dirs);
    }

    private Path partitionDir() {
        return dirs.getFirst().resolve("rec-0");
    }

    private Path lastSegment() throws IOException {
        return CrashSimulation.segmentFile(dirs, P, OptionalLong.empty());
    }

    @Test
    void shouldTrimPreallocatedSpaceAfterACrashWithoutLosingData() throws IOException {
        PartitionLog log = engine.open(P, LogConfig.DEFAULT);
        appendBatches(log, "a", 5);
        long size = log.sizeInBytes();
        crash();
        assertTrue(Files.size(lastSegment()) > size, "a crashed segment keeps its mapped window");

        engine = TestEngines.open(dirs, time);
        PartitionLog reopened = engine.open(P, LogConfig.DEFAULT);

        assertEquals(expected("a", 0, 5), values(reopened));
        assertEquals(size, Files.size(lastSegment()));
    }

    @Test
    void shouldTruncateWhereOffsetsStopIncreasing() throws IOException {
        appendBatches(engine.open(P, LogConfig.DEFAULT), "a", 10);
        crash();
        CrashSimulation.Batch seventh = CrashSimulation.batches(lastSegment()).get(6);
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE)) {
            // the base offset is outside the CRC: only the offset check can catch this
            ch.write(ByteBuffer.allocate(8).putLong(0, 2), seventh.position() + RecordBatchLayout.BASE_OFFSET);
        }

        engine = TestEngines.open(dirs, time);
        PartitionLog reopened = engine.open(P, LogConfig.DEFAULT);

        assertEquals(6, reopened.logEndOffset());
        assertEquals(expected("a", 0, 6), values(reopened));
    }

    @Test
    void shouldTruncateGarbageWithAnImpossibleLengthAfterTheLastBatch() throws IOException {
        PartitionLog log = engine.open(P, LogConfig.DEFAULT);
        appendBatches(log, "a", 10);
        long size = log.sizeInBytes();
        crash();
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(12).putLong(0, 10).putInt(8, 5), size);
        }

        engine = TestEngines.open(dirs, time);
        PartitionLog reopened = engine.open(P, LogConfig.DEFAULT);

        assertEquals(10, reopened.logEndOffset());
        assertEquals(size, Files.size(lastSegment()));
        assertEquals(
                10, reopened.appendAsLeader(batch().record("b", 1).build(), 0).firstOffset());
    }

    @Test
    void shouldDeleteLaterSegmentsAndWarnOnceWhenAnEarlierSegmentIsCorrupt() throws IOException {
        PartitionLog log = engine.open(P, SMALL);
        appendBatches(log, "a", 60);
        int segments = log.segmentCount();
        crash();
        // Without a recovery point every segment is scanned.
        Files.deleteIfExists(partitionDir().resolve(LogFiles.RECOVERY_POINT_CHECKPOINT));
        CrashSimulation.corruptBatch(dirs, P, 20);

        String warnings = capturingStderr(() -> {
            engine = TestEngines.open(dirs, time);
            engine.open(P, SMALL);
        });

        PartitionLog reopened = engine.open(P, SMALL);
        assertEquals(20, reopened.logEndOffset());
        assertEquals(expected("a", 0, 20), values(reopened));
        assertTrue(reopened.segmentCount() < segments);
        List<String> warnLines =
                warnings.lines().filter(l -> l.contains("WARN")).toList();
        assertEquals(1, warnLines.size(), warnings);
        assertTrue(warnLines.getFirst().contains("rec-0"), warnLines.getFirst());
        assertTrue(warnLines.getFirst().contains("offset 20"), warnLines.getFirst());
        assertTrue(warnLines.getFirst().contains("bad CRC"), warnLines.getFirst());
        engine.close();
        engine = null;
        try (Stream<Path> files = Files.list(partitionDir())) {
            long logs = files.filter(f -> f.toString().endsWith(LogFiles.LOG)).count();
            assertEquals(reopened.segmentCount(), logs, "later segment files are gone");
        }
    }

    @Test
    void shouldRecoverAnUntrimmedLastSegmentEvenWithACleanMarker() throws IOException {
        PartitionLog log = engine.open(P, LogConfig.DEFAULT);
        appendBatches(log, "a", 7);
        long size = log.sizeInBytes();
        crash();
        Files.writeString(dirs.getFirst().resolve(LogFiles.CLEAN_SHUTDOWN), "version: 1\n");

        engine = TestEngines.open(dirs, time);
        PartitionLog reopened = engine.open(P, LogConfig.DEFAULT);

        assertEquals(expected("a", 0, 7), values(reopened));
        assertEquals(size, Files.size(lastSegment()));
    }

    @Test
    void shouldRebuildADamagedIndexAfterACleanShutdown() throws IOException {
        LogConfig config = LogConfig.builder()
                .segmentBytes(64 * 1024)
                .indexIntervalBytes(128)
                .build();
        appendBatches(engine.open(P, config), "a", 300);
        engine.close();
        Path index = partitionDir().resolve(LogFiles.offsetName(0) + LogFiles.INDEX);
        long goodSize = Files.size(index);
        assertTrue(goodSize > IndexFormat.HEADER);
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            ch.truncate(13);
        }

        engine = TestEngines.open(dirs, time);
        PartitionLog reopened = engine.open(P, config);

        assertEquals(goodSize, Files.size(index));
        for (long offset = 0; offset < 300; offset += 7) {
            assertEquals(
                    "a-" + offset,
                    io.tributary.tck.storage.StoredBatch.parseAndRelease(reopened.read(offset, 1, Long.MAX_VALUE, true))
                            .getFirst()
                            .values()
                            .getFirst());
        }
    }

    @Test
    void shouldRebuildEpochsWhenTheirCheckpointIsDamaged() throws IOException {
        PartitionLog log = engine.open(P, LogConfig.DEFAULT);
        for (int epoch = 1; epoch <= 3; epoch++) {
            log.appendAsLeader(batch().record("x", 1).build(), epoch);
            log.appendAsLeader(batch().record("y", 1).build(), epoch);
        }
        engine.close();
        Files.writeString(partitionDir().resolve(LogFiles.LEADER_EPOCH_CHECKPOINT), "1\n7\n1 0\n");

        engine = TestEngines.open(dirs, time);

        assertEquals(
                List.of(new EpochEntry(1, 0), new EpochEntry(2, 2), new EpochEntry(3, 4)),
                engine.open(P, LogConfig.DEFAULT).epochEntries());
    }

    @Test
    void shouldRefuseACheckpointWrittenInANewerFormat() throws IOException {
        appendBatches(engine.open(P, LogConfig.DEFAULT), "a", 3);
        engine.close();
        Files.writeString(partitionDir().resolve(LogFiles.LOG_START_CHECKPOINT), "9\n1\n");

        engine = TestEngines.open(dirs, time);

        StorageException e = assertThrows(StorageException.class, () -> engine.open(P, LogConfig.DEFAULT));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void shouldKeepFilesAtTheirDataSizeAfterClose() throws IOException {
        PartitionLog log =
                engine.open(P, LogConfig.builder().indexIntervalBytes(256).build());
        for (int i = 0; i < 200; i++) {
            log.appendAsLeader(batch().record("v".repeat(100), 1).build(), 0);
        }
        long size = log.sizeInBytes();
        assertTrue(Files.size(lastSegment()) <= MmapSettings.DEFAULT.mapWindowBytes());

        engine.close();

        assertEquals(size, Files.size(lastSegment()));
        Path index = partitionDir().resolve(LogFiles.offsetName(0) + LogFiles.INDEX);
        Path timeIndex = partitionDir().resolve(LogFiles.offsetName(0) + LogFiles.TIME_INDEX);
        long entries = (Files.size(index) - IndexFormat.HEADER) / IndexFormat.OFFSET_ENTRY;
        assertTrue(entries > 0);
        assertEquals(IndexFormat.timeFileSize((int) entries), Files.size(timeIndex));
        assertFalse(Files.exists(partitionDir().resolve(LogFiles.offsetName(0) + LogFiles.TXN_INDEX)));
    }

    /** Runs {@code r} with standard error captured (slf4j-simple writes there). */
    private static String capturingStderr(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}

package io.tributary.tck.storage;

import static io.tributary.tck.storage.BatchBuilder.batch;
import static io.tributary.tck.storage.BatchBuilder.concat;
import static io.tributary.tck.storage.BatchBuilder.records;
import static io.tributary.tck.storage.StoredBatch.bytesOf;
import static io.tributary.tck.storage.StoredBatch.parseAll;
import static io.tributary.tck.storage.StoredBatch.parseAndRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.AppendResult;
import io.tributary.spi.storage.CompactionRequest;
import io.tributary.spi.storage.CompactionResult;
import io.tributary.spi.storage.CorruptRecordException;
import io.tributary.spi.storage.EpochEntry;
import io.tributary.spi.storage.IoThrottle;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.OffsetOutOfRangeException;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.ProducerSnapshot;
import io.tributary.spi.storage.RecordBatchLayout;
import io.tributary.spi.storage.RecordBatchTooLargeException;
import io.tributary.spi.storage.StorageCapability;
import io.tributary.spi.storage.StorageContext;
import io.tributary.spi.storage.StorageEngine;
import io.tributary.spi.storage.StorageProvider;
import io.tributary.spi.storage.TimestampOffset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract every engine passes: extend this class in the engine's tests and
 * implement the hooks. Every test opens a fresh engine over a fresh directory (through {@link
 * #provider()}, as the kernel does) and talks to it only through the SPI.
 *
 * <p>Capabilities (Trino's {@code hasBehavior} idea): only {@link StorageCapability} extras are
 * optional; each declared one is checked to be truthful and an undeclared one to behave as its
 * Javadoc says. Everything else is mandatory and tested without exception.
 *
 * <p>The crash hooks let each engine simulate failures in its own terms: a {@code kill -9}, a
 * power loss that drops what was not synced, a torn write and a corrupt batch.
 */
public abstract class StorageEngineContract {

    /** A log whose segments hold about a dozen small batches. */
    protected static final LogConfig SMALL_SEGMENTS =
            LogConfig.builder().segmentBytes(1024).indexIntervalBytes(128).build();

    /** Start of every test's clock: a realistic epoch-millis value. */
    protected static final long START_MS = 1_700_000_000_000L;

    /** The clock every engine in this test gets. */
    protected final ManualTime time = new ManualTime(START_MS);

    @TempDir
    protected Path tempDir;

    /** The directories the engine under test stores into (created by the engine). */
    protected List<Path> logDirs;

    /** The engine under test; tests that crash it replace it. */
    protected StorageEngine engine;

    // ---------------------------------------------------------------- hooks

    /** The provider under test, found as the kernel would (or constructed directly). */
    protected abstract StorageProvider provider();

    /** The engine's own settings ({@code storage.<name>.*}); none by default. */
    protected PluginSettings settings() {
        return PluginSettings.empty();
    }

    /**
     * Ends {@code engine} as {@code kill -9} would: on return the engine is unusable, its
     * resources are released, and its files are what a killed process leaves behind (everything
     * written is in the operating system's hands; no clean-shutdown work was done).
     */
    protected abstract void simulateCrash(StorageEngine engine, List<Path> logDirs) throws IOException;

    /**
     * Like {@link #simulateCrash}, then additionally loses what a power cut loses: every byte
     * appended after the last {@link PartitionLog#sync()} of its partition may be gone or
     * damaged.
     */
    protected abstract void simulatePowerLoss(StorageEngine engine, List<Path> logDirs) throws IOException;

    /**
     * Damages, in the files of a crashed engine, the stored batch that holds {@code offset} so
     * that its CRC no longer matches (a bit flip inside its records).
     */
    protected abstract void corruptBatch(List<Path> logDirs, PartitionId partition, long offset) throws IOException;

    /**
     * Tears, in the files of a crashed engine, the partition's last batch: only its first part
     * reached the disk, as when a process dies in the middle of a write.
     */
    protected abstract void tearLastBatch(List<Path> logDirs, PartitionId partition) throws IOException;

    /** How many partitions {@link #shouldServeManyPartitionsAndReopenThem()} opens. */
    protected int manyPartitions() {
        return 2000;
    }

    // ---------------------------------------------------------------- fixtures

    @BeforeEach
    final void openEngine() {
        logDirs = List.of(tempDir.resolve("logs"));
        engine = newEngine();
    }

    @AfterEach
    final void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    /** A new engine over {@link #logDirs}, as the kernel opens one. */
    protected StorageEngine newEngine() {
        return provider().open(new StorageContext(logDirs, settings(), time));
    }

    /** Closes the engine cleanly and opens it again. */
    protected void reopenEngine() {
        engine.close();
        engine = newEngine();
    }

    /** Crashes the engine ({@link #simulateCrash}) and opens it again. */
    protected void crashAndReopen() throws IOException {
        StorageEngine crashed = engine;
        engine = null;
        simulateCrash(crashed, logDirs);
        engine = newEngine();
    }

    protected static PartitionId partition(String topic, int partition) {
        return new PartitionId(topic, topicId(topic), partition);
    }

    protected static UUID topicId(String topic) {
        return UUID.nameUUIDFromBytes(topic.getBytes(StandardCharsets.UTF_8));
    }

    protected PartitionLog open(String topic, LogConfig config) {
        return engine.open(partition(topic, 0), config);
    }

    /** Appends one batch of {@code records} records as leader in epoch 0, stamped now. */
    protected AppendResult append(PartitionLog log, String prefix, int records) {
        return log.appendAsLeader(records(prefix, records, time.milliseconds()), 0);
    }

    /** Appends {@code batches} single-record batches valued {@code prefix-i}, stamped now. */
    protected void appendBatches(PartitionLog log, String prefix, int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(
                    batch().record(prefix + "-" + i, time.milliseconds()).build(), 0);
        }
    }

    /**
     * Reads the whole log from its start offset, batch after batch, checking that every batch is
     * whole, has a valid CRC and follows the one before.
     */
    protected static List<StoredBatch> readAll(PartitionLog log) {
        List<StoredBatch> all = new ArrayList<>();
        long next = log.logStartOffset();
        long end = log.logEndOffset();
        while (next < end) {
            List<StoredBatch> batches = parseAndRelease(log.read(next, 64 * 1024, Long.MAX_VALUE, true));
            assertFalse(batches.isEmpty(), "no batch returned at offset " + next + " below the end " + end);
            for (StoredBatch b : batches) {
                assertTrue(b.crcValid(), "CRC of batch at " + b.baseOffset());
                assertTrue(b.lastOffset() >= next, "batch " + b + " ends before offset " + next);
                if (!all.isEmpty()) {
                    assertTrue(b.baseOffset() > all.getLast().lastOffset(), "offsets go backwards at " + b);
                }
                all.add(b);
                next = b.lastOffset() + 1;
            }
        }
        return all;
    }

    protected static List<String> values(List<StoredBatch> batches) {
        return batches.stream().flatMap(b -> b.values().stream()).toList();
    }

    protected static List<String> expected(String prefix, int from, int to) {
        List<String> v = new ArrayList<>();
        for (int i = from; i < to; i++) {
            v.add(prefix + "-" + i);
        }
        return v;
    }

    /** The log's data batches (no transaction markers). */
    protected static List<StoredBatch> nonControl(PartitionLog log) {
        return readAll(log).stream().filter(b -> !b.isControl()).toList();
    }

    /** The control batch at {@code offset}, if it is still there. */
    protected static Optional<StoredBatch> markerBatch(PartitionLog log, long offset) {
        return readAll(log).stream()
                .filter(b -> b.isControl() && b.baseOffset() == offset)
                .findFirst();
    }

    private static List<StoredBatch> readAt(PartitionLog log, long offset, int maxBytes) {
        return parseAndRelease(log.read(offset, maxBytes, Long.MAX_VALUE, true));
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * {@link StorageEngine#started()} comes once the broker serves, before or after its first
     * partition: it returns promptly, and partitions opened before and after it, and after a
     * reopen, hold what was appended.
     */
    @Test
    @Timeout(30)
    void shouldServePartitionsOpenedBeforeAndAfterStarted() {
        PartitionLog before = open("before-started", LogConfig.DEFAULT);
        append(before, "b", 2);
        engine.started();
        PartitionLog after = open("after-started", LogConfig.DEFAULT);
        append(after, "a", 3);
        assertEquals(expected("b", 0, 2), values(readAll(before)));
        assertEquals(expected("a", 0, 3), values(readAll(after)));

        reopenEngine();
        engine.started();
        assertEquals(expected("b", 0, 2), values(readAll(open("before-started", LogConfig.DEFAULT))));
        assertEquals(expected("a", 0, 3), values(readAll(open("after-started", LogConfig.DEFAULT))));
    }

    // ---------------------------------------------------------------- capabilities

    @Test
    void shouldDeclareTheSameCapabilitiesAfterReopen() {
        Set<StorageCapability> declared = engine.capabilities();
        assertNotNull(declared);
        reopenEngine();
        assertEquals(declared, engine.capabilities());
    }

    @Test
    void shouldReturnSlicesOfTheKindTheFileRegionCapabilityDeclares() {
        PartitionLog log = open("caps", LogConfig.DEFAULT);
        append(log, "v", 3);
        LogSlice slice = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        try {
            if (engine.capabilities().contains(StorageCapability.FILE_REGION_READS)) {
                LogSlice.FileRegion region = assertInstanceOf(LogSlice.FileRegion.class, slice);
                assertTrue(region.channel().isOpen());
                assertEquals(expected("v", 0, 3), values(parseAll(bytesOf(region))));
            } else {
                LogSlice.Memory memory = assertInstanceOf(LogSlice.Memory.class, slice);
                assertTrue(memory.buffer().isReadOnly());
                assertEquals(expected("v", 0, 3), values(parseAll(bytesOf(memory))));
            }
        } finally {
            slice.release();
        }
    }

    /**
     * With GROUP_COMMIT_SYNC one sync covers every append before it; without it sync still works
     * (perhaps one flush per call). Either way nothing acknowledged after a sync is lost.
     */
    @Test
    void shouldMakeEveryAppendBeforeOneSyncDurable() throws IOException {
        PartitionLog log = open("group-commit", SMALL_SEGMENTS);
        int appends = engine.capabilities().contains(StorageCapability.GROUP_COMMIT_SYNC) ? 60 : 5;
        appendBatches(log, "acked", appends);
        log.sync();
        assertEquals(log.logEndOffset(), log.recoveryPoint());

        StorageEngine crashed = engine;
        engine = null;
        simulatePowerLoss(crashed, logDirs);
        engine = newEngine();

        PartitionLog reopened = open("group-commit", SMALL_SEGMENTS);
        assertEquals(expected("acked", 0, appends), values(readAll(reopened)));
    }

    // ---------------------------------------------------------------- append

    @Test
    void shouldAssignConsecutiveOffsetsFromZero() {
        PartitionLog log = open("offsets", LogConfig.DEFAULT);
        assertEquals(0, log.logStartOffset());
        assertEquals(0, log.logEndOffset());

        AppendResult first = append(log, "a", 3);
        AppendResult second = append(log, "b", 2);

        assertEquals(0, first.firstOffset());
        assertEquals(2, first.lastOffset());
        assertEquals(3, second.firstOffset());
        assertEquals(4, second.lastOffset());
        assertEquals(5, log.logEndOffset());
        List<StoredBatch> stored = readAll(log);
        assertEquals(
                List.of(0L, 3L), stored.stream().map(StoredBatch::baseOffset).toList());
        assertEquals(List.of("a-0", "a-1", "a-2", "b-0", "b-1"), values(stored));
    }

    @Test
    void shouldPatchBaseOffsetAndEpochOfEveryBatchInOneAppendAndKeepTheCrcValid() {
        PartitionLog log = open("patch", LogConfig.DEFAULT);
        append(log, "before", 1);
        ByteBuffer three = concat(
                batch().baseOffset(999).leaderEpoch(77).record("x", START_MS).build(),
                batch().baseOffset(12345)
                        .record("y", START_MS)
                        .record("z", START_MS)
                        .build(),
                batch().record("w", START_MS).build());

        AppendResult result = log.appendAsLeader(three, 4);

        assertEquals(1, result.firstOffset());
        assertEquals(4, result.lastOffset());
        assertEquals(three.remaining(), result.bytes());
        List<StoredBatch> stored = readAll(log);
        assertEquals(
                List.of(0L, 1L, 2L, 4L),
                stored.stream().map(StoredBatch::baseOffset).toList());
        assertEquals(
                List.of(0L, 1L, 3L, 4L),
                stored.stream().map(StoredBatch::lastOffset).toList());
        assertEquals(
                List.of(0, 4, 4, 4),
                stored.stream().map(StoredBatch::leaderEpoch).toList());
        assertTrue(stored.stream().allMatch(StoredBatch::crcValid));
    }

    @Test
    void shouldNotChangeTheCallersBuffer() {
        PartitionLog log = open("caller-buffer", LogConfig.DEFAULT);
        append(log, "first", 1);
        ByteBuffer batch = records("v", 2, START_MS);
        ByteBuffer before =
                ByteBuffer.allocate(batch.remaining()).put(batch.duplicate()).flip();

        log.appendAsLeader(batch, 3);

        assertEquals(0, batch.position());
        assertEquals(before, batch);
    }

    @Test
    void shouldReportTheLargestTimestampOfAnAppend() {
        PartitionLog log = open("append-ts", LogConfig.DEFAULT);
        ByteBuffer batches = concat(
                batch().record("a", START_MS + 5).record("b", START_MS + 50).build(),
                batch().record("c", START_MS + 7).build());

        AppendResult result = log.appendAsLeader(batches, 0);

        assertEquals(START_MS + 50, result.maxTimestamp());
        assertEquals(1, result.offsetOfMaxTimestamp());
    }

    @Test
    void shouldRejectATruncatedBatchAndLeaveTheLogUnchanged() {
        PartitionLog log = open("torn-input", LogConfig.DEFAULT);
        append(log, "ok", 1);
        ByteBuffer whole = records("bad", 3, START_MS);
        ByteBuffer cut = whole.slice(0, whole.remaining() - 5);

        assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(cut, 0));

        assertEquals(1, log.logEndOffset());
        assertEquals(List.of("ok-0"), values(readAll(log)));
        append(log, "after", 1);
        assertEquals(List.of("ok-0", "after-0"), values(readAll(log)));
    }

    @Test
    void shouldRejectABatchWithAnotherMagic() {
        PartitionLog log = open("magic", LogConfig.DEFAULT);
        ByteBuffer batch = records("m", 1, START_MS);
        batch.put(RecordBatchLayout.MAGIC, (byte) 1);

        assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(batch, 0));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void shouldRejectAnEmptyAppend() {
        PartitionLog log = open("empty-append", LogConfig.DEFAULT);

        assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(ByteBuffer.allocate(0), 0));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void shouldRejectAnAppendLargerThanASegment() {
        PartitionLog log = open("too-large", SMALL_SEGMENTS);
        append(log, "small", 1);
        ByteBuffer big = batch().record("x".repeat(2000), START_MS).build();

        assertThrows(RecordBatchTooLargeException.class, () -> log.appendAsLeader(big, 0));
        assertEquals(1, log.logEndOffset());
        assertEquals(List.of("small-0"), values(readAll(log)));
    }

    @Test
    void shouldRecordLeaderEpochChangesOnLeaderAppends() {
        PartitionLog log = open("epochs", LogConfig.DEFAULT);
        log.appendAsLeader(records("a", 2, START_MS), 0);
        log.appendAsLeader(records("b", 2, START_MS), 0);
        log.appendAsLeader(records("c", 3, START_MS), 3);
        log.appendAsLeader(records("d", 1, START_MS), 5);

        assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(3, 4), new EpochEntry(5, 7)), log.epochEntries());
    }

    @Test
    void shouldKeepFollowerOffsetsAndEpochsIncludingGaps() {
        PartitionLog log = open("follower", LogConfig.DEFAULT);
        ByteBuffer fetched = concat(
                batch().baseOffset(0)
                        .leaderEpoch(1)
                        .record("a", START_MS)
                        .record("b", START_MS)
                        .build(),
                batch().baseOffset(5).leaderEpoch(2).record("c", START_MS).build());

        AppendResult result = log.appendAsFollower(fetched);

        assertEquals(0, result.firstOffset());
        assertEquals(5, result.lastOffset());
        assertEquals(6, log.logEndOffset());
        List<StoredBatch> stored = readAll(log);
        assertEquals(
                List.of(0L, 5L), stored.stream().map(StoredBatch::baseOffset).toList());
        assertEquals(
                List.of(1, 2), stored.stream().map(StoredBatch::leaderEpoch).toList());
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 5)), log.epochEntries());
        List<StoredBatch> fromGap = readAt(log, 3, 1 << 20);
        assertEquals(5, fromGap.getFirst().baseOffset());
    }

    @Test
    void shouldRejectFollowerBatchesBelowTheLogEndOrOutOfOrder() {
        PartitionLog log = open("follower-order", LogConfig.DEFAULT);
        log.appendAsFollower(
                batch().baseOffset(0).leaderEpoch(1).record("a", START_MS).build());

        ByteBuffer behind =
                batch().baseOffset(0).leaderEpoch(1).record("again", START_MS).build();
        assertThrows(CorruptRecordException.class, () -> log.appendAsFollower(behind));
        ByteBuffer backwards = concat(
                batch().baseOffset(5).leaderEpoch(1).record("x", START_MS).build(),
                batch().baseOffset(3).leaderEpoch(1).record("y", START_MS).build());
        assertThrows(CorruptRecordException.class, () -> log.appendAsFollower(backwards));

        assertEquals(1, log.logEndOffset());
        assertEquals(List.of("a"), values(readAll(log)));
    }

    @Test
    void shouldSpreadALargeFollowerAppendOverSeveralSegments() {
        PartitionLog log = open("follower-large", SMALL_SEGMENTS);
        List<ByteBuffer> batches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batches.add(batch().baseOffset(i)
                    .leaderEpoch(0)
                    .record("f-" + i, START_MS)
                    .build());
        }

        log.appendAsFollower(concat(batches.toArray(ByteBuffer[]::new)));

        assertEquals(40, log.logEndOffset());
        assertTrue(log.segmentCount() > 1, "segments: " + log.segmentCount());
        assertEquals(expected("f", 0, 40), values(readAll(log)));
    }

    // ---------------------------------------------------------------- reads

    @Test
    void shouldReadTheWholeBatchHoldingAnOffsetInsideIt() {
        PartitionLog log = open("inside", LogConfig.DEFAULT);
        append(log, "a", 5);
        append(log, "b", 5);

        List<StoredBatch> read = readAt(log, 7, 1 << 20);

        assertEquals(5, read.getFirst().baseOffset());
        assertEquals(expected("b", 0, 5), read.getFirst().values());
    }

    @Test
    void shouldReadEveryOffsetAcrossSegments() {
        PartitionLog log = open("across", SMALL_SEGMENTS);
        appendBatches(log, "s", 100);
        assertTrue(log.segmentCount() >= 5, "segments: " + log.segmentCount());

        for (long offset = 0; offset < 100; offset++) {
            List<StoredBatch> read = readAt(log, offset, 300);
            assertEquals(offset, read.getFirst().baseOffset());
            assertEquals("s-" + offset, read.getFirst().values().getFirst());
        }
        assertEquals(expected("s", 0, 100), values(readAll(log)));
    }

    @Test
    void shouldReadEveryOffsetWithASparseIndexAfterReopen() {
        LogConfig config = LogConfig.builder()
                .segmentBytes(64 * 1024)
                .indexIntervalBytes(256)
                .build();
        PartitionLog log = open("sparse", config);
        Random random = new Random(42);
        List<Long> bases = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            bases.add(log.logEndOffset());
            append(log, "r" + i, 1 + random.nextInt(4));
        }
        reopenEngine();
        PartitionLog reopened = open("sparse", config);

        for (long offset = 0; offset < reopened.logEndOffset(); offset++) {
            int i = 0;
            while (i + 1 < bases.size() && bases.get(i + 1) <= offset) {
                i++;
            }
            assertEquals(bases.get(i), readAt(reopened, offset, 1).getFirst().baseOffset(), "offset " + offset);
        }
    }

    @Test
    void shouldStopBeforeABatchThatWouldExceedMaxBytes() {
        PartitionLog log = open("max-bytes", LogConfig.DEFAULT);
        appendBatches(log, "m", 10);
        int one = readAt(log, 0, 1).getFirst().sizeInBytes();

        LogSlice slice = log.read(0, one * 3 + one / 2, Long.MAX_VALUE, false);

        assertEquals(3 * one, slice.sizeInBytes());
        assertEquals(0, slice.firstOffset());
        assertEquals(expected("m", 0, 3), values(parseAndRelease(slice)));
    }

    @Test
    void shouldReturnTheFirstBatchWithMinOneBatchEvenWhenLargerThanMaxBytes() {
        PartitionLog log = open("min-one", LogConfig.DEFAULT);
        append(log, "big", 10);
        append(log, "next", 1);

        List<StoredBatch> read = parseAndRelease(log.read(0, 10, Long.MAX_VALUE, true));

        assertEquals(1, read.size());
        assertEquals(expected("big", 0, 10), read.getFirst().values());
    }

    @Test
    void shouldReturnNothingWhenTheFirstBatchExceedsMaxBytesWithoutMinOneBatch() {
        PartitionLog log = open("no-min-one", LogConfig.DEFAULT);
        append(log, "big", 10);

        LogSlice slice = log.read(0, 10, Long.MAX_VALUE, false);

        assertEquals(0, slice.sizeInBytes());
        slice.release();
    }

    @Test
    void shouldNotReturnBatchesReachingMaxOffset() {
        PartitionLog log = open("max-offset", LogConfig.DEFAULT);
        append(log, "a", 2); // 0-1
        append(log, "b", 2); // 2-3
        append(log, "c", 2); // 4-5

        assertEquals(List.of("a-0", "a-1", "b-0", "b-1"), values(parseAndRelease(log.read(0, 1 << 20, 4, true))));
        assertEquals(List.of("a-0", "a-1"), values(parseAndRelease(log.read(0, 1 << 20, 3, true))));
        LogSlice none = log.read(2, 1 << 20, 3, true);
        assertEquals(0, none.sizeInBytes());
        none.release();
        LogSlice atBound = log.read(4, 1 << 20, 4, true);
        assertEquals(0, atBound.sizeInBytes());
        atBound.release();
    }

    @Test
    void shouldReturnAnEmptySliceAtTheLogEnd() {
        PartitionLog log = open("at-end", LogConfig.DEFAULT);
        LogSlice empty = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        assertEquals(0, empty.sizeInBytes());
        empty.release();
        append(log, "a", 2);

        LogSlice atEnd = log.read(2, 1 << 20, Long.MAX_VALUE, true);

        assertEquals(0, atEnd.sizeInBytes());
        atEnd.release();
    }

    @Test
    void shouldThrowOutOfRangeOutsideTheLog() {
        PartitionLog log = open("out-of-range", SMALL_SEGMENTS);
        appendBatches(log, "o", 30);
        log.deleteRecordsBefore(20);

        assertThrows(OffsetOutOfRangeException.class, () -> log.read(31, 100, Long.MAX_VALUE, true));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(19, 100, Long.MAX_VALUE, true));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100, Long.MAX_VALUE, true));
        assertEquals(20, readAt(log, 20, 100).getFirst().baseOffset());
    }

    @Test
    void shouldCountSliceReferences() {
        PartitionLog log = open("refcount", LogConfig.DEFAULT);
        append(log, "r", 1);
        LogSlice slice = log.read(0, 1 << 20, Long.MAX_VALUE, true);

        assertEquals(1, slice.refCnt());
        assertSame(slice, slice.retain());
        assertEquals(2, slice.refCnt());
        slice.release();
        assertEquals(List.of("r-0"), values(parseAll(bytesOf(slice))));
        slice.release();
        assertEquals(0, slice.refCnt());
        assertThrows(IllegalStateException.class, slice::retain);
    }

    // ---------------------------------------------------------------- time index

    @Test
    void shouldFindOffsetsByTimestampAcrossSegments() {
        PartitionLog log = open("by-time", SMALL_SEGMENTS);
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(batch().record("t-" + i, START_MS + i * 10L).build(), 2);
        }
        assertTrue(log.segmentCount() > 3);

        assertEquals(Optional.of(new TimestampOffset(START_MS, 0, 2)), log.offsetForTimestamp(0));
        assertEquals(Optional.of(new TimestampOffset(START_MS + 250, 25, 2)), log.offsetForTimestamp(START_MS + 250));
        assertEquals(Optional.of(new TimestampOffset(START_MS + 260, 26, 2)), log.offsetForTimestamp(START_MS + 251));
        assertEquals(Optional.of(new TimestampOffset(START_MS + 590, 59, 2)), log.offsetForTimestamp(START_MS + 590));
        assertEquals(Optional.empty(), log.offsetForTimestamp(START_MS + 591));
    }

    @Test
    void shouldFindOffsetsByTimestampWithTimestampsOutOfOrder() {
        PartitionLog log = open("by-time-unordered", SMALL_SEGMENTS);
        long[] ts = {50, 10, 40, 70, 20, 60, 30, 90, 80, 100};
        for (int round = 0; round < 3; round++) {
            for (long t : ts) {
                log.appendAsLeader(
                        batch().record("x", START_MS + round * 1000L + t).build(), 0);
            }
        }

        // the first batch whose max timestamp reaches the target, in offset order
        assertEquals(3, log.offsetForTimestamp(START_MS + 65).orElseThrow().offset());
        assertEquals(13, log.offsetForTimestamp(START_MS + 1065).orElseThrow().offset());
        assertEquals(20, log.offsetForTimestamp(START_MS + 1101).orElseThrow().offset());
        assertEquals(
                new TimestampOffset(START_MS + 2100, 29, 0),
                log.offsetForTimestamp(START_MS + 2095).orElseThrow());
    }

    @Test
    void shouldNotAnswerTimestampLookupsBelowTheLogStart() {
        PartitionLog log = open("by-time-start", SMALL_SEGMENTS);
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(batch().record("t-" + i, START_MS + i).build(), 0);
        }
        log.deleteRecordsBefore(17);

        assertEquals(17, log.offsetForTimestamp(0).orElseThrow().offset());
        assertEquals(17, log.offsetForTimestamp(START_MS + 5).orElseThrow().offset());
    }

    @Test
    void shouldFindTheMaxTimestampWithTimestampsOutOfOrder() {
        PartitionLog log = open("max-ts", SMALL_SEGMENTS);
        assertEquals(Optional.empty(), log.maxTimestamp());
        for (int i = 0; i < 40; i++) {
            long ts = i == 13 ? START_MS + 1_000_000 : START_MS + i;
            log.appendAsLeader(batch().record("a", ts).record("b", ts - 1).build(), 1);
        }

        assertEquals(Optional.of(new TimestampOffset(START_MS + 1_000_000, 27, 1)), log.maxTimestamp());
        reopenEngine();
        PartitionLog reopened = open("max-ts", SMALL_SEGMENTS);
        assertEquals(Optional.of(new TimestampOffset(START_MS + 1_000_000, 27, 1)), reopened.maxTimestamp());
        assertEquals(
                26, reopened.offsetForTimestamp(START_MS + 500).orElseThrow().offset());
    }

    @Test
    void shouldFindOffsetsByTimestampAfterACrash() throws IOException {
        PartitionLog log = open("by-time-crash", SMALL_SEGMENTS);
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(batch().record("t-" + i, START_MS + i * 10L).build(), 0);
        }
        crashAndReopen();
        PartitionLog reopened = open("by-time-crash", SMALL_SEGMENTS);

        assertEquals(
                31, reopened.offsetForTimestamp(START_MS + 305).orElseThrow().offset());
        assertEquals(
                new TimestampOffset(START_MS + 490, 49, 0),
                reopened.maxTimestamp().orElseThrow());
    }

    // ---------------------------------------------------------------- roll

    @Test
    void shouldRollWhenTheActiveSegmentIsFull() {
        PartitionLog log = open("roll-size", SMALL_SEGMENTS);
        assertEquals(1, log.segmentCount());
        ByteBuffer batch = records("same-size", 1, START_MS);
        int batchSize = batch.remaining();
        int perSegment = 1024 / batchSize;

        for (int i = 0; i < perSegment; i++) {
            log.appendAsLeader(batch.duplicate(), 0);
        }
        assertEquals(1, log.segmentCount());
        log.appendAsLeader(batch.duplicate(), 0);

        assertEquals(2, log.segmentCount());
        assertEquals((long) (perSegment + 1) * batchSize, log.sizeInBytes());
        assertEquals(perSegment + 1, readAll(log).size());
    }

    @Test
    void shouldRollWhenSegmentMsHasPassedOnAppend() {
        LogConfig config = LogConfig.builder().segmentMs(10_000).build();
        PartitionLog log = open("roll-time", config);
        append(log, "a", 1);
        time.advance(5_000);
        append(log, "b", 1);
        assertEquals(1, log.segmentCount());

        time.advance(5_001);
        append(log, "c", 1);

        assertEquals(2, log.segmentCount());
        assertEquals(List.of("a-0", "b-0", "c-0"), values(readAll(log)));
    }

    @Test
    void shouldRollAnOldActiveSegmentOnRetentionButNeverAnEmptyOne() {
        LogConfig config = LogConfig.builder().segmentMs(10_000).build();
        PartitionLog log = open("roll-retention", config);
        time.advance(20_000);
        log.enforceRetention(time.milliseconds());
        assertEquals(1, log.segmentCount());

        append(log, "a", 1);
        time.advance(10_001);
        assertEquals(0, log.enforceRetention(time.milliseconds()));

        assertEquals(2, log.segmentCount());
        assertEquals(1, log.logEndOffset());
        append(log, "b", 1);
        assertEquals(List.of("a-0", "b-0"), values(readAll(log)));
    }

    @Test
    void shouldApplyAnUpdatedConfigWithoutReopening() {
        PartitionLog log = open("update-config", LogConfig.DEFAULT);
        appendBatches(log, "a", 30);
        assertEquals(1, log.segmentCount());

        log.updateConfig(SMALL_SEGMENTS);
        assertEquals(SMALL_SEGMENTS, log.config());
        appendBatches(log, "b", 30);

        assertTrue(log.segmentCount() > 2, "segments: " + log.segmentCount());
        List<String> all = new ArrayList<>(expected("a", 0, 30));
        all.addAll(expected("b", 0, 30));
        assertEquals(all, values(readAll(log)));
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void shouldRemoveAStraddlingBatchWholeOnTruncation() {
        PartitionLog log = open("truncate-inside", LogConfig.DEFAULT);
        append(log, "a", 5); // 0-4
        append(log, "b", 5); // 5-9
        append(log, "c", 5); // 10-14

        log.truncateTo(7);

        assertEquals(5, log.logEndOffset());
        assertEquals(expected("a", 0, 5), values(readAll(log)));
        assertEquals(5, append(log, "d", 1).firstOffset());
        assertEquals(List.of("a-0", "a-1", "a-2", "a-3", "a-4", "d-0"), values(readAll(log)));
    }

    @Test
    void shouldTruncateAcrossSegmentsAndKeepAppending() {
        PartitionLog log = open("truncate-across", SMALL_SEGMENTS);
        appendBatches(log, "a", 60);
        int before = log.segmentCount();
        long sizeBefore = log.sizeInBytes();

        log.truncateTo(15);

        assertEquals(15, log.logEndOffset());
        assertTrue(log.segmentCount() < before);
        assertTrue(log.sizeInBytes() < sizeBefore);
        assertEquals(expected("a", 0, 15), values(readAll(log)));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(16, 100, Long.MAX_VALUE, true));
        appendBatches(log, "b", 30);
        List<String> all = new ArrayList<>(expected("a", 0, 15));
        all.addAll(expected("b", 0, 30));
        assertEquals(all, values(readAll(log)));
    }

    @Test
    void shouldIgnoreTruncationAtOrAfterTheLogEnd() {
        PartitionLog log = open("truncate-noop", LogConfig.DEFAULT);
        append(log, "a", 3);

        log.truncateTo(3);
        log.truncateTo(100);

        assertEquals(3, log.logEndOffset());
        assertEquals(expected("a", 0, 3), values(readAll(log)));
    }

    @Test
    void shouldKeepATruncationAfterReopenAndAfterACrash() throws IOException {
        PartitionLog log = open("truncate-durable", SMALL_SEGMENTS);
        appendBatches(log, "a", 40);
        log.sync();
        log.truncateTo(25);
        reopenEngine();
        assertEquals(expected("a", 0, 25), values(readAll(open("truncate-durable", SMALL_SEGMENTS))));

        PartitionLog again = open("truncate-durable", SMALL_SEGMENTS);
        again.truncateTo(9);
        crashAndReopen();
        PartitionLog afterCrash = open("truncate-durable", SMALL_SEGMENTS);
        assertEquals(9, afterCrash.logEndOffset());
        assertEquals(expected("a", 0, 9), values(readAll(afterCrash)));
    }

    @Test
    void shouldTruncateFullyAndStartAtAnOffset() {
        PartitionLog log = open("truncate-fully", SMALL_SEGMENTS);
        appendBatches(log, "a", 40);
        log.writeProducerSnapshot(20, ByteBuffer.wrap(new byte[] {1}));
        log.appendAbortedTransaction(new AbortedTxn(7, 3, 5, 3));

        log.truncateFullyAndStartAt(1000);

        assertEquals(1000, log.logStartOffset());
        assertEquals(1000, log.logEndOffset());
        assertEquals(1, log.segmentCount());
        assertEquals(List.of(), log.epochEntries());
        assertEquals(Optional.empty(), log.latestProducerSnapshot());
        assertEquals(List.of(), log.abortedTransactions(0, Long.MAX_VALUE));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(999, 100, Long.MAX_VALUE, true));
        assertEquals(1000, append(log, "b", 2).firstOffset());

        reopenEngine();
        PartitionLog reopened = open("truncate-fully", SMALL_SEGMENTS);
        assertEquals(1000, reopened.logStartOffset());
        assertEquals(expected("b", 0, 2), values(readAll(reopened)));
        assertEquals(List.of(new EpochEntry(0, 1000)), reopened.epochEntries());
    }

    @Test
    void shouldTruncateFullyWhenTruncatingBelowTheFirstSegment() {
        PartitionLog log = open("truncate-below", SMALL_SEGMENTS);
        log.truncateFullyAndStartAt(100);
        appendBatches(log, "a", 5);

        log.truncateTo(50);

        assertEquals(50, log.logStartOffset());
        assertEquals(50, log.logEndOffset());
        assertEquals(50, append(log, "b", 1).firstOffset());
    }

    // ---------------------------------------------------------------- retention

    @Test
    void shouldDeleteSegmentsOlderThanRetentionMs() {
        LogConfig config = SMALL_SEGMENTS.toBuilder().retentionMs(60_000).build();
        PartitionLog log = open("retention-time", config);
        appendBatches(log, "old", 30);
        time.advance(30_000);
        appendBatches(log, "new", 30);
        int segments = log.segmentCount();
        assertEquals(0, log.enforceRetention(time.milliseconds()));

        time.advance(30_001);
        int deleted = log.enforceRetention(time.milliseconds());

        assertTrue(deleted > 0);
        assertEquals(segments - deleted, log.segmentCount());
        assertTrue(log.logStartOffset() > 0 && log.logStartOffset() <= 30, "start " + log.logStartOffset());
        assertEquals(60, log.logEndOffset());
        List<String> kept = values(readAll(log));
        assertTrue(kept.containsAll(expected("new", 0, 30)));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 100, Long.MAX_VALUE, true));
    }

    @Test
    void shouldRollAndDeleteAnActiveSegmentPastRetentionButKeepTheLogEnd() {
        LogConfig config = SMALL_SEGMENTS.toBuilder().retentionMs(60_000).build();
        PartitionLog log = open("retention-all", config);
        appendBatches(log, "old", 30);
        time.advance(60_001);

        log.enforceRetention(time.milliseconds());

        assertEquals(30, log.logEndOffset());
        assertEquals(30, log.logStartOffset());
        assertEquals(1, log.segmentCount());
        assertEquals(30, append(log, "new", 1).firstOffset());
        assertEquals(List.of("new-0"), values(readAll(log)));
    }

    @Test
    void shouldDeleteTheOldestSegmentsBeyondRetentionBytes() {
        LogConfig config = SMALL_SEGMENTS.toBuilder().retentionBytes(3000).build();
        PartitionLog log = open("retention-size", config);
        appendBatches(log, "s", 120);
        long size = log.sizeInBytes();
        assertTrue(size > 6000);

        int deleted = log.enforceRetention(time.milliseconds());

        // As in Kafka, a segment goes only if what remains is still at least retention.bytes.
        assertTrue(deleted > 0);
        assertTrue(log.sizeInBytes() >= 3000, "deleted too much: " + log.sizeInBytes());
        assertTrue(log.sizeInBytes() < 3000 + 1024, "deleted too little: " + log.sizeInBytes());
        assertEquals(120, log.logEndOffset());
        long start = log.logStartOffset();
        assertEquals(expected("s", (int) start, 120), values(readAll(log)));
    }

    @Test
    void shouldKeepEverythingWithoutTheDeletePolicyOrWithUnlimitedRetention() {
        LogConfig compactOnly = SMALL_SEGMENTS.toBuilder()
                .deleteCleanup(false)
                .compactCleanup(true)
                .retentionMs(1000)
                .retentionBytes(100)
                .build();
        LogConfig forever = SMALL_SEGMENTS.toBuilder().retentionMs(-1).build();
        PartitionLog compacted = engine.open(partition("keep", 0), compactOnly);
        PartitionLog kept = engine.open(partition("keep", 1), forever);
        appendBatches(compacted, "c", 40);
        appendBatches(kept, "k", 40);
        time.advance(365L * 24 * 3600 * 1000);

        assertEquals(0, compacted.enforceRetention(time.milliseconds()));
        assertEquals(0, kept.enforceRetention(time.milliseconds()));

        assertEquals(0, compacted.logStartOffset());
        assertEquals(0, kept.logStartOffset());
        assertEquals(expected("k", 0, 40), values(readAll(kept)));
    }

    @Test
    void shouldDeleteRecordsBeforeAnOffsetAndKeepTheStartAfterReopen() throws IOException {
        PartitionLog log = open("delete-records", SMALL_SEGMENTS);
        appendBatches(log, "d", 50);
        int segments = log.segmentCount();

        assertEquals(33, log.deleteRecordsBefore(33));
        assertEquals(33, log.deleteRecordsBefore(10));

        assertEquals(33, log.logStartOffset());
        assertTrue(log.segmentCount() < segments);
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(32, 100, Long.MAX_VALUE, true));
        assertEquals(expected("d", 33, 50), values(readAll(log)).subList(0, 17));
        reopenEngine();
        assertEquals(33, open("delete-records", SMALL_SEGMENTS).logStartOffset());
        crashAndReopen();
        PartitionLog afterCrash = open("delete-records", SMALL_SEGMENTS);
        assertEquals(33, afterCrash.logStartOffset());
        assertEquals(50, afterCrash.logEndOffset());
    }

    @Test
    void shouldRejectDeletingRecordsBeyondTheLogEnd() {
        PartitionLog log = open("delete-beyond", LogConfig.DEFAULT);
        append(log, "a", 3);

        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(4));
        assertEquals(3, log.deleteRecordsBefore(3));
        assertEquals(3, log.logStartOffset());
        assertEquals(3, append(log, "b", 1).firstOffset());
    }

    // ---------------------------------------------------------------- slices pin their data

    @Test
    void shouldStillReadARetainedSliceOfASegmentThatRetentionDeleted() {
        LogConfig config = SMALL_SEGMENTS.toBuilder().retentionMs(1000).build();
        PartitionLog log = open("pinned", config);
        appendBatches(log, "old", 30);
        LogSlice pinned = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        ByteBuffer before = bytesOf(pinned);
        time.advance(2000);
        appendBatches(log, "new", 30);

        assertTrue(log.enforceRetention(time.milliseconds()) > 0);
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 100, Long.MAX_VALUE, true));

        assertEquals(before, bytesOf(pinned));
        assertTrue(values(parseAll(bytesOf(pinned))).contains("old-0"));
        pinned.release();
    }

    @Test
    void shouldStillReadARetainedSliceAfterTheLogIsClosedOrTruncatedFully() {
        PartitionLog log = open("pinned-close", SMALL_SEGMENTS);
        appendBatches(log, "a", 30);
        LogSlice first = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        ByteBuffer firstBytes = bytesOf(first);
        log.truncateFullyAndStartAt(500);
        appendBatches(log, "b", 5);
        LogSlice second = log.read(500, 1 << 20, Long.MAX_VALUE, true);
        ByteBuffer secondBytes = bytesOf(second);

        engine.close();
        engine = newEngine();

        assertEquals(firstBytes, bytesOf(first));
        assertEquals(secondBytes, bytesOf(second));
        first.release();
        second.release();
    }

    // ---------------------------------------------------------------- recovery

    @Test
    void shouldKeepEverythingAppendedAfterAProcessCrash() throws IOException {
        PartitionLog log = open("crash", SMALL_SEGMENTS);
        appendBatches(log, "c", 50);

        crashAndReopen();

        PartitionLog reopened = open("crash", SMALL_SEGMENTS);
        assertEquals(50, reopened.logEndOffset());
        assertEquals(expected("c", 0, 50), values(readAll(reopened)));
        assertEquals(50, append(reopened, "after", 1).firstOffset());
    }

    @Test
    void shouldTruncateATornTailOnRecovery() throws IOException {
        PartitionLog log = open("torn", SMALL_SEGMENTS);
        appendBatches(log, "t", 20);
        long sizeBefore = log.sizeInBytes();
        StorageEngine crashed = engine;
        engine = null;
        simulateCrash(crashed, logDirs);
        tearLastBatch(logDirs, partition("torn", 0));
        engine = newEngine();

        PartitionLog reopened = open("torn", SMALL_SEGMENTS);

        assertEquals(19, reopened.logEndOffset());
        assertTrue(reopened.sizeInBytes() < sizeBefore);
        assertEquals(expected("t", 0, 19), values(readAll(reopened)));
        assertEquals(19, append(reopened, "again", 1).firstOffset());
        assertEquals(20, readAll(reopened).size());
    }

    /**
     * Recovery scans from the recovery point (as Kafka's does), so the damage is made where the
     * engine must look: in the middle of data appended after the last sync.
     */
    @Test
    void shouldTruncateAtACorruptBatchAfterTheRecoveryPoint() throws IOException {
        PartitionLog log = open("corrupt", SMALL_SEGMENTS);
        appendBatches(log, "c", 40);
        log.sync();
        log.updateConfig(LogConfig.DEFAULT);
        appendBatches(log, "d", 20);
        assertTrue(log.recoveryPoint() <= 40);
        long corruptOffset = 50;
        StorageEngine crashed = engine;
        engine = null;
        simulateCrash(crashed, logDirs);
        corruptBatch(logDirs, partition("corrupt", 0), corruptOffset);
        engine = newEngine();

        PartitionLog reopened = open("corrupt", LogConfig.DEFAULT);

        assertEquals(corruptOffset, reopened.logEndOffset());
        List<String> kept = new ArrayList<>(expected("c", 0, 40));
        kept.addAll(expected("d", 0, 10));
        assertEquals(kept, values(readAll(reopened)));
        assertEquals(corruptOffset, append(reopened, "fresh", 1).firstOffset());
        assertEquals(
                "fresh-0",
                readAt(reopened, corruptOffset, 100).getFirst().values().getFirst());
    }

    @Test
    void shouldKeepSyncedDataAfterAPowerLoss() throws IOException {
        PartitionLog log = open("power", SMALL_SEGMENTS);
        appendBatches(log, "synced", 45);
        log.sync();
        long synced = log.logEndOffset();
        appendBatches(log, "unsynced", 45);
        StorageEngine crashed = engine;
        engine = null;

        simulatePowerLoss(crashed, logDirs);
        engine = newEngine();

        PartitionLog reopened = open("power", SMALL_SEGMENTS);
        assertTrue(reopened.logEndOffset() >= synced);
        List<String> survived = values(readAll(reopened));
        assertEquals(expected("synced", 0, 45), survived.subList(0, 45));
        assertEquals(reopened.logEndOffset(), append(reopened, "next", 1).firstOffset());
    }

    @Test
    void shouldMoveTheRecoveryPointOnSync() {
        PartitionLog log = open("recovery-point", SMALL_SEGMENTS);
        appendBatches(log, "r", 10);
        assertTrue(log.recoveryPoint() <= 10);

        log.sync();
        assertEquals(10, log.recoveryPoint());
        appendBatches(log, "r", 30);
        log.sync();

        assertEquals(40, log.recoveryPoint());
    }

    @Test
    void shouldRecoverEveryPartitionAfterACrash() throws IOException {
        List<PartitionLog> logs = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            PartitionLog log = engine.open(partition("many-crash", p), SMALL_SEGMENTS);
            appendBatches(log, "p" + p, p + 1);
            logs.add(log);
        }
        logs.get(3).sync();

        crashAndReopen();

        for (int p = 0; p < 20; p++) {
            PartitionLog log = engine.open(partition("many-crash", p), SMALL_SEGMENTS);
            assertEquals(expected("p" + p, 0, p + 1), values(readAll(log)));
        }
    }

    // ---------------------------------------------------------------- producer snapshots

    @Test
    void shouldReturnTheLatestProducerSnapshotAfterReopen() {
        PartitionLog log = open("snapshots", LogConfig.DEFAULT);
        assertEquals(Optional.empty(), log.latestProducerSnapshot());
        append(log, "a", 10);
        log.writeProducerSnapshot(4, ByteBuffer.wrap("four".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer state = ByteBuffer.wrap("ten-and-more".getBytes(StandardCharsets.UTF_8));
        state.position(0);
        log.writeProducerSnapshot(10, state);
        assertEquals(0, state.position());

        reopenEngine();
        ProducerSnapshot latest =
                open("snapshots", LogConfig.DEFAULT).latestProducerSnapshot().orElseThrow();

        assertEquals(10, latest.offset());
        assertEquals(
                "ten-and-more", StandardCharsets.UTF_8.decode(latest.state()).toString());
    }

    @Test
    void shouldDropProducerSnapshotsAboveATruncationPoint() {
        PartitionLog log = open("snapshots-truncate", LogConfig.DEFAULT);
        for (int i = 0; i < 10; i++) {
            append(log, "a", 1);
            log.writeProducerSnapshot(log.logEndOffset(), ByteBuffer.wrap(new byte[] {(byte) i}));
        }

        log.truncateTo(6);

        ProducerSnapshot latest = log.latestProducerSnapshot().orElseThrow();
        assertEquals(6, latest.offset());
        assertEquals(5, latest.state().get(0));
        reopenEngine();
        assertEquals(
                6,
                open("snapshots-truncate", LogConfig.DEFAULT)
                        .latestProducerSnapshot()
                        .orElseThrow()
                        .offset());
    }

    // ---------------------------------------------------------------- aborted transactions

    @Test
    void shouldReturnTheAbortedTransactionsOverlappingARange() {
        PartitionLog log = open("aborted", LogConfig.DEFAULT);
        appendBatches(log, "x", 10);
        AbortedTxn first = new AbortedTxn(1, 2, 5, 2);
        AbortedTxn second = new AbortedTxn(2, 6, 8, 6);
        log.appendAbortedTransaction(first);
        log.appendAbortedTransaction(second);

        assertEquals(List.of(first, second), log.abortedTransactions(0, 10));
        assertEquals(List.of(second), log.abortedTransactions(6, 10));
        assertEquals(List.of(first), log.abortedTransactions(0, 3));
        assertEquals(List.of(first), log.abortedTransactions(5, 6));
        assertEquals(List.of(), log.abortedTransactions(9, 10));
    }

    @Test
    void shouldKeepAbortedTransactionsAcrossSegmentsAndReopen() {
        PartitionLog log = open("aborted-segments", SMALL_SEGMENTS);
        List<AbortedTxn> txns = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long first = log.logEndOffset();
            appendBatches(log, "t" + i, 5);
            AbortedTxn txn = new AbortedTxn(100 + i, first, log.logEndOffset() - 1, first);
            log.appendAbortedTransaction(txn);
            txns.add(txn);
        }
        assertTrue(log.segmentCount() > 2);

        reopenEngine();
        PartitionLog reopened = open("aborted-segments", SMALL_SEGMENTS);

        assertEquals(txns, reopened.abortedTransactions(0, 40));
        assertEquals(txns.subList(3, 5), reopened.abortedTransactions(15, 25));
    }

    @Test
    void shouldDropAbortedTransactionsWhoseMarkerIsTruncatedOrRetentionDeleted() {
        LogConfig config = SMALL_SEGMENTS.toBuilder().retentionBytes(2000).build();
        PartitionLog log = open("aborted-truncate", config);
        appendBatches(log, "a", 10);
        AbortedTxn early = new AbortedTxn(1, 0, 9, 0);
        log.appendAbortedTransaction(early);
        appendBatches(log, "b", 40);
        AbortedTxn late = new AbortedTxn(2, 40, 49, 40);
        log.appendAbortedTransaction(late);

        log.truncateTo(45);
        assertEquals(List.of(early), log.abortedTransactions(0, 50));

        assertTrue(log.enforceRetention(time.milliseconds()) > 0);
        assertTrue(log.logStartOffset() > 9);
        assertEquals(List.of(), log.abortedTransactions(log.logStartOffset(), 50));
    }

    // ---------------------------------------------------------------- epochs

    @Test
    void shouldKeepEpochsAcrossReopenAndPruneThemOnTruncation() {
        PartitionLog log = open("epoch-truncate", SMALL_SEGMENTS);
        log.appendAsLeader(records("a", 10, START_MS), 0);
        log.appendAsLeader(records("b", 10, START_MS), 1);
        log.appendAsLeader(records("c", 10, START_MS), 2);

        reopenEngine();
        PartitionLog reopened = open("epoch-truncate", SMALL_SEGMENTS);
        assertEquals(
                List.of(new EpochEntry(0, 0), new EpochEntry(1, 10), new EpochEntry(2, 20)), reopened.epochEntries());

        reopened.truncateTo(20);
        assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(1, 10)), reopened.epochEntries());
        reopened.truncateTo(10);
        assertEquals(List.of(new EpochEntry(0, 0)), reopened.epochEntries());
        reopened.appendAsLeader(records("d", 1, START_MS), 7);
        assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(7, 10)), reopened.epochEntries());
    }

    @Test
    void shouldMoveTheFirstEpochToTheLogStartWhenRecordsAreDeleted() {
        PartitionLog log = open("epoch-start", SMALL_SEGMENTS);
        log.appendAsLeader(records("a", 10, START_MS), 0);
        log.appendAsLeader(records("b", 10, START_MS), 1);
        log.appendAsLeader(records("c", 10, START_MS), 2);

        log.deleteRecordsBefore(15);

        assertEquals(List.of(new EpochEntry(1, 15), new EpochEntry(2, 20)), log.epochEntries());
    }

    @Test
    void shouldRebuildEpochsFromBatchesAfterACrash() throws IOException {
        PartitionLog log = open("epoch-crash", SMALL_SEGMENTS);
        for (int epoch = 0; epoch < 4; epoch++) {
            for (int i = 0; i < 5; i++) {
                log.appendAsLeader(batch().record("e" + epoch, START_MS).build(), epoch * 2);
            }
        }

        crashAndReopen();

        List<EpochEntry> expected =
                List.of(new EpochEntry(0, 0), new EpochEntry(2, 5), new EpochEntry(4, 10), new EpochEntry(6, 15));
        assertEquals(expected, open("epoch-crash", SMALL_SEGMENTS).epochEntries());
    }

    // ---------------------------------------------------------------- engine

    @Test
    void shouldKeepEverythingAfterACleanReopen() {
        PartitionLog log = open("reopen", SMALL_SEGMENTS);
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(batch().record("r-" + i, START_MS + i).build(), i / 10);
        }
        log.deleteRecordsBefore(12);
        log.writeProducerSnapshot(40, ByteBuffer.wrap(new byte[] {4, 0}));
        AbortedTxn txn = new AbortedTxn(9, 41, 45, 41);
        log.appendAbortedTransaction(txn);
        long size = log.sizeInBytes();
        int segments = log.segmentCount();
        List<EpochEntry> epochs = log.epochEntries();
        List<StoredBatch> stored = readAll(log);

        reopenEngine();

        assertEquals(Set.of(partition("reopen", 0)), engine.existingPartitions());
        PartitionLog reopened = open("reopen", SMALL_SEGMENTS);
        assertEquals(12, reopened.logStartOffset());
        assertEquals(50, reopened.logEndOffset());
        assertEquals(50, reopened.recoveryPoint());
        assertEquals(size, reopened.sizeInBytes());
        assertEquals(segments, reopened.segmentCount());
        assertEquals(epochs, reopened.epochEntries());
        assertEquals(stored, readAll(reopened));
        assertEquals(40, reopened.latestProducerSnapshot().orElseThrow().offset());
        assertEquals(List.of(txn), reopened.abortedTransactions(12, 50));
        assertEquals(
                new TimestampOffset(START_MS + 49, 49, 4),
                reopened.maxTimestamp().orElseThrow());
        assertEquals(50, append(reopened, "after", 1).firstOffset());
    }

    @Test
    void shouldListExistingPartitionsInEveryLogDir() {
        engine.close();
        logDirs = List.of(tempDir.resolve("a"), tempDir.resolve("b"));
        engine = newEngine();
        Set<PartitionId> created = new HashSet<>();
        for (int p = 0; p < 6; p++) {
            PartitionId id = partition("spread", p);
            append(engine.open(id, LogConfig.DEFAULT), "p" + p, 1);
            created.add(id);
        }

        reopenEngine();

        assertEquals(created, engine.existingPartitions());
        for (int p = 0; p < 6; p++) {
            assertEquals(
                    expected("p" + p, 0, 1), values(readAll(engine.open(partition("spread", p), LogConfig.DEFAULT))));
        }
    }

    @Test
    void shouldNotServeTheDataOfADeletedTopicWithTheSameName() {
        PartitionId old = partition("reborn", 0);
        append(engine.open(old, LogConfig.DEFAULT), "old", 5);
        reopenEngine();

        PartitionId reborn = new PartitionId("reborn", UUID.randomUUID(), 0);
        PartitionLog log = engine.open(reborn, LogConfig.DEFAULT);

        assertEquals(0, log.logEndOffset());
        assertEquals(0, log.sizeInBytes());
        assertEquals(Set.of(reborn), engine.existingPartitions());
        append(log, "new", 1);
        reopenEngine();
        assertEquals(List.of("new-0"), values(readAll(engine.open(reborn, LogConfig.DEFAULT))));
    }

    @Test
    void shouldStartEmptyAfterAPartitionIsDeleted() {
        PartitionId id = partition("deleted", 0);
        append(engine.open(id, LogConfig.DEFAULT), "gone", 5);

        engine.delete(id);

        assertEquals(Set.of(), engine.existingPartitions());
        PartitionLog again = engine.open(id, LogConfig.DEFAULT);
        assertEquals(0, again.logEndOffset());
        reopenEngine();
        assertEquals(0, engine.open(id, LogConfig.DEFAULT).logEndOffset());
    }

    @Test
    void shouldReturnTheSameInstanceWhenOpenedTwiceAndReopenAfterClose() {
        PartitionLog log = open("twice", LogConfig.DEFAULT);
        assertSame(log, open("twice", LogConfig.DEFAULT));
        append(log, "a", 2);

        log.close();
        log.close();
        PartitionLog reopened = open("twice", LogConfig.DEFAULT);

        assertEquals(expected("a", 0, 2), values(readAll(reopened)));
    }

    @Test
    void shouldServeManyPartitionsAndReopenThem() {
        int count = manyPartitions();
        for (int p = 0; p < count; p++) {
            PartitionLog log = engine.open(partition("many", p), LogConfig.DEFAULT);
            append(log, "p" + p, 1 + p % 3);
        }
        for (int p = 0; p < count; p++) {
            PartitionLog log = engine.open(partition("many", p), LogConfig.DEFAULT);
            assertEquals(expected("p" + p, 0, 1 + p % 3), values(readAll(log)));
        }

        reopenEngine();

        assertEquals(count, engine.existingPartitions().size());
        for (int p = 0; p < count; p++) {
            PartitionLog log = engine.open(partition("many", p), LogConfig.DEFAULT);
            append(log, "q" + p, 1);
            List<String> all = new ArrayList<>(expected("p" + p, 0, 1 + p % 3));
            all.add("q" + p + "-0");
            assertEquals(all, values(readAll(log)));
        }
    }

    // ---------------------------------------------------------------- concurrency

    /**
     * Partitions are written by several threads at once (the request handler, replica fetchers),
     * one writer per partition: appends of several batches each, to different partitions at the
     * same time, land whole and in order in their own partition and nowhere else.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepConcurrentWritersOfDifferentPartitionsApart() throws Exception {
        int writers = 4;
        int appends = 300;
        List<PartitionLog> logs = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            logs.add(open(
                    "writer-" + w, LogConfig.builder().indexIntervalBytes(256).build()));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<CompletableFuture<Integer>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                PartitionLog log = logs.get(w);
                String prefix = "w" + w;
                Random random = new Random(w);
                done.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                go.await();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                            int next = 0;
                            for (int a = 0; a < appends; a++) {
                                // 1-6 batches of 1-3 records: each append parses a different number
                                ByteBuffer[] batches = new ByteBuffer[1 + random.nextInt(6)];
                                int first = next;
                                for (int b = 0; b < batches.length; b++) {
                                    BatchBuilder batch = batch();
                                    for (int r = random.nextInt(3); r >= 0; r--) {
                                        batch.record(prefix + "-" + next++, START_MS + a);
                                    }
                                    batches[b] = batch.build();
                                }
                                AppendResult result = log.appendAsLeader(concat(batches), 0);
                                if (result.firstOffset() != first || result.lastOffset() != next - 1) {
                                    throw new AssertionError(prefix + " append " + a + ": offsets "
                                            + result.firstOffset() + "-" + result.lastOffset() + ", expected "
                                            + first + "-" + (next - 1));
                                }
                            }
                            return next;
                        },
                        pool));
            }
            go.countDown();
            for (int w = 0; w < writers; w++) {
                int records = done.get(w).get(60, TimeUnit.SECONDS);
                assertEquals(expected("w" + w, 0, records), values(readAll(logs.get(w))), "partition of writer " + w);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNeverShowAPartialBatchToAConcurrentReader() throws Exception {
        LogConfig config = LogConfig.builder()
                .segmentBytes(16 * 1024)
                .indexIntervalBytes(512)
                .build();
        PartitionLog log = open("concurrent", config);
        int batches = 3000;
        AtomicBoolean writerDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(
                    () -> {
                        Random random = new Random(7);
                        for (int i = 0; i < batches; i++) {
                            log.appendAsLeader(records("w" + i, 1 + random.nextInt(5), START_MS + i), 0);
                        }
                        writerDone.set(true);
                    },
                    pool);
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(
                    () -> {
                        long next = 0;
                        long seen = 0;
                        while (!writerDone.get() || next < log.logEndOffset()) {
                            if (next >= log.logEndOffset()) {
                                Thread.onSpinWait();
                                continue;
                            }
                            List<StoredBatch> read = parseAndRelease(log.read(next, 700, Long.MAX_VALUE, true));
                            for (StoredBatch b : read) {
                                if (!b.crcValid() || b.baseOffset() != next) {
                                    throw new AssertionError("bad batch at " + next + ": " + b);
                                }
                                next = b.lastOffset() + 1;
                                seen++;
                            }
                        }
                        return seen;
                    },
                    pool);
            AtomicLong syncs = new AtomicLong();
            CompletableFuture<Void> syncer = CompletableFuture.runAsync(
                    () -> {
                        // At least once: a fast writer may be done before this thread starts.
                        do {
                            log.sync();
                            if (log.recoveryPoint() > log.logEndOffset()) {
                                throw new AssertionError("recovery point beyond the log end");
                            }
                            syncs.incrementAndGet();
                        } while (!writerDone.get());
                    },
                    pool);

            writer.get(100, TimeUnit.SECONDS);
            assertEquals(batches, reader.get(100, TimeUnit.SECONDS));
            syncer.get(100, TimeUnit.SECONDS);
            assertTrue(syncs.get() > 0);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- compaction

    /** segment.ms of {@link #COMPACTED}: {@link #rollActiveSegment} moves the clock past it. */
    protected static final long ROLL_MS = 60_000;

    /** Tombstones and safe markers of {@link #COMPACTED} go one second after a pass stamped them. */
    protected static final long DELETE_RETENTION_MS = 1_000;

    /**
     * A compacted log ({@code cleanup.policy=compact}) of small segments that compacts as soon as
     * anything is dirty.
     */
    protected static final LogConfig COMPACTED = SMALL_SEGMENTS.toBuilder()
            .deleteCleanup(false)
            .compactCleanup(true)
            .minCleanableDirtyRatio(0)
            .deleteRetentionMs(DELETE_RETENTION_MS)
            .segmentMs(ROLL_MS)
            .build();

    /** A compaction request at the test clock's time, with the defaults of {@link CompactionRequest#at}. */
    protected CompactionRequest compaction() {
        return CompactionRequest.at(time.milliseconds());
    }

    /** Compacts until a pass finds nothing to do; returns how many passes compacted. */
    protected int compactFully(PartitionLog log) {
        return compactFully(log, compaction());
    }

    protected int compactFully(PartitionLog log, CompactionRequest request) {
        int passes = 0;
        for (int i = 0; i < 20; i++) {
            CompactionResult r = log.compact(request);
            if (r.outcome() == CompactionResult.Outcome.NOT_NEEDED) {
                return passes;
            }
            assertEquals(CompactionResult.Outcome.COMPACTED, r.outcome(), "nothing else compacts meanwhile");
            passes++;
        }
        throw new AssertionError("compaction never settled: " + log);
    }

    /** Moves the clock past segment.ms so the active segment rolls; what it held becomes cleanable. */
    protected void rollActiveSegment(PartitionLog log) {
        int before = log.segmentCount();
        time.advance(ROLL_MS + 1);
        log.enforceRetention(time.milliseconds());
        assertEquals(before + 1, log.segmentCount(), "the active segment rolled");
    }

    /** Appends one batch holding one keyed record (a tombstone when {@code value} is null). */
    protected long appendKeyed(PartitionLog log, String key, String value) {
        return log.appendAsLeader(
                        batch().record(key, value, time.milliseconds()).build(), 0)
                .firstOffset();
    }

    /** Every record of the log, read from its start (checked as {@link #readAll} does). */
    protected static List<StoredBatch.StoredRecord> storedRecords(PartitionLog log) {
        return readAll(log).stream().flatMap(b -> b.records().stream()).toList();
    }

    /** Records as "offset:key=value" (value "null" for a tombstone), easy to compare. */
    protected static List<String> describe(List<StoredBatch.StoredRecord> records) {
        return records.stream()
                .map(r -> r.offset() + ":" + r.key() + "=" + r.value())
                .toList();
    }

    /** What a fully compacted range holds: the last record of each key, in offset order. */
    protected static List<String> lastOfEachKey(List<StoredBatch.StoredRecord> written) {
        Map<String, StoredBatch.StoredRecord> last = new LinkedHashMap<>();
        for (StoredBatch.StoredRecord r : written) {
            last.put(r.key(), r);
        }
        return describe(last.values().stream()
                .sorted(Comparator.comparingLong(StoredBatch.StoredRecord::offset))
                .toList());
    }

    /**
     * Writes {@code count} single-record batches cycling over {@code keys} keys, rolls, and writes
     * a two-record tail into the new active segment.
     *
     * @return everything written, as the log first stored it
     */
    protected List<StoredBatch.StoredRecord> writeDuplicates(PartitionLog log, int count, int keys) {
        for (int i = 0; i < count; i++) {
            appendKeyed(log, "k" + (i % keys), "v" + i);
        }
        rollActiveSegment(log);
        appendKeyed(log, "k0", "tail-0");
        appendKeyed(log, "k1", "tail-1");
        return storedRecords(log);
    }

    /** Splits records at {@code offset}: [below, at or above]. */
    private static List<List<StoredBatch.StoredRecord>> splitAt(List<StoredBatch.StoredRecord> records, long offset) {
        return List.of(
                records.stream().filter(r -> r.offset() < offset).toList(),
                records.stream().filter(r -> r.offset() >= offset).toList());
    }

    @Test
    void shouldKeepOnlyTheLastRecordOfEachKeyAtItsOffsetAndLeaveTheActiveSegmentAlone() {
        PartitionLog log = open("compact-last", COMPACTED);
        List<StoredBatch.StoredRecord> written = writeDuplicates(log, 300, 12);
        long tail = log.logEndOffset() - 2;
        long sizeBefore = log.sizeInBytes();
        int segmentsBefore = log.segmentCount();

        assertTrue(compactFully(log) > 0);

        List<StoredBatch.StoredRecord> after = storedRecords(log);
        List<List<StoredBatch.StoredRecord>> was = splitAt(written, tail);
        List<List<StoredBatch.StoredRecord>> now = splitAt(after, tail);
        assertEquals(lastOfEachKey(was.get(0)), describe(now.get(0)));
        assertEquals(describe(was.get(1)), describe(now.get(1)), "the active segment is never compacted");
        assertTrue(log.sizeInBytes() < sizeBefore / 5, "size " + log.sizeInBytes() + " of " + sizeBefore);
        assertTrue(log.segmentCount() < segmentsBefore);
        assertEquals(0, log.logStartOffset());
        assertEquals(written.getLast().offset() + 1, log.logEndOffset());
        List<StoredBatch> fromZero = parseAndRelease(log.read(0, 1 << 20, Long.MAX_VALUE, true));
        assertEquals(
                now.get(0).getFirst().offset(),
                fromZero.getFirst().records().getFirst().offset());
    }

    @Test
    void shouldNeverCompactTheActiveSegment() {
        PartitionLog log = open(
                "compact-active", COMPACTED.toBuilder().segmentBytes(1 << 20).build());
        for (int i = 0; i < 50; i++) {
            appendKeyed(log, "same", "v" + i);
        }

        assertEquals(
                CompactionResult.Outcome.NOT_NEEDED, log.compact(compaction()).outcome());
        assertEquals(50, storedRecords(log).size());
    }

    @Test
    void shouldDoNothingWithoutTheCompactPolicy() {
        PartitionLog log = open(
                "compact-policy", SMALL_SEGMENTS.toBuilder().segmentMs(ROLL_MS).build());
        for (int i = 0; i < 60; i++) {
            appendKeyed(log, "k" + (i % 3), "v" + i);
        }
        rollActiveSegment(log);

        assertEquals(
                CompactionResult.Outcome.NOT_NEEDED, log.compact(compaction()).outcome());
        assertEquals(60, storedRecords(log).size());
    }

    @Test
    void shouldRemoveATombstoneOnlyAfterDeleteRetentionMs() {
        PartitionLog log = open("compact-tombstone", COMPACTED);
        for (int i = 0; i < 30; i++) {
            appendKeyed(log, "k" + (i % 3), "v" + i);
        }
        long tombstone = appendKeyed(log, "k1", null);
        rollActiveSegment(log);
        appendKeyed(log, "other", "tail");

        compactFully(log);
        long stamped = time.milliseconds();
        List<String> kept = describe(storedRecords(log));
        assertEquals(List.of("27:k0=v27", "29:k2=v29", tombstone + ":k1=null", (tombstone + 1) + ":other=tail"), kept);
        StoredBatch holder = readAll(log).stream()
                .filter(b -> b.baseOffset() == tombstone)
                .findFirst()
                .orElseThrow();
        assertEquals(stamped + DELETE_RETENTION_MS, holder.deleteHorizonMs(), "the horizon is stamped on the batch");
        assertTrue(holder.crcValid());

        time.advance(DELETE_RETENTION_MS / 2);
        compactFully(log);
        assertEquals(kept, describe(storedRecords(log)), "kept until the horizon");

        time.advance(DELETE_RETENTION_MS);
        assertTrue(compactFully(log) > 0, "a passed horizon makes a pass due");
        assertEquals(List.of("27:k0=v27", "29:k2=v29", (tombstone + 1) + ":other=tail"), describe(storedRecords(log)));
    }

    @Test
    void shouldWaitForTheMinCleanableDirtyRatioUnlessMaxCompactionLagHasPassed() {
        LogConfig config = COMPACTED.toBuilder().minCleanableDirtyRatio(0.5).build();
        PartitionLog log = open("compact-ratio", config);
        writeDuplicates(log, 300, 12);
        assertTrue(compactFully(log) > 0, "everything was dirty");
        for (int i = 0; i < 3; i++) {
            appendKeyed(log, "k" + i, "again-" + i);
        }
        rollActiveSegment(log);
        List<String> before = describe(storedRecords(log));

        assertEquals(
                CompactionResult.Outcome.NOT_NEEDED, log.compact(compaction()).outcome(), "little is dirty");
        assertEquals(before, describe(storedRecords(log)));

        log.updateConfig(config.toBuilder().maxCompactionLagMs(ROLL_MS / 2).build());
        assertEquals(
                CompactionResult.Outcome.COMPACTED,
                log.compact(compaction()).outcome(),
                "dirty records older than max.compaction.lag.ms");
        assertFalse(describe(storedRecords(log)).contains(before.getFirst()));
    }

    @Test
    void shouldNotCompactRecordsYoungerThanMinCompactionLag() {
        PartitionLog log = open(
                "compact-min-lag",
                COMPACTED.toBuilder().minCompactionLagMs(2 * ROLL_MS).build());
        List<StoredBatch.StoredRecord> written = writeDuplicates(log, 100, 5);

        assertEquals(
                CompactionResult.Outcome.NOT_NEEDED, log.compact(compaction()).outcome());
        assertEquals(describe(written), describe(storedRecords(log)));

        time.advance(ROLL_MS + 1);
        assertEquals(
                CompactionResult.Outcome.COMPACTED, log.compact(compaction()).outcome());
        assertTrue(storedRecords(log).size() < written.size());
    }

    @Test
    void shouldRollTheActiveSegmentOfACompactedLogWithinMaxCompactionLag() {
        PartitionLog log = open(
                "compact-max-lag-roll",
                COMPACTED.toBuilder()
                        .segmentMs(24 * 3600 * 1000L)
                        .maxCompactionLagMs(10_000)
                        .build());
        appendKeyed(log, "k", "v");

        time.advance(10_001);
        log.enforceRetention(time.milliseconds());

        assertEquals(2, log.segmentCount(), "the active segment must roll to become compactable");
    }

    @Test
    void shouldKeepCompactionProgressAcrossAReopen() {
        PartitionLog log = open("compact-checkpoint", COMPACTED);
        writeDuplicates(log, 200, 10);
        assertTrue(compactFully(log) > 0);
        List<String> compacted = describe(storedRecords(log));

        reopenEngine();
        PartitionLog reopened = open("compact-checkpoint", COMPACTED);

        assertEquals(compacted, describe(storedRecords(reopened)));
        assertEquals(
                CompactionResult.Outcome.NOT_NEEDED,
                reopened.compact(compaction()).outcome(),
                "the compacted part is remembered");
    }

    @Test
    void shouldCompactCompressedBatches() {
        PartitionLog log = open("compact-gzip", COMPACTED);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long now = time.milliseconds();
            log.appendAsLeader(
                    batch().gzip()
                            .record("k" + (i % 4), "v" + i, now)
                            .record("k" + ((i + 1) % 4), "w" + i, now)
                            .build(),
                    0);
        }
        List<StoredBatch.StoredRecord> written = storedRecords(log);
        rollActiveSegment(log);
        appendKeyed(log, "tail", "t");
        expected.addAll(lastOfEachKey(written));

        compactFully(log);

        List<StoredBatch> batches = readAll(log);
        List<StoredBatch.StoredRecord> cleaned = batches.stream()
                .flatMap(b -> b.records().stream())
                .filter(r -> !"tail".equals(r.key()))
                .toList();
        assertEquals(expected, describe(cleaned));
        assertTrue(
                batches.stream()
                        .filter(b -> b.recordCount() > 0
                                && !"tail".equals(b.records().getFirst().key()))
                        .allMatch(b -> b.compression() == 1 && b.crcValid()),
                "rewritten batches stay gzip");
    }

    @Test
    void shouldKeepATransactionMarkerUntilItsDataIsGoneAndItsDeleteHorizonHasPassed() {
        PartitionLog log = open("compact-marker", COMPACTED);
        long pid = 77;
        long now = time.milliseconds();
        log.appendAsLeader(
                batch().producer(pid, (short) 0, 0)
                        .transactional()
                        .record("a", "txn-a", now)
                        .record("b", "txn-b", now)
                        .build(),
                0);
        long marker = log.appendAsLeader(BatchBuilder.marker(pid, (short) 0, true, now), 0)
                .firstOffset();
        appendKeyed(log, "c", "plain-c");
        rollActiveSegment(log);
        appendKeyed(log, "t1", "tail-1");

        compactFully(log);
        assertEquals(List.of("txn-a", "txn-b", "plain-c", "tail-1"), values(nonControl(log)));
        assertEquals(-1, markerBatch(log, marker).orElseThrow().deleteHorizonMs(), "its data is still there");

        appendKeyed(log, "a", "new-a");
        appendKeyed(log, "b", "new-b");
        rollActiveSegment(log);
        appendKeyed(log, "t2", "tail-2");
        compactFully(log);
        assertTrue(markerBatch(log, marker).isPresent(), "kept in the pass that removed its data");

        appendKeyed(log, "d", "plain-d");
        rollActiveSegment(log);
        appendKeyed(log, "t3", "tail-3");
        compactFully(log);
        long horizon = markerBatch(log, marker).orElseThrow().deleteHorizonMs();
        assertEquals(time.milliseconds() + DELETE_RETENTION_MS, horizon, "no data left: stamped with a horizon");

        time.advance(DELETE_RETENTION_MS + 1);
        compactFully(log);
        assertTrue(markerBatch(log, marker).isEmpty(), "gone after its horizon");
        assertEquals(
                List.of("plain-c", "tail-1", "new-a", "new-b", "tail-2", "plain-d", "tail-3"), values(nonControl(log)));
    }

    @Test
    void shouldDropAbortedTransactionsAndKeepTheirMarkerAndIndexEntryUntilSafe() {
        PartitionLog log = open("compact-aborted", COMPACTED);
        long pid = 88;
        appendKeyed(log, "x", "committed-x");
        long now = time.milliseconds();
        long first = log.appendAsLeader(
                        batch().producer(pid, (short) 0, 0)
                                .transactional()
                                .record("x", "aborted-x", now)
                                .record("y", "aborted-y", now)
                                .build(),
                        0)
                .firstOffset();
        long marker = log.appendAsLeader(BatchBuilder.marker(pid, (short) 0, false, now), 0)
                .firstOffset();
        AbortedTxn aborted = new AbortedTxn(pid, first, marker, first);
        log.appendAbortedTransaction(aborted);
        appendKeyed(log, "z", "plain-z");
        rollActiveSegment(log);
        appendKeyed(log, "t1", "tail");

        compactFully(log);
        assertEquals(
                List.of("committed-x", "plain-z", "tail"),
                values(nonControl(log)),
                "aborted data is dropped and never hides the committed value of its key");
        assertTrue(markerBatch(log, marker).isPresent());
        assertEquals(List.of(aborted), log.abortedTransactions(0, log.logEndOffset()));

        appendKeyed(log, "w", "plain-w");
        rollActiveSegment(log);
        appendKeyed(log, "t2", "tail-2");
        compactFully(log);
        assertTrue(markerBatch(log, marker).orElseThrow().deleteHorizonMs() > 0, "its data is gone: a horizon");

        time.advance(DELETE_RETENTION_MS + 1);
        compactFully(log);
        assertTrue(markerBatch(log, marker).isEmpty());
        assertEquals(List.of(), log.abortedTransactions(0, log.logEndOffset()));
        assertEquals(List.of("committed-x", "plain-z", "tail", "plain-w", "tail-2"), values(nonControl(log)));
    }

    @Test
    void shouldKeepTheLastBatchOfAnActiveProducerEmptiedOfItsRecords() {
        PartitionLog log = open("compact-producer", COMPACTED);
        long pid = 55;
        long now = time.milliseconds();
        log.appendAsLeader(
                batch().producer(pid, (short) 0, 0).record("p", "first", now).build(), 0);
        long last = log.appendAsLeader(
                        batch().producer(pid, (short) 0, 1)
                                .record("p", "second", now)
                                .build(),
                        0)
                .lastOffset();
        appendKeyed(log, "p", "plain");
        rollActiveSegment(log);
        appendKeyed(log, "t", "tail");

        compactFully(log, compaction().withActiveProducers(Map.of(pid, last)));

        List<StoredBatch> batches = readAll(log);
        StoredBatch kept = batches.stream()
                .filter(b -> b.producerId() == pid)
                .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
                    assertEquals(1, l.size(), "only the producer's last batch");
                    return l.getFirst();
                }));
        assertEquals(last, kept.baseOffset());
        assertEquals(last, kept.lastOffset());
        assertEquals(0, kept.recordCount());
        assertTrue(kept.crcValid());
        assertEquals(List.of("plain", "tail"), values(batches));

        appendKeyed(log, "q", "more");
        rollActiveSegment(log);
        compactFully(log);
        assertTrue(readAll(log).stream().noneMatch(b -> b.producerId() == pid), "an inactive producer's batch goes");
    }

    @Test
    void shouldKeepAnActiveProducersLastMarkerEmptyAfterItsHorizonAndDropItOnceInactive() {
        PartitionLog log = open("compact-producer-marker", COMPACTED);
        long pid = 66;
        long now = time.milliseconds();
        log.appendAsLeader(
                batch().producer(pid, (short) 3, 0)
                        .transactional()
                        .record("k", "txn", now)
                        .build(),
                0);
        long marker = log.appendAsLeader(BatchBuilder.marker(pid, (short) 3, true, now), 0)
                .firstOffset();
        appendKeyed(log, "k", "plain");
        rollActiveSegment(log);
        appendKeyed(log, "t1", "tail");
        CompactionRequest active = compaction().withActiveProducers(Map.of(pid, marker));

        compactFully(log, active);
        appendKeyed(log, "d", "dirty");
        rollActiveSegment(log);
        compactFully(log, compaction().withActiveProducers(Map.of(pid, marker)));
        assertTrue(markerBatch(log, marker).orElseThrow().deleteHorizonMs() > 0, "stamped once its data is gone");

        time.advance(DELETE_RETENTION_MS + 1);
        compactFully(log, compaction().withActiveProducers(Map.of(pid, marker)));
        StoredBatch emptied = markerBatch(log, marker).orElseThrow();
        assertEquals(0, emptied.recordCount(), "past its horizon, kept empty: it holds the producer's epoch");
        assertTrue(emptied.crcValid());

        appendKeyed(log, "e", "dirty-again");
        rollActiveSegment(log);
        compactFully(log);
        assertTrue(markerBatch(log, marker).isEmpty(), "an inactive producer's empty marker goes");
        assertEquals(List.of("plain", "tail", "dirty", "dirty-again"), values(nonControl(log)));
    }

    /** Stops a compaction at its n-th I/O report until released. */
    protected static final class PausingThrottle implements IoThrottle {
        private final int pauseAt;
        private final AtomicInteger calls = new AtomicInteger();
        private final CountDownLatch paused = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        public PausingThrottle(int pauseAt) {
            this.pauseAt = pauseAt;
        }

        @Override
        public void onIo(long bytes) {
            if (calls.incrementAndGet() == pauseAt) {
                paused.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Waits until the compaction is paused or {@code done} completed; true when paused. */
        public boolean awaitPausedOr(CompletableFuture<?> done) throws InterruptedException {
            while (!done.isDone()) {
                if (paused.await(10, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return paused.getCount() == 0;
        }

        public void release() {
            release.countDown();
        }
    }

    private CompletableFuture<CompactionResult> compactInBackground(
            PartitionLog log, PausingThrottle throttle, ExecutorService pool) {
        CompactionRequest request = compaction().withThrottle(throttle);
        return CompletableFuture.supplyAsync(() -> log.compact(request), pool);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldLoseNothingWhenTheBrokerCrashesInTheMiddleOfACompaction() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            for (int pauseAt : new int[] {1, 4, 12, 30}) {
                String topic = "compact-crash-" + pauseAt;
                PartitionLog log = open(topic, COMPACTED);
                List<StoredBatch.StoredRecord> written = writeDuplicates(log, 300, 12);
                long tail = log.logEndOffset() - 2;
                PausingThrottle throttle = new PausingThrottle(pauseAt);
                CompletableFuture<CompactionResult> pass = compactInBackground(log, throttle, pool);
                throttle.awaitPausedOr(pass);

                StorageEngine crashed = engine;
                engine = null;
                simulateCrash(crashed, logDirs);
                throttle.release();
                pass.exceptionally(e -> null).get(60, TimeUnit.SECONDS);
                engine = newEngine();

                PartitionLog recovered = open(topic, COMPACTED);
                List<StoredBatch.StoredRecord> after = storedRecords(recovered);
                assertEquals(written.getLast().offset() + 1, recovered.logEndOffset());
                assertEquals(
                        describe(splitAt(written, tail).get(1)),
                        describe(splitAt(after, tail).get(1)),
                        "paused at I/O " + pauseAt + ": the active segment survives");
                Set<String> everWritten = new HashSet<>(describe(written));
                assertTrue(
                        everWritten.containsAll(describe(after)), "only records that were written, at their offsets");
                assertTrue(
                        describe(after)
                                .containsAll(
                                        lastOfEachKey(splitAt(written, tail).get(0))),
                        "paused at I/O " + pauseAt + ": the last record of every key survives");
                compactFully(recovered);
                assertEquals(
                        lastOfEachKey(splitAt(written, tail).get(0)),
                        describe(splitAt(storedRecords(recovered), tail).get(0)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldLoseNothingWhenTheEngineClosesInTheMiddleOfACompaction() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            PartitionLog log = open("compact-close", COMPACTED);
            List<StoredBatch.StoredRecord> written = writeDuplicates(log, 300, 12);
            long tail = log.logEndOffset() - 2;
            PausingThrottle throttle = new PausingThrottle(3);
            CompletableFuture<CompactionResult> pass = compactInBackground(log, throttle, pool);
            assertTrue(throttle.awaitPausedOr(pass));

            engine.close();
            throttle.release();
            pass.exceptionally(e -> null).get(30, TimeUnit.SECONDS);
            engine = newEngine();

            PartitionLog reopened = open("compact-close", COMPACTED);
            assertTrue(describe(storedRecords(reopened))
                    .containsAll(lastOfEachKey(splitAt(written, tail).get(0))));
            compactFully(reopened);
            assertEquals(
                    lastOfEachKey(splitAt(written, tail).get(0)),
                    describe(splitAt(storedRecords(reopened), tail).get(0)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldServeAppendsAndReadsWhileACompactionIsUnderWay() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            PartitionLog log = open("compact-concurrent", COMPACTED);
            List<StoredBatch.StoredRecord> written = writeDuplicates(log, 300, 12);
            long tail = log.logEndOffset() - 2;
            PausingThrottle throttle = new PausingThrottle(2);
            CompletableFuture<CompactionResult> pass = compactInBackground(log, throttle, pool);
            assertTrue(throttle.awaitPausedOr(pass));

            for (int i = 0; i < 100; i++) {
                appendKeyed(log, "live", "during-" + i);
            }
            List<StoredBatch.StoredRecord> during = storedRecords(log);
            assertEquals(written.size() + 100, during.size(), "reads and appends go on");

            throttle.release();
            assertEquals(
                    CompactionResult.Outcome.COMPACTED,
                    pass.get(30, TimeUnit.SECONDS).outcome());
            List<StoredBatch.StoredRecord> after = storedRecords(log);
            assertEquals(
                    lastOfEachKey(splitAt(written, tail).get(0)),
                    describe(splitAt(after, tail).get(0)));
            assertEquals(
                    describe(splitAt(during, tail).get(1)),
                    describe(splitAt(after, tail).get(1)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldGiveUpAPassWhoseSegmentsATruncationRemoved() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            PartitionLog log = open("compact-truncated", COMPACTED);
            writeDuplicates(log, 300, 12);
            PausingThrottle throttle = new PausingThrottle(1);
            CompletableFuture<CompactionResult> pass = compactInBackground(log, throttle, pool);
            assertTrue(throttle.awaitPausedOr(pass));

            log.truncateTo(150);
            throttle.release();

            assertEquals(
                    CompactionResult.Outcome.ABORTED,
                    pass.get(30, TimeUnit.SECONDS).outcome());
            List<StoredBatch.StoredRecord> left = storedRecords(log);
            assertTrue(log.logEndOffset() <= 150);
            assertEquals(log.logEndOffset(), left.size(), "nothing was compacted: every offset is there");
            long end = log.logEndOffset();
            appendKeyed(log, "k0", "after-truncation");
            rollActiveSegment(log);
            compactFully(log);
            List<StoredBatch.StoredRecord> compacted = storedRecords(log);
            assertEquals(end, compacted.getLast().offset());
            assertEquals("after-truncation", compacted.getLast().value());
        } finally {
            pool.shutdownNow();
        }
    }
}

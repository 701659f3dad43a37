package io.tributary.storage.mmap;

import io.tributary.spi.plugin.Time;
import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.AppendResult;
import io.tributary.spi.storage.CompactionRequest;
import io.tributary.spi.storage.CompactionResult;
import io.tributary.spi.storage.EpochEntry;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.OffsetOutOfRangeException;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.ProducerSnapshot;
import io.tributary.spi.storage.RecordBatchTooLargeException;
import io.tributary.spi.storage.StorageException;
import io.tributary.spi.storage.TimestampOffset;
import io.tributary.storage.mmap.SharedResource.OpenFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's log on memory-mapped segment files.
 *
 * <p>Threading, as {@link PartitionLog} requires: one writer at a time (appends, truncation,
 * retention, record deletion, config changes, snapshots and aborted transactions); reads, the
 * getters and {@link #sync()} from any thread. The writer takes no lock: it writes the bytes,
 * then publishes the segment's size and then {@link #logEndOffset} with volatile writes, so a
 * reader that sees an offset sees the whole batch holding it. {@link #sync()} and the structural
 * changes that move the recovery point (truncation, close, the flush after a roll) serialize on
 * {@code syncLock}, which the append path never takes.
 */
final class MmapPartitionLog implements PartitionLog, Segment.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(MmapPartitionLog.class);
    /** How long a read waits for a segment being swapped out to be replaced (spins, then yields). */
    private static final int MAX_SPINS = 1 << 20;

    private final MmapStorageEngine engine;
    private final PartitionId id;
    private final Time time;
    private volatile Path dir;
    private volatile LogConfig config;

    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private volatile Segment active;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    /** Bytes of all segments; the writer and compaction's swaps both change it. */
    private final AtomicLong size = new AtomicLong();

    private LeaderEpochCache epochs;
    private ProducerSnapshots snapshots;

    /**
     * Scratch for parsing appends, one per writing thread rather than one per partition: an
     * append uses it only until it returns, and a broker with 10,000 partitions has a few writer
     * threads.
     */
    private static final ThreadLocal<BatchList> BATCH_LISTS = ThreadLocal.withInitial(BatchList::new);

    private final ReentrantLock syncLock = new ReentrantLock();
    /**
     * Orders changes to the set of segments other than a roll: compaction's swaps against
     * truncation, retention's deletions and close. Taken after syncLock, never before it. The
     * append path never takes it; retention only tries it (and leaves the deletion to its next
     * run when a swap holds it).
     */
    private final ReentrantLock structureLock = new ReentrantLock();
    /** Syncs so far (only counted with {@code test.record.synced.lengths}). Guarded by syncLock. */
    private long syncs;
    /** One compaction pass at a time. */
    private final ReentrantLock compactionLock = new ReentrantLock();
    /** Below this offset the log is compacted (the cleaner checkpoint). Guarded by structureLock for writes. */
    private volatile long firstDirtyOffset;
    /** The earliest delete horizon of a kept tombstone or marker; Long.MAX_VALUE when none. */
    private volatile long earliestDeleteHorizon = Long.MAX_VALUE;

    private volatile boolean closed;
    /** New files since the directory was last flushed. */
    private volatile boolean dirDirty;
    /** The partition was created in this run and its directory and metadata are not flushed yet. */
    private volatile boolean createdUnflushed;
    /** Whether partition.metadata exists (written in the background after creation). Guarded by this. */
    private boolean metadataWritten = true;
    /** The partition is being deleted: write nothing more into its directory. */
    private volatile boolean deleting;
    /** Set when the whole partition is being deleted: its directory goes after its last segment. */
    private volatile AtomicInteger segmentsLeftBeforeDelete;

    private MmapPartitionLog(MmapStorageEngine engine, PartitionId id, Path dir, LogConfig config) {
        this.engine = engine;
        this.id = id;
        this.dir = dir;
        this.config = config;
        this.time = engine.time();
    }

    /**
     * Opens the log in {@code dir} (created by the engine), recovering it first unless its last
     * shutdown was clean.
     *
     * @param created the engine just created the directory
     * @throws StorageException if the log cannot be read or recovered
     */
    static MmapPartitionLog open(
            MmapStorageEngine engine,
            PartitionId id,
            Path dir,
            LogConfig config,
            boolean cleanShutdown,
            boolean created) {
        MmapPartitionLog log = new MmapPartitionLog(engine, id, dir, config);
        log.createdUnflushed = created;
        log.metadataWritten = !created;
        try {
            log.load(cleanShutdown);
        } catch (IOException | RuntimeException e) {
            for (Segment s : log.segments.values()) {
                s.releaseResources();
            }
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException("Cannot open the log of " + id + " in " + dir + ": " + e.getMessage(), e);
        }
        if (created) {
            // Off the creating thread: a new partition costs a directory and one file up front.
            engine.runInBackground(log::ensureMetadata);
        }
        return log;
    }

    /**
     * Writes partition.metadata (topic id) once, unflushed; the partition's first flush (or its
     * close) flushes it. Called by a background task after creation and by the first flush,
     * whichever comes first.
     */
    private synchronized void ensureMetadata() throws IOException {
        if (!metadataWritten && !deleting) {
            MmapStorageEngine.writeTopicId(dir, id.topicId());
            metadataWritten = true;
        }
    }

    // ------------------------------------------------------------------ Segment.Owner

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public ResourceCache resources() {
        return engine.resources();
    }

    @Override
    public SpaceReserver reserver() {
        return engine.reserver();
    }

    @Override
    public MmapSettings settings() {
        return engine.settings();
    }

    @Override
    public boolean preparesAhead() {
        return engine.preparesAhead();
    }

    @Override
    public void prepare(Segment segment) {
        engine.prepare(segment);
    }

    @Override
    public PagePopulator populator() {
        return engine.populator();
    }

    @Override
    public void released(Segment segment) {
        if (segment.isRemoved()) {
            engine.runInBackground(() -> {
                segment.deleteFiles();
                tryDeleteDeletedDir();
            });
        } else {
            AtomicInteger left = segmentsLeftBeforeDelete;
            if (left != null && left.decrementAndGet() == 0) {
                engine.runInBackground(() -> LogFiles.deleteRecursively(dir));
            }
        }
    }

    private void tryDeleteDeletedDir() throws IOException {
        AtomicInteger left = segmentsLeftBeforeDelete;
        if (left != null && left.get() <= 0) {
            LogFiles.deleteRecursively(dir);
        }
    }

    // ------------------------------------------------------------------ loading and recovery

    private void load(boolean cleanShutdown) throws IOException {
        if (createdUnflushed) {
            // A directory the engine has just made: nothing to read (10,000 partitions are
            // created at once on a fresh broker).
            Segment first = Segment.create(this, 0);
            segments.put(0L, first);
            epochs = new LeaderEpochCache(this::dir, List.of());
            snapshots = new ProducerSnapshots(this::dir, List.of());
            first.activate(config, time.milliseconds());
            active = first;
            dirDirty = true;
            return;
        }
        Files.createDirectories(dir);
        completeSwaps();
        TreeMap<Long, Path> logFiles = new TreeMap<>();
        Set<Long> indexFiles = new HashSet<>();
        Set<Long> timeIndexFiles = new HashSet<>();
        Set<Long> txnFiles = new HashSet<>();
        List<Long> snapshotOffsets = new ArrayList<>();
        List<Path> orphans = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(LogFiles.DELETED) || name.endsWith(LogFiles.TMP)) {
                    Files.deleteIfExists(f);
                    continue;
                }
                LogFiles.parseOffset(name, LogFiles.LOG).ifPresent(o -> logFiles.put(o, f));
                LogFiles.parseOffset(name, LogFiles.INDEX).ifPresent(o -> {
                    indexFiles.add(o);
                    orphans.add(f);
                });
                LogFiles.parseOffset(name, LogFiles.TIME_INDEX).ifPresent(o -> {
                    timeIndexFiles.add(o);
                    orphans.add(f);
                });
                LogFiles.parseOffset(name, LogFiles.TXN_INDEX).ifPresent(o -> {
                    txnFiles.add(o);
                    orphans.add(f);
                });
                LogFiles.parseOffset(name, LogFiles.SNAPSHOT).ifPresent(snapshotOffsets::add);
            }
        }
        for (Path f : orphans) {
            String name = f.getFileName().toString();
            if (!logFiles.containsKey(Long.parseLong(name.substring(0, 20)))) {
                Files.deleteIfExists(f);
            }
        }

        OptionalLong startCheckpoint = readOffsetCheckpoint(LogFiles.LOG_START_CHECKPOINT);
        try {
            Checkpoints.readCleaner(dir.resolve(LogFiles.CLEANER_CHECKPOINT)).ifPresent(c -> {
                firstDirtyOffset = c.firstDirtyOffset();
                earliestDeleteHorizon = c.earliestDeleteHorizonMs();
            });
        } catch (Checkpoints.MalformedCheckpointException e) {
            LOG.warn("Partition {}: {}; compaction starts over from the log start", id, e.getMessage());
        }
        OptionalLong recoveryCheckpoint = readOffsetCheckpoint(LogFiles.RECOVERY_POINT_CHECKPOINT);
        List<EpochEntry> checkpointedEpochs = null;
        try {
            checkpointedEpochs = Checkpoints.readEpochs(dir.resolve(LogFiles.LEADER_EPOCH_CHECKPOINT))
                    .orElse(List.of());
        } catch (Checkpoints.MalformedCheckpointException e) {
            LOG.warn("Partition {}: {}; rebuilding leader epochs from the stored batches", id, e.getMessage());
        }
        snapshots = new ProducerSnapshots(this::dir, snapshotOffsets);

        long now = time.milliseconds();
        if (logFiles.isEmpty()) {
            long start = startCheckpoint.orElse(0);
            Segment first = Segment.create(this, start);
            segments.put(start, first);
            dirDirty = true;
            epochs = new LeaderEpochCache(this::dir, checkpointedEpochs == null ? List.of() : checkpointedEpochs);
            logStartOffset = start;
            logEndOffset = start;
            recoveryPoint = start;
            size.set(0);
            epochs.truncateFromEnd(start);
            snapshots.deleteAbove(start);
            first.activate(config, now);
            active = first;
            return;
        }

        int lastIndexedPosition = 0;
        List<Segment> needRebuild = new ArrayList<>();
        for (Map.Entry<Long, Path> e : logFiles.entrySet()) {
            long base = e.getKey();
            long fileSize = Files.size(e.getValue());
            IndexCheck check = checkIndexes(base, fileSize, indexFiles.contains(base) && timeIndexFiles.contains(base));
            Segment s = Segment.existing(
                    this,
                    base,
                    (int) Math.min(fileSize, Integer.MAX_VALUE),
                    Math.max(check.entries(), 0),
                    txnFiles.contains(base));
            segments.put(base, s);
            if (check.entries() < 0 && cleanShutdown) {
                lastIndexedPosition = rebuildIndexes(s);
            } else {
                lastIndexedPosition = check.lastPosition();
                if (check.entries() < 0) {
                    needRebuild.add(s);
                }
            }
        }

        boolean clean = cleanShutdown && lastSegmentEndsCleanly(lastIndexedPosition);
        List<EpochEntry> recoveredEpochs = new ArrayList<>();
        if (!clean) {
            long firstScanned = recover(recoveryCheckpoint, recoveredEpochs);
            for (Segment s : needRebuild) {
                if (s.baseOffset < firstScanned) {
                    rebuildIndexes(s);
                }
            }
        }

        Segment last = segments.lastEntry().getValue();
        long end = last.stats().nextOffset();
        long start = Math.max(startCheckpoint.orElse(segments.firstKey()), segments.firstKey());
        if (start > end) {
            // The start checkpoint is ahead of what survived (data below it was deleted anyway).
            LOG.warn(
                    "Partition {}: the log start offset {} is beyond the recovered log end {}; starting empty there",
                    id,
                    start,
                    end);
            for (Segment s : List.copyOf(segments.values())) {
                segments.remove(s.baseOffset);
                s.markRemoved(engine.nextDeleteTag());
            }
            last = Segment.create(this, start);
            segments.put(start, last);
            end = start;
            dirDirty = true;
        }
        logStartOffset = start;
        logEndOffset = end;

        if (checkpointedEpochs == null) {
            epochs = new LeaderEpochCache(this::dir, List.of());
            for (EpochEntry e : epochsFromHeaders()) {
                epochs.assign(e.epoch(), e.startOffset());
            }
        } else {
            epochs = new LeaderEpochCache(this::dir, checkpointedEpochs);
        }
        for (EpochEntry e : recoveredEpochs) {
            epochs.assign(e.epoch(), e.startOffset());
        }
        epochs.truncateFromEnd(end);
        epochs.truncateFromStart(start);
        snapshots.deleteAbove(end);
        if (!clean) {
            last.truncateTxns(end);
        }

        long total = 0;
        for (Segment s : segments.values()) {
            total += s.size;
        }
        size.set(total);
        deleteBelowStart();
        last.activate(config, now);
        active = last;
        recoveryPoint = end;
        if (!clean) {
            Checkpoints.writeOffset(dir.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT), end, true);
            epochs.write(true);
        }
    }

    private OptionalLong readOffsetCheckpoint(String name) throws IOException {
        try {
            return Checkpoints.readOffset(dir.resolve(name));
        } catch (Checkpoints.MalformedCheckpointException e) {
            LOG.warn("Partition {}: {}; ignoring it", id, e.getMessage());
            return OptionalLong.empty();
        }
    }

    /**
     * @param entries the entries of both indexes, -1 when they must be rebuilt
     * @param lastPosition the position the last entry points at, 0 without entries
     */
    private record IndexCheck(int entries, int lastPosition) {}

    private static final IndexCheck REBUILD = new IndexCheck(-1, 0);

    /**
     * Checks a segment's indexes: headers, sizes, the last entry inside the log. Missing indexes
     * are sound for a segment too small to have an entry.
     */
    private IndexCheck checkIndexes(long base, long logSize, boolean bothExist) throws IOException {
        String name = LogFiles.offsetName(base);
        if (!bothExist) {
            return logSize <= config.indexIntervalBytes() ? new IndexCheck(0, 0) : REBUILD;
        }
        try (FileChannel offsets = FileChannel.open(dir.resolve(name + LogFiles.INDEX), StandardOpenOption.READ);
                FileChannel times =
                        FileChannel.open(dir.resolve(name + LogFiles.TIME_INDEX), StandardOpenOption.READ)) {
            long offsetSize = offsets.size();
            long timeSize = times.size();
            if (offsetSize < IndexFormat.HEADER
                    || timeSize < IndexFormat.HEADER
                    || (offsetSize - IndexFormat.HEADER) % IndexFormat.OFFSET_ENTRY != 0
                    || (timeSize - IndexFormat.HEADER) % IndexFormat.TIME_ENTRY != 0) {
                return REBUILD;
            }
            long entries = (offsetSize - IndexFormat.HEADER) / IndexFormat.OFFSET_ENTRY;
            if (entries != (timeSize - IndexFormat.HEADER) / IndexFormat.TIME_ENTRY || entries > Integer.MAX_VALUE) {
                return REBUILD;
            }
            ByteBuffer h = ByteBuffer.allocate(IndexFormat.HEADER);
            readFully(offsets, h, 0);
            if (h.getInt(0) != IndexFormat.OFFSET_MAGIC || h.getInt(4) != IndexFormat.VERSION) {
                return REBUILD;
            }
            h.clear();
            readFully(times, h, 0);
            if (h.getInt(0) != IndexFormat.TIME_MAGIC || h.getInt(4) != IndexFormat.VERSION) {
                return REBUILD;
            }
            int lastPosition = 0;
            if (entries > 0) {
                ByteBuffer last = ByteBuffer.allocate(IndexFormat.OFFSET_ENTRY);
                readFully(offsets, last, offsetSize - IndexFormat.OFFSET_ENTRY);
                int rel = last.getInt(0);
                int position = last.getInt(4);
                if (rel < 0 || position < 0 || position >= logSize) {
                    return REBUILD;
                }
                lastPosition = position;
            }
            return new IndexCheck((int) entries, lastPosition);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /**
     * After a clean shutdown the last segment was trimmed: its batches, walked from its last index
     * entry (at most one interval), end exactly at the end of the file.
     */
    private boolean lastSegmentEndsCleanly(int lastIndexedPosition) throws IOException {
        Segment last = segments.lastEntry().getValue();
        if (last.size == 0) {
            return true;
        }
        OpenFile f = last.acquireFile();
        try (BatchCursor c = new BatchCursor(f.channel, last.size)) {
            long end = 0;
            boolean ok = c.at(lastIndexedPosition);
            while (ok) {
                end = c.end();
                ok = c.next();
            }
            return end == last.size;
        } finally {
            f.release();
        }
    }

    /** Rebuilds both indexes from the log; returns the position of the last entry. */
    private int rebuildIndexes(Segment s) throws IOException {
        SegmentScan.Result r = SegmentScan.scan(s.file(LogFiles.LOG), s.baseOffset, config.indexIntervalBytes(), false);
        SegmentScan.writeIndexes(dir, s.baseOffset, r.index());
        s.indexEntries = r.index().count();
        LOG.info("Partition {}: rebuilt the indexes of segment {}", id, LogFiles.offsetName(s.baseOffset));
        return r.index().count() == 0 ? 0 : r.index().position(r.index().count() - 1);
    }

    /**
     * Recovery after an unclean shutdown: every segment from the one holding the recovery point
     * is scanned with CRCs; at the first torn or corrupt batch the log is truncated and later
     * segments are deleted, with one WARN line naming the partition and offset. Indexes of the
     * scanned segments are rebuilt and everything kept is flushed.
     *
     * @return the base offset of the first segment scanned
     */
    private long recover(OptionalLong recoveryCheckpoint, List<EpochEntry> epochsSeen) throws IOException {
        Long from = recoveryCheckpoint.isPresent() ? segments.floorKey(recoveryCheckpoint.getAsLong()) : null;
        if (from == null) {
            from = segments.firstKey();
        }
        List<Segment> scanned = List.copyOf(segments.tailMap(from, true).values());
        String problem = null;
        long cutOffset = -1;
        Segment cutSegment = null;
        int cutPosition = -1;
        int deleted = 0;
        for (Segment s : scanned) {
            if (problem != null) {
                segments.remove(s.baseOffset);
                s.markRemoved(engine.nextDeleteTag());
                deleted++;
                continue;
            }
            SegmentScan.Result r =
                    SegmentScan.scan(s.file(LogFiles.LOG), s.baseOffset, config.indexIntervalBytes(), true);
            Map.Entry<Long, Segment> next = segments.higherEntry(s.baseOffset);
            if (!r.clean()) {
                problem = r.problem();
            } else if (next != null && next.getKey() < r.nextOffset()) {
                problem = "a next segment starting at " + next.getKey() + " below offset " + r.nextOffset();
            }
            if (problem != null) {
                cutOffset = r.nextOffset();
                cutSegment = s;
                cutPosition = r.validBytes();
            }
            applyScan(s, r);
            epochsSeen.addAll(r.epochs());
        }
        if (problem != null) {
            LOG.warn(
                    "Partition {}: recovery found {} at offset {} (segment {}, position {}); truncated the log to offset {}"
                            + " and deleted {} later segment(s)",
                    id,
                    problem,
                    cutOffset,
                    LogFiles.offsetName(cutSegment.baseOffset),
                    cutPosition,
                    cutOffset,
                    deleted);
        }
        LogFiles.fsyncDir(dir);
        return from;
    }

    /** Makes a scanned segment what the scan found: trimmed, indexes rebuilt, flushed. */
    private void applyScan(Segment s, SegmentScan.Result r) throws IOException {
        s.size = r.validBytes();
        s.indexEntries = r.index().count();
        SegmentScan.writeIndexes(dir, s.baseOffset, r.index());
        s.recovered(new Segment.Stats(
                r.index().maxTimestamp(),
                r.index().offsetOfMaxTimestamp(),
                r.index().epochOfMax(),
                r.nextOffset()));
        s.trimFiles();
        s.syncAll();
    }

    private List<EpochEntry> epochsFromHeaders() throws IOException {
        List<EpochEntry> found = new ArrayList<>();
        int latest = -1;
        for (Segment s : segments.values()) {
            OpenFile f = s.acquireFile();
            try (BatchCursor c = new BatchCursor(f.channel, s.size)) {
                boolean ok = c.at(0);
                while (ok) {
                    if (c.leaderEpoch() > latest) {
                        latest = c.leaderEpoch();
                        found.add(new EpochEntry(latest, c.baseOffset()));
                    }
                    ok = c.next();
                }
            } finally {
                f.release();
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ getters

    @Override
    public PartitionId id() {
        return id;
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffset;
    }

    @Override
    public long sizeInBytes() {
        return size.get();
    }

    @Override
    public int segmentCount() {
        return segments.size();
    }

    @Override
    public long recoveryPoint() {
        return recoveryPoint;
    }

    @Override
    public LogConfig config() {
        return config;
    }

    @Override
    public void updateConfig(LogConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public List<EpochEntry> epochEntries() {
        return epochs.entries();
    }

    boolean isClosed() {
        return closed;
    }

    /** The segment holding {@code offset} (tests reach its locks through it). */
    Segment segmentHolding(long offset) {
        return segments.floorEntry(offset).getValue();
    }

    /** Synced length of every live segment's log file (power-loss simulation in tests). */
    void collectSyncedLengths(Map<Path, Long> into) {
        for (Segment s : segments.values()) {
            if (!s.isRemoved()) {
                into.put(s.file(LogFiles.LOG), s.syncedSize);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("The log of " + id + " is closed");
        }
    }

    private StorageException failure(String what, IOException e) {
        return new StorageException("Cannot " + what + " the log of " + id + " in " + dir + ": " + e.getMessage(), e);
    }

    // ------------------------------------------------------------------ appends (the writer)

    @Override
    public AppendResult appendAsLeader(ByteBuffer batches, int leaderEpoch) {
        ensureOpen();
        BatchList list = BATCH_LISTS.get();
        list.parse(batches);
        int n = list.count();
        long first = logEndOffset;
        list.assignOffsets(first, leaderEpoch);
        LogConfig cfg = config;
        long bytes = list.bytes(0, n);
        if (bytes > cfg.segmentBytes()) {
            throw new RecordBatchTooLargeException("The batches appended to " + id + " (" + bytes
                    + " bytes) do not fit in a segment (segment.bytes=" + cfg.segmentBytes() + ")");
        }
        long now = time.milliseconds();
        try {
            Segment seg = active;
            if (seg.shouldRoll(cfg, list, 0, n, now)) {
                seg = roll(first, now);
            }
            seg.append(batches, list, 0, n, true, cfg, now);
        } catch (IOException e) {
            throw failure("append to", e);
        }
        // The epoch checkpoint is written by the next sync, roll flush or close, not here.
        epochs.assign(leaderEpoch, first);
        publish(list, n - 1, bytes);
        return result(list, 0, n, bytes);
    }

    @Override
    public AppendResult appendAsFollower(ByteBuffer batches) {
        ensureOpen();
        BatchList list = BATCH_LISTS.get();
        list.parse(batches);
        int n = list.count();
        list.checkFollowerOffsets(logEndOffset);
        LogConfig cfg = config;
        for (int i = 0; i < n; i++) {
            if (list.size(i) > cfg.segmentBytes()) {
                throw new RecordBatchTooLargeException("A batch of " + list.size(i) + " bytes appended to " + id
                        + " does not fit in a segment (segment.bytes=" + cfg.segmentBytes() + ")");
            }
        }
        long now = time.milliseconds();
        long total = 0;
        try {
            int from = 0;
            while (from < n) {
                Segment seg = active;
                int to = fit(seg, cfg, list, from, n);
                if (to == from || seg.shouldRoll(cfg, list, from, to, now)) {
                    seg = roll(list.baseOffset(from), now);
                    to = fit(seg, cfg, list, from, n);
                }
                seg.append(batches, list, from, to, false, cfg, now);
                for (int i = from; i < to; i++) {
                    epochs.assign(list.epoch(i), list.baseOffset(i));
                }
                long bytes = list.bytes(from, to);
                publish(list, to - 1, bytes);
                total += bytes;
                from = to;
            }
        } catch (IOException e) {
            throw failure("append to", e);
        }
        return result(list, 0, n, total);
    }

    /** How many batches from {@code from} fit in {@code seg} (never more than a relative offset holds). */
    private static int fit(Segment seg, LogConfig cfg, BatchList list, int from, int n) {
        long room = cfg.segmentBytes() - (long) seg.size;
        int to = from;
        while (to < n && list.size(to) <= room && list.lastOffset(to) - seg.baseOffset <= Integer.MAX_VALUE) {
            room -= list.size(to);
            to++;
        }
        return to;
    }

    private void publish(BatchList list, int lastIndex, long bytes) {
        size.addAndGet(bytes);
        logEndOffset = list.lastOffset(lastIndex) + 1;
    }

    private static AppendResult result(BatchList list, int from, int to, long bytes) {
        long maxTs = list.maxTimestamp(from);
        long offsetOfMax = list.lastOffset(from);
        for (int i = from + 1; i < to; i++) {
            if (list.maxTimestamp(i) > maxTs) {
                maxTs = list.maxTimestamp(i);
                offsetOfMax = list.lastOffset(i);
            }
        }
        return new AppendResult(list.baseOffset(from), list.lastOffset(to - 1), maxTs, offsetOfMax, (int) bytes);
    }

    private void writeEpochsQuietly() {
        try {
            epochs.write(false);
        } catch (IOException e) {
            // The epochs are in memory and rewritten on the next sync; recovery also rebuilds them.
            LOG.warn("Partition {}: writing the leader epoch checkpoint failed: {}", id, e.getMessage());
        }
    }

    /**
     * Starts a new active segment at {@code newBase}. The old one is trimmed at once and flushed
     * in the background, which then moves the recovery point past it.
     */
    private Segment roll(long newBase, long now) throws IOException {
        Segment old = active;
        if (old.size == 0) {
            if (old.baseOffset == newBase) {
                return old;
            }
            // an empty segment a follower's gap has made useless
            segments.remove(old.baseOffset);
            old.markRemoved(engine.nextDeleteTag());
        } else {
            // Unmapping and trimming cost milliseconds: the background flush does them.
            old.stopWritingForRoll();
        }
        Segment next = Segment.create(this, newBase);
        next.activate(config, now, old.size > 0 ? old.currentChunk() : 0);
        segments.put(newBase, next);
        active = next;
        dirDirty = true;
        if (old.size > 0) {
            engine.runInBackground(() -> flushRolled(old));
        }
        return next;
    }

    private void flushRolled(Segment old) throws IOException {
        syncLock.lock();
        try {
            if (closed || old.isRemoved()) {
                return;
            }
            for (Segment s : segmentsFrom(recoveryPoint)) {
                if (s.baseOffset > old.baseOffset) {
                    break;
                }
                if (!s.isRemoved()) {
                    s.finishDeactivation();
                    s.syncAll();
                }
            }
            flushDirectory(false);
            // Recovery rebuilds epochs only from the segments it scans: persist the older ones now.
            epochs.write(true);
            long newPoint = old.stats().nextOffset();
            if (newPoint > recoveryPoint) {
                recoveryPoint = newPoint;
                Checkpoints.writeOffset(dir.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT), newPoint, false);
            }
            recordSyncedLengths();
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * With {@code storage.mmap.test.record.synced.lengths} (power-loss tests only): writes, durably,
     * how many bytes of each segment file are known durable, and how many syncs ran, to {@code
     * synced-lengths}: a test cuts the files back to these lengths after a {@code kill -9} to lose
     * what only the page cache held. Holds syncLock.
     */
    private void recordSyncedLengths() throws IOException {
        if (!engine.settings().recordSyncedLengths()) {
            return;
        }
        syncs++;
        StringBuilder sb = new StringBuilder();
        sb.append(Checkpoints.VERSION)
                .append('\n')
                .append("syncs ")
                .append(syncs)
                .append('\n');
        for (Segment s : segments.values()) {
            if (!s.isRemoved()) {
                sb.append(s.file(LogFiles.LOG).getFileName())
                        .append(' ')
                        .append(s.syncedSize)
                        .append('\n');
            }
        }
        LogFiles.writeAtomically(
                dir.resolve(LogFiles.SYNCED_LENGTHS),
                sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                true);
    }

    /**
     * Makes the partition's new files durable: its directory's entries and, for a partition
     * created in this run, its metadata file and its entry in the log dir (unless the closing
     * engine flushes each log dir once for all). The metadata file's content is not flushed: a
     * partition found without it is adopted by the topic that opens it.
     */
    private void flushDirectory(boolean engineFlushesLogDir) throws IOException {
        if (createdUnflushed) {
            createdUnflushed = false;
            ensureMetadata();
            if (!engineFlushesLogDir) {
                LogFiles.fsyncDir(dir.getParent());
            }
            dirDirty = true;
        }
        if (dirDirty) {
            dirDirty = false;
            LogFiles.fsyncDir(dir);
        }
    }

    private Collection<Segment> segmentsFrom(long offset) {
        Long from = segments.floorKey(offset);
        return from == null ? segments.values() : segments.tailMap(from, true).values();
    }

    @Override
    public void sync() {
        ensureOpen();
        syncLock.lock();
        try {
            if (closed) {
                throw new StorageException("The log of " + id + " is closed");
            }
            long target = logEndOffset;
            Segment last = active;
            for (Segment s : segmentsFrom(recoveryPoint)) {
                if (s.isRemoved()) {
                    continue;
                }
                // The recovery point is about to pass it: no untrimmed tail may stay behind it.
                s.finishDeactivation();
                if (s.syncedSize < s.size) {
                    s.syncLog(false);
                }
                s.syncTxnIndex();
                if (s == last) {
                    break;
                }
            }
            flushDirectory(false);
            epochs.write(true);
            if (target > recoveryPoint) {
                recoveryPoint = target;
            }
            recordSyncedLengths();
        } catch (IOException e) {
            throw failure("sync", e);
        } finally {
            syncLock.unlock();
        }
    }

    // ------------------------------------------------------------------ reads (any thread)

    @Override
    public LogSlice read(long offset, int maxBytes, long maxOffset, boolean minOneBatch) {
        ensureOpen();
        long start = logStartOffset;
        long end = logEndOffset;
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException(
                    "Offset " + offset + " is outside the log of " + id + " [" + start + ", " + end + "]");
        }
        if (offset == end || offset >= maxOffset) {
            return LogSlice.empty();
        }
        try {
            Map.Entry<Long, Segment> e = segments.floorEntry(offset);
            Segment seg = e != null ? e.getValue() : segments.firstEntry().getValue();
            int spins = 0;
            while (seg != null) {
                boolean pinned = seg.tryPin();
                if (!pinned || seg.isRemoved()) {
                    if (pinned) {
                        seg.unpin();
                    }
                    // removed under us (retention or truncation): look again
                    ensureOpen();
                    if (offset < logStartOffset) {
                        throw new OffsetOutOfRangeException(
                                "Offset " + offset + " is below the log start offset " + logStartOffset + " of " + id);
                    }
                    Map.Entry<Long, Segment> again = segments.floorEntry(offset);
                    Segment retry = again != null ? again.getValue() : null;
                    if (retry == seg) {
                        // A compaction swap is replacing it this very moment: look again shortly.
                        if (++spins > MAX_SPINS) {
                            throw new StorageException("Segment " + seg + " is no longer readable");
                        }
                        Thread.onSpinWait();
                        if (spins % 1024 == 0) {
                            Thread.yield();
                        }
                        continue;
                    }
                    seg = retry;
                    continue;
                }
                LogSlice slice = readPinned(seg, offset, maxBytes, maxOffset, minOneBatch);
                if (slice != null) {
                    return slice;
                }
                Map.Entry<Long, Segment> next = segments.higherEntry(seg.baseOffset);
                seg = next != null ? next.getValue() : null;
            }
            return LogSlice.empty();
        } catch (IOException ex) {
            throw failure("read", ex);
        }
    }

    /**
     * Reads from a pinned segment; the slice takes over the pin and a file reference, or both are
     * given back here. Null when no batch of the segment reaches {@code offset}.
     */
    private LogSlice readPinned(Segment seg, long offset, int maxBytes, long maxOffset, boolean minOneBatch)
            throws IOException {
        boolean handedOver = false;
        try {
            int entries = seg.indexEntries;
            int limit = seg.size;
            OpenFile f = seg.acquireFile();
            try (BatchCursor c = new BatchCursor(f.channel, limit)) {
                if (!seg.seek(c, offset, entries)) {
                    return null;
                }
                long startPos = c.position();
                long firstBase = c.baseOffset();
                if (c.lastOffset() >= maxOffset) {
                    return LogSlice.empty();
                }
                long endPos;
                if (c.size() > maxBytes) {
                    if (!minOneBatch) {
                        return LogSlice.empty();
                    }
                    endPos = c.end();
                } else {
                    endPos = seg.endBefore(c, c.end(), startPos + (long) maxBytes, maxOffset, entries);
                }
                LogSlice.FileRegion region =
                        new LogSlice.FileRegion(f.channel, startPos, (int) (endPos - startPos), firstBase, () -> {
                            f.release();
                            seg.unpin();
                        });
                handedOver = true;
                return region;
            } finally {
                if (!handedOver) {
                    f.release();
                }
            }
        } finally {
            if (!handedOver) {
                seg.unpin();
            }
        }
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) {
        ensureOpen();
        long start = logStartOffset;
        try {
            for (Segment s : segmentsFrom(start)) {
                if (!s.tryPin()) {
                    continue;
                }
                try {
                    if (s.stats().maxTimestamp() >= timestamp) {
                        TimestampOffset found = s.findByTimestamp(timestamp, start);
                        if (found != null) {
                            return Optional.of(found);
                        }
                    }
                } finally {
                    s.unpin();
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw failure("search", e);
        }
    }

    @Override
    public Optional<TimestampOffset> maxTimestamp() {
        ensureOpen();
        try {
            Segment best = null;
            long bestTs = Long.MIN_VALUE;
            for (Segment s : segmentsFrom(logStartOffset)) {
                if (!s.tryPin()) {
                    continue;
                }
                try {
                    Segment.Stats st = s.stats();
                    if (st.nextOffset() > s.baseOffset && st.maxTimestamp() > bestTs) {
                        best = s;
                        bestTs = st.maxTimestamp();
                    }
                } finally {
                    s.unpin();
                }
            }
            if (best == null || !best.tryPin()) {
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(best.locateMaxTimestamp());
            } finally {
                best.unpin();
            }
        } catch (IOException e) {
            throw failure("search", e);
        }
    }

    // ------------------------------------------------------------------ truncation and retention (the writer)

    @Override
    public void truncateTo(long offset) {
        ensureOpen();
        if (offset >= logEndOffset) {
            return;
        }
        if (offset < segments.firstKey()) {
            truncateFullyAndStartAt(offset);
            return;
        }
        syncLock.lock();
        structureLock.lock();
        try {
            Segment seg = segments.floorEntry(offset).getValue();
            int cut;
            long newEnd;
            OpenFile f = seg.acquireFile();
            try (BatchCursor c = new BatchCursor(f.channel, seg.size)) {
                if (seg.seek(c, offset, seg.indexEntries)) {
                    cut = (int) c.position();
                    newEnd = Math.min(offset, c.baseOffset());
                } else {
                    cut = seg.size;
                    newEnd = offset;
                }
            } finally {
                f.release();
            }
            logEndOffset = newEnd;
            List<Segment> later =
                    List.copyOf(segments.tailMap(seg.baseOffset, false).values());
            long removed = 0;
            for (Segment s : later) {
                segments.remove(s.baseOffset);
                removed += s.size;
                s.markRemoved(engine.nextDeleteTag());
            }
            removed += seg.size - cut;
            seg.truncateTo(cut, newEnd);
            seg.activate(config, time.milliseconds());
            active = seg;
            size.addAndGet(-removed);
            if (logStartOffset > newEnd) {
                logStartOffset = newEnd;
                Checkpoints.writeOffset(dir.resolve(LogFiles.LOG_START_CHECKPOINT), newEnd, true);
            }
            epochs.truncateFromEnd(newEnd);
            epochs.write(true);
            snapshots.deleteAbove(newEnd);
            recoveryPoint = Math.min(recoveryPoint, newEnd);
            Checkpoints.writeOffset(dir.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT), recoveryPoint, true);
            lowerFirstDirtyOffset(newEnd);
        } catch (IOException e) {
            throw failure("truncate", e);
        } finally {
            structureLock.unlock();
            syncLock.unlock();
        }
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        ensureOpen();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        syncLock.lock();
        structureLock.lock();
        try {
            logEndOffset = Math.min(logEndOffset, offset);
            logStartOffset = offset;
            for (Segment s : List.copyOf(segments.values())) {
                segments.remove(s.baseOffset);
                s.markRemoved(engine.nextDeleteTag());
            }
            Segment fresh = Segment.create(this, offset);
            fresh.activate(config, time.milliseconds());
            segments.put(offset, fresh);
            active = fresh;
            size.set(0);
            logEndOffset = offset;
            recoveryPoint = offset;
            epochs.clear();
            epochs.write(true);
            snapshots.deleteAll();
            Checkpoints.writeOffset(dir.resolve(LogFiles.LOG_START_CHECKPOINT), offset, true);
            Checkpoints.writeOffset(dir.resolve(LogFiles.RECOVERY_POINT_CHECKPOINT), offset, true);
            dirDirty = false;
            firstDirtyOffset = offset;
            earliestDeleteHorizon = Long.MAX_VALUE;
            writeCleanerCheckpoint();
        } catch (IOException e) {
            throw failure("truncate", e);
        } finally {
            structureLock.unlock();
            syncLock.unlock();
        }
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        ensureOpen();
        long end = logEndOffset;
        if (offset > end) {
            throw new OffsetOutOfRangeException(
                    "Cannot delete records of " + id + " before " + offset + ": the log ends at " + end);
        }
        if (offset <= logStartOffset) {
            return logStartOffset;
        }
        try {
            logStartOffset = offset;
            Checkpoints.writeOffset(dir.resolve(LogFiles.LOG_START_CHECKPOINT), offset, true);
            epochs.truncateFromStart(offset);
            writeEpochsQuietly();
            deleteBelowStart();
            snapshots.deleteBelow(offset);
            return offset;
        } catch (IOException e) {
            throw failure("delete records from", e);
        }
    }

    @Override
    public int enforceRetention(long nowMs) {
        ensureOpen();
        LogConfig cfg = config;
        try {
            if (active.isOld(cfg, nowMs)) {
                roll(logEndOffset, nowMs);
            }
            int deleted = 0;
            if (cfg.deleteCleanup()) {
                if (cfg.retentionMs() >= 0) {
                    long limit = nowMs - cfg.retentionMs();
                    deleted += deletePrefix(s -> largestTimestamp(s) < limit, nowMs);
                }
                if (cfg.retentionBytes() >= 0) {
                    long[] excess = {size.get() - cfg.retentionBytes()};
                    deleted += deletePrefix(
                            s -> {
                                if (excess[0] - s.size >= 0) {
                                    excess[0] -= s.size;
                                    return true;
                                }
                                return false;
                            },
                            nowMs);
                }
            }
            deleted += deleteBelowStart();
            return deleted;
        } catch (IOException e) {
            throw failure("enforce retention on", e);
        }
    }

    /** The segment's newest record time; its file time when no batch carries one (Kafka's rule). */
    private static long largestTimestamp(Segment s) throws IOException {
        long ts = s.stats().maxTimestamp();
        return ts >= 0 ? ts : Files.getLastModifiedTime(s.file(LogFiles.LOG)).toMillis();
    }

    @FunctionalInterface
    private interface SegmentPredicate {
        boolean test(Segment s) throws IOException;
    }

    /**
     * Deletes the oldest segments while {@code deletable} holds. When that takes in a non-empty
     * active segment, it is rolled first so that it can go (Kafka does the same).
     */
    private int deletePrefix(SegmentPredicate deletable, long nowMs) throws IOException {
        if (!structureLock.tryLock()) {
            return 0; // a compaction swap is under way: the next retention run deletes these
        }
        try {
            return deletePrefixLocked(deletable, nowMs);
        } finally {
            structureLock.unlock();
        }
    }

    private int deletePrefixLocked(SegmentPredicate deletable, long nowMs) throws IOException {
        List<Segment> prefix = new ArrayList<>();
        for (Segment s : segments.values()) {
            boolean isActive = s == active;
            if ((isActive && s.size == 0) || !deletable.test(s)) {
                break;
            }
            prefix.add(s);
            if (isActive) {
                break;
            }
        }
        if (prefix.isEmpty()) {
            return 0;
        }
        if (prefix.getLast() == active) {
            roll(logEndOffset, nowMs);
        }
        remove(prefix);
        return prefix.size();
    }

    /** Deletes the segments wholly below the log start offset (never the active one). */
    private int deleteBelowStart() throws IOException {
        if (!structureLock.tryLock()) {
            return 0; // a compaction swap is under way: the next retention run deletes these
        }
        try {
            return deleteBelowStartLocked();
        } finally {
            structureLock.unlock();
        }
    }

    private int deleteBelowStartLocked() throws IOException {
        long start = logStartOffset;
        List<Segment> doomed = new ArrayList<>();
        for (Segment s : segments.values()) {
            Map.Entry<Long, Segment> next = segments.higherEntry(s.baseOffset);
            if (next == null || next.getKey() > start) {
                break;
            }
            doomed.add(s);
        }
        if (doomed.isEmpty()) {
            return 0;
        }
        remove(doomed);
        return doomed.size();
    }

    /** Takes the oldest segments out; their files go once no slice reads them. */
    private void remove(List<Segment> oldest) throws IOException {
        for (Segment s : oldest) {
            segments.remove(s.baseOffset);
            size.addAndGet(-s.size);
            s.markRemoved(engine.nextDeleteTag());
        }
        long first = segments.firstKey();
        if (first > logStartOffset) {
            logStartOffset = first;
            Checkpoints.writeOffset(dir.resolve(LogFiles.LOG_START_CHECKPOINT), first, true);
            epochs.truncateFromStart(first);
            writeEpochsQuietly();
        }
        // Renames need no flush of their own: segments a power loss brings back lie below the
        // durable log start offset and are deleted when the log is loaded.
        snapshots.deleteBelow(logStartOffset);
    }

    // ------------------------------------------------------------------ compaction (a background thread)

    @Override
    public CompactionResult compact(CompactionRequest request) {
        ensureOpen();
        LogConfig cfg = config;
        if (!cfg.compactCleanup()) {
            return CompactionResult.notNeeded(firstDirtyOffset);
        }
        if (!compactionLock.tryLock()) {
            return CompactionResult.aborted(firstDirtyOffset);
        }
        try {
            CompactionResult result = new Compaction(this, request, cfg).run();
            if (result.outcome() == CompactionResult.Outcome.COMPACTED) {
                LOG.debug("Partition {}: compacted up to offset {}: {}", id, result.cleanedUpTo(), result);
            }
            return result;
        } catch (IOException e) {
            if (closed) {
                return CompactionResult.aborted(firstDirtyOffset);
            }
            throw failure("compact", e);
        } finally {
            compactionLock.unlock();
        }
    }

    /** Where the dirty (not yet compacted) part starts. */
    long firstDirtyOffset() {
        return firstDirtyOffset;
    }

    /** The earliest delete horizon among kept tombstones and markers, Long.MAX_VALUE when none. */
    long earliestDeleteHorizon() {
        return earliestDeleteHorizon;
    }

    /**
     * The segments a compaction pass may work on: every non-active segment wholly below the first
     * uncleanable offset (the active segment's base, {@code maxOffset}, and the first segment
     * holding a record younger than {@code min.compaction.lag.ms}). Null when the log is closed.
     */
    Compaction.View compactionView(long nowMs, long maxOffset) throws IOException {
        structureLock.lock();
        try {
            if (closed) {
                return null;
            }
            LogConfig cfg = config;
            Segment act = active;
            long end = Math.min(act.baseOffset, maxOffset);
            List<Segment> all = new ArrayList<>(segments.values());
            if (cfg.minCompactionLagMs() > 0) {
                for (Segment s : all) {
                    if (s == act || s.baseOffset >= end) {
                        break;
                    }
                    if (s.stats().maxTimestamp() > nowMs - cfg.minCompactionLagMs()) {
                        end = s.baseOffset;
                        break;
                    }
                }
            }
            List<Segment> cleanable = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            long cleanableEnd = all.isEmpty() ? end : all.getFirst().baseOffset;
            for (int i = 0; i + 1 < all.size(); i++) {
                Segment s = all.get(i);
                long next = all.get(i + 1).baseOffset;
                if (s == act || s.isActive() || next > end) {
                    break;
                }
                cleanable.add(s);
                sizes.add(s.size);
                cleanableEnd = next;
            }
            long start = logStartOffset;
            long firstDirty = Math.clamp(
                    firstDirtyOffset,
                    cleanable.isEmpty() ? start : cleanable.getFirst().baseOffset,
                    Math.max(cleanableEnd, start));
            return new Compaction.View(cleanable, sizes, start, firstDirty, cleanableEnd);
        } finally {
            structureLock.unlock();
        }
    }

    /**
     * Puts a compacted segment in place of {@code group}, if the group is still what the pass
     * read (same segments, same sizes, none active or removed); else gives up and returns false.
     *
     * <p>Crash safety: the new segment's files are durable (as {@code .cleaned} files) before
     * this starts; the manifest naming the replaced segments is written durably first and is the
     * commit point: from then on, loading completes the swap ({@link #completeSwaps}). In memory
     * the new segment replaces the group's first segment in one step, so a reader sees either
     * the old segments or the new one; then the old ones are removed (their files renamed
     * {@code .deleted}, deleted once no slice reads them) and the new files get their final
     * names through hard links, so that a reader opening them meanwhile finds them under either
     * name.
     */
    boolean swapIn(List<Segment> group, List<Integer> sizes, CleanedSegment out) throws IOException {
        structureLock.lock();
        try {
            if (closed || deleting) {
                return false;
            }
            for (int i = 0; i < group.size(); i++) {
                Segment s = group.get(i);
                if (s.isRemoved() || s.isActive() || segments.get(s.baseOffset) != s || s.size != sizes.get(i)) {
                    return false;
                }
            }
            long base = out.baseOffset();
            MmapStorageEngine.SwapObserver observer = engine.swapObserver();
            observer.at(MmapStorageEngine.SwapStep.CLEANED_WRITTEN, dir);
            Path manifest = dir.resolve(LogFiles.offsetName(base) + LogFiles.SWAP);
            Checkpoints.writeSwapManifest(
                    manifest, group.stream().map(g -> g.baseOffset).toList());
            observer.at(MmapStorageEngine.SwapStep.MANIFEST_WRITTEN, dir);
            // Committed: a crash from here on finishes the swap when the log is loaded.
            Segment fresh = Segment.compacted(
                    this,
                    base,
                    (int) out.size(),
                    out.index().count(),
                    out.hasAbortedTxns(),
                    Segment.statsOf(out.index(), out.size() == 0 ? base : out.nextOffset()),
                    LogFiles.CLEANED);
            segments.put(base, fresh);
            long removed = 0;
            for (Segment s : group) {
                if (s.baseOffset != base) {
                    segments.remove(s.baseOffset, s);
                }
                removed += s.size;
                s.markRemoved(engine.nextDeleteTag());
            }
            size.addAndGet(out.size() - removed);
            observer.at(MmapStorageEngine.SwapStep.OLD_REMOVED, dir);
            for (String suffix : List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
                Path cleaned = dir.resolve(LogFiles.offsetName(base) + suffix + LogFiles.CLEANED);
                if (Files.exists(cleaned)) {
                    linkOrMove(cleaned, dir.resolve(LogFiles.offsetName(base) + suffix));
                }
            }
            fresh.finalNames();
            observer.at(MmapStorageEngine.SwapStep.LINKED, dir);
            for (String suffix : List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
                Files.deleteIfExists(dir.resolve(LogFiles.offsetName(base) + suffix + LogFiles.CLEANED));
            }
            LogFiles.fsyncDir(dir);
            observer.at(MmapStorageEngine.SwapStep.CLEANED_UNLINKED, dir);
            Files.delete(manifest);
            observer.at(MmapStorageEngine.SwapStep.MANIFEST_DELETED, dir);
            return true;
        } finally {
            structureLock.unlock();
        }
    }

    /** Gives {@code from}'s file the name {@code to} as well (a hard link), or moves it where links are not supported. */
    private static void linkOrMove(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof java.nio.file.FileAlreadyExistsException) {
                throw (IOException) e;
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Whether the segments of a compaction view are all still there as the view saw them. */
    boolean stillHolds(Compaction.View view) {
        structureLock.lock();
        try {
            if (closed) {
                return false;
            }
            for (int i = 0; i < view.cleanable().size(); i++) {
                Segment s = view.cleanable().get(i);
                if (s.isRemoved()
                        || s.isActive()
                        || segments.get(s.baseOffset) != s
                        || s.size != view.sizes().get(i)) {
                    return false;
                }
            }
            return true;
        } finally {
            structureLock.unlock();
        }
    }

    /** A pass finished: the log is compacted below {@code mapEnd}. */
    void compacted(long mapEnd, long earliestHorizon) {
        structureLock.lock();
        try {
            if (closed) {
                return;
            }
            firstDirtyOffset = Math.min(Math.max(firstDirtyOffset, mapEnd), logEndOffset);
            earliestDeleteHorizon = earliestHorizon;
            writeCleanerCheckpoint();
        } finally {
            structureLock.unlock();
        }
    }

    /** The log was truncated at {@code end}: nothing at or past it is compacted any more. */
    private void lowerFirstDirtyOffset(long end) {
        if (firstDirtyOffset > end) {
            firstDirtyOffset = end;
            writeCleanerCheckpoint();
        }
    }

    private void writeCleanerCheckpoint() {
        try {
            Checkpoints.writeCleaner(
                    dir.resolve(LogFiles.CLEANER_CHECKPOINT),
                    new Checkpoints.CleanerState(firstDirtyOffset, earliestDeleteHorizon));
        } catch (IOException e) {
            // Only costs work: the next pass starts from an older checkpoint.
            LOG.warn("Partition {}: writing the cleaner checkpoint failed: {}", id, e.getMessage());
        }
    }

    /**
     * Finishes the compaction swaps a crash interrupted (see {@link #swapIn}): for each manifest
     * whose new log file is still under its {@code .cleaned} name, the replaced segments' files
     * are deleted and the new ones renamed into place; then the manifest goes. Stray {@code
     * .cleaned} files (a pass that never committed) are deleted. Runs before the segments are
     * listed.
     */
    private void completeSwaps() throws IOException {
        List<Path> manifests = new ArrayList<>();
        List<Path> cleaned = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (LogFiles.parseOffset(name, LogFiles.SWAP).isPresent()) {
                    manifests.add(f);
                } else if (name.endsWith(LogFiles.CLEANED)) {
                    cleaned.add(f);
                }
            }
        }
        if (manifests.isEmpty() && cleaned.isEmpty()) {
            return;
        }
        for (Path manifest : manifests) {
            String baseName = manifest.getFileName().toString().substring(0, 20);
            List<Long> replaced;
            try {
                replaced = Checkpoints.readSwapManifest(manifest);
            } catch (Checkpoints.MalformedCheckpointException e) {
                // Written atomically and durably before anything else: a torn one never committed.
                LOG.warn("Partition {}: ignoring a malformed compaction manifest: {}", id, e.getMessage());
                Files.delete(manifest);
                continue;
            }
            if (Files.exists(dir.resolve(baseName + LogFiles.LOG + LogFiles.CLEANED))) {
                for (long old : replaced) {
                    for (String suffix :
                            List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
                        Files.deleteIfExists(dir.resolve(LogFiles.offsetName(old) + suffix));
                    }
                }
                for (String suffix : List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
                    Path from = dir.resolve(baseName + suffix + LogFiles.CLEANED);
                    if (Files.exists(from)) {
                        Files.move(
                                from,
                                dir.resolve(baseName + suffix),
                                StandardCopyOption.ATOMIC_MOVE,
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                LOG.info(
                        "Partition {}: completed a compaction swap of segments {} that a crash interrupted",
                        id,
                        replaced);
            }
            LogFiles.fsyncDir(dir);
            Files.delete(manifest);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (f.getFileName().toString().endsWith(LogFiles.CLEANED)) {
                    Files.delete(f);
                }
            }
        }
        LogFiles.fsyncDir(dir);
    }

    // ------------------------------------------------------------------ snapshots and transactions

    @Override
    public void writeProducerSnapshot(long offset, ByteBuffer state) {
        ensureOpen();
        try {
            snapshots.write(offset, state);
        } catch (IOException e) {
            throw failure("write a producer snapshot to", e);
        }
    }

    @Override
    public Optional<ProducerSnapshot> latestProducerSnapshot() {
        ensureOpen();
        try {
            return snapshots.latest(logEndOffset);
        } catch (IOException e) {
            throw failure("read a producer snapshot of", e);
        }
    }

    @Override
    public void appendAbortedTransaction(AbortedTxn txn) {
        ensureOpen();
        Map.Entry<Long, Segment> e = segments.floorEntry(txn.lastOffset());
        Segment s = e != null ? e.getValue() : active;
        try {
            s.appendTxn(txn);
        } catch (IOException ex) {
            throw failure("record an aborted transaction in", ex);
        }
    }

    @Override
    public List<AbortedTxn> abortedTransactions(long startOffset, long upperBoundOffset) {
        ensureOpen();
        List<AbortedTxn> found = new ArrayList<>();
        try {
            for (Segment s : segmentsFrom(startOffset)) {
                boolean complete = false;
                for (AbortedTxn t : s.abortedTxns()) {
                    if (t.lastOffset() >= startOffset && t.firstOffset() < upperBoundOffset) {
                        found.add(t);
                    }
                    // Kafka's rule: once the last stable offset at an abort passed the bound,
                    // every transaction starting below the bound had ended before it.
                    complete |= t.lastStableOffset() >= upperBoundOffset;
                }
                if (complete) {
                    break;
                }
            }
        } catch (IOException e) {
            throw failure("read the transaction index of", e);
        }
        return found;
    }

    // ------------------------------------------------------------------ closing

    /**
     * Flushes everything, trims the active segment and drops the cached files and mappings
     * (slices still being sent keep theirs). Idempotent.
     */
    @Override
    public void close() {
        close(false);
    }

    /**
     * Closes for an engine shutdown. With {@code fileSystemWillBeSynced} the engine flushes the
     * whole file system afterwards ({@code syncfs}), so the log only writes what must be written
     * and leaves flushing to that single call.
     */
    void close(boolean fileSystemWillBeSynced) {
        IOException failure = null;
        syncLock.lock();
        structureLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                active.deactivate();
                for (Segment s : segments.values()) {
                    s.finishDeactivation();
                }
                if (fileSystemWillBeSynced) {
                    if (createdUnflushed) {
                        createdUnflushed = false;
                        ensureMetadata();
                    }
                    epochs.write(false);
                } else {
                    for (Segment s : segmentsFrom(recoveryPoint)) {
                        if (s.syncedSize < s.size) {
                            s.syncLog(false);
                        }
                        s.syncTxnIndex();
                    }
                    flushDirectory(engine.isClosing());
                    epochs.write(true);
                }
                recoveryPoint = logEndOffset;
            } catch (IOException e) {
                failure = e;
            } finally {
                for (Segment s : segments.values()) {
                    s.releaseResources();
                }
            }
        } finally {
            structureLock.unlock();
            syncLock.unlock();
        }
        engine.closed(this, failure == null);
        if (failure != null) {
            throw failure("close", failure);
        }
    }

    /** Stops the log without flushing: the partition is being deleted. */
    void closeForDelete() {
        deleting = true;
        syncLock.lock();
        structureLock.lock();
        try {
            closed = true;
            for (Segment s : segments.values()) {
                s.releaseResources();
            }
        } finally {
            structureLock.unlock();
            syncLock.unlock();
        }
    }

    /**
     * The partition's directory was renamed to {@code deadDir}: drop the log's pins; the
     * directory is deleted once the last slice reading it is released.
     */
    void deleteWhenReleased(Path deadDir) {
        dir = deadDir;
        List<Segment> all = List.copyOf(segments.values());
        segmentsLeftBeforeDelete = new AtomicInteger(all.size());
        for (Segment s : all) {
            s.unpin();
        }
    }
}

package io.tributary.storage.mmap;

import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.RecordBatchLayout;
import io.tributary.spi.storage.TimestampOffset;
import io.tributary.storage.mmap.ResourceCache.Kind;
import io.tributary.storage.mmap.SharedResource.Mapping;
import io.tributary.storage.mmap.SharedResource.OpenFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: a {@code .log} file of whole batches and its two sparse
 * indexes (see {@link IndexFormat}), plus an optional {@code .txnindex} of aborted transactions
 * whose abort marker lies in this segment.
 *
 * <p>Files are opened and mapped lazily through the engine's {@link ResourceCache}. The active
 * segment is written through a mapped window of its {@code .log} and writable mappings of its
 * indexes, after reserving disk space ({@link SpaceReserver}); reads never touch the log mapping,
 * they use positional reads and return file regions.
 *
 * <p>Threading: one writer (the partition's) calls the mutators; readers may call the lookup
 * methods at any time. The writer publishes, in this order, the bytes, {@link #size}, {@link
 * #indexEntries} and {@link #stats}; a reader reads {@link #indexEntries} before {@link #size} so
 * that every index entry it uses points inside the data it sees.
 *
 * <p>Locks, always taken in this order: {@code reserveLock}, this segment's monitor (the
 * active-period transitions and the preparer's window hand-over), the resource cache's own locks
 * (a cache load, e.g. {@link #mapIndex}, runs inside them), then {@code fileLock} (the lengths
 * of the files against their mappings). No code holding {@code fileLock} calls the cache, and no
 * cache load takes the monitor: a reader mapping an index inside a cache load must never wait
 * for a thread that holds the monitor while it drops this segment's cached mappings.
 *
 * <p>Lifetime: the log holds one pin; every slice holds another. {@link #markRemoved} renames the
 * files out of the way at once and drops the log's pin; the files are deleted once the last pin
 * is gone.
 */
final class Segment {
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);
    /** What a segment needs from its partition and engine. */
    interface Owner {
        Path dir();

        ResourceCache resources();

        SpaceReserver reserver();

        MmapSettings settings();

        /** The last pin of a removed segment is gone: delete its files (in the background). */
        void released(Segment segment);

        /** Whether {@link #prepare} is served (preparer threads exist). */
        boolean preparesAhead();

        /**
         * Runs {@link Segment#prepareAhead()} soon on a preparer thread (the caller has made
         * sure it is queued once).
         */
        void prepare(Segment segment);

        /** Faults mapped pages in ahead of the writer; null without native access. */
        PagePopulator populator();
    }

    /**
     * What a segment holds, for retention and timestamp lookups.
     *
     * @param maxTimestamp the largest batch max-timestamp, -1 when empty
     * @param offsetOfMaxTimestamp the last offset of the first batch holding it, -1 when not
     *     known yet (found from the index on demand)
     * @param epochOfMax that batch's partition leader epoch
     * @param nextOffset one past the last offset stored, the base offset when empty
     */
    record Stats(long maxTimestamp, long offsetOfMaxTimestamp, int epochOfMax, long nextOffset) {}

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long PAGE = 4096;
    private static final long INDEX_MIN_CHUNK = 4096;
    private static final long INDEX_MAX_CHUNK = 256 * 1024;
    private static final int TXN_MAGIC = 0x5454584E; // "TTXN"
    private static final int TXN_ENTRY = 32;
    /** Appends between two notes to the resource cache that the writer's mappings are in use. */
    private static final int TOUCH_EVERY = 64;
    /** The preparer reserves this much at a time (a writer needing the space waits for one step). */
    private static final long PREPARE_STEP = 256 * 1024;

    final long baseOffset;
    private final Owner owner;
    private final String name;
    private volatile String deletedTag;
    /** Appended to the file names until a compaction swap has given them their final names. */
    private volatile String pendingSuffix = "";

    private final AtomicInteger pins = new AtomicInteger(1);
    /** This segment's cache keys, made once so the append path allocates none. */
    private final ResourceCache.Keys keys;

    /** Bytes of whole batches. */
    volatile int size;
    /** Entries in each index. */
    volatile int indexEntries;
    /**
     * What the segment holds ({@link Stats}), unknown until computed (a cold segment computes it on
     * first use). Fields rather than a record so the writer publishes without allocating. Guarded
     * by statsLock.
     */
    private final Object statsLock = new Object();

    private boolean statsKnown;
    private long statMaxTimestamp;
    private long statOffsetOfMax;
    private int statEpochOfMax;
    private long statNextOffset;
    /** True while this is the partition's active segment (its indexes are mapped writable). */
    private volatile boolean active;
    /** Bytes known durable (forced); tests use it to simulate a power loss. */
    volatile long syncedSize;

    private volatile List<AbortedTxn> txns;
    private volatile boolean hasTxnFile;
    private volatile boolean txnDirty;

    /**
     * The writer's last writable window and index mappings: fast-path pointers that hold no
     * reference of their own (the cache does); users {@link SharedResource#tryRetain()} them and
     * go back to the cache when that fails or the window does not cover the write.
     */
    private volatile Mapping window;

    private volatile Mapping offsetIndexMap;
    private volatile Mapping timeIndexMap;
    /**
     * How much of the log file is reserved on disk. Moved up by the writer and by the preparer
     * ({@link #prepareAhead()}), both under reserveLock, which also orders them against the
     * segment stopping being active (a trim must not race a reservation past it).
     */
    private volatile long logReserved;

    private final ReentrantLock reserveLock = new ReentrantLock();
    /**
     * Orders every change of a file's length that is not a plain extension by the writer (trims,
     * and mappings, which may extend a file) against the making of mappings, and the end of the
     * active period against writable mappings: under it, an index file holds at least the
     * entries {@link #indexEntries} counts, so a read-only mapping of that many entries never
     * needs the file to grow. Held for file-length work only: never while calling the resource
     * cache (see the class comment).
     */
    private final Object fileLock = new Object();
    /** The config the active segment was activated with (the preparer's bound on reservations). */
    private volatile LogConfig activeConfig;
    /** A preparation is queued and has not started yet. */
    private final AtomicBoolean prepareQueued = new AtomicBoolean();
    /** The preparer's task, made once. */
    private final Runnable prepareTask = this::prepareAhead;

    // Writer-only state of the active segment.
    private IndexBuilder rule;
    private int indexCapacity;
    private int appendsSinceTouch;
    /** The smallest chunk to reserve (a rolled-over busy partition keeps its pace). */
    private volatile long chunkFloor;
    /** Stopped writing at a roll; the mappings are dropped and the files trimmed later. */
    private volatile boolean pendingTrim;

    private long indexReserved;
    private long timeReserved;
    /** When the segment.ms clock of this segment started; -1 until its first append. */
    private long rollingBasedMs = -1;

    private Segment(Owner owner, long baseOffset, int size, int indexEntries, Stats stats, boolean hasTxnFile) {
        this.owner = owner;
        this.baseOffset = baseOffset;
        this.name = LogFiles.offsetName(baseOffset);
        this.keys = new ResourceCache.Keys(this);
        this.size = size;
        this.indexEntries = indexEntries;
        if (stats != null) {
            setStats(stats.maxTimestamp(), stats.offsetOfMaxTimestamp(), stats.epochOfMax(), stats.nextOffset());
        }
        this.syncedSize = size;
        this.hasTxnFile = hasTxnFile;
    }

    /** The segment's cache keys. */
    ResourceCache.Keys keys() {
        return keys;
    }

    private void setStats(long maxTimestamp, long offsetOfMax, int epochOfMax, long nextOffset) {
        synchronized (statsLock) {
            statMaxTimestamp = maxTimestamp;
            statOffsetOfMax = offsetOfMax;
            statEpochOfMax = epochOfMax;
            statNextOffset = nextOffset;
            statsKnown = true;
        }
    }

    private void forgetStats() {
        synchronized (statsLock) {
            statsKnown = false;
        }
    }

    /** The published stats, or null when not computed yet. */
    private Stats knownStats() {
        synchronized (statsLock) {
            return statsKnown ? new Stats(statMaxTimestamp, statOffsetOfMax, statEpochOfMax, statNextOffset) : null;
        }
    }

    /**
     * Creates the log file of a new, empty segment. Its index files are created when the first
     * entry is due: a small segment costs one file. No other file of that base offset exists: a
     * removed segment's files were renamed, and loading deletes index files without a log.
     */
    static Segment create(Owner owner, long baseOffset) throws IOException {
        Segment s = new Segment(owner, baseOffset, 0, 0, new Stats(-1, -1, -1, baseOffset), false);
        s.syncedSize = 0;
        FileChannel.open(
                        s.file(LogFiles.LOG),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)
                .close();
        return s;
    }

    /** A segment found on disk, with validated sizes. */
    static Segment existing(Owner owner, long baseOffset, int size, int indexEntries, boolean hasTxnFile) {
        return new Segment(owner, baseOffset, size, indexEntries, null, hasTxnFile);
    }

    @Override
    public String toString() {
        return "segment " + name + " of " + owner.dir().getFileName();
    }

    // ------------------------------------------------------------------ files and lifetime

    Path file(String suffix) {
        String tag = deletedTag;
        return owner.dir().resolve(name + suffix + pendingSuffix + (tag == null ? "" : "." + tag + LogFiles.DELETED));
    }

    /**
     * A segment compaction has just written: its files still carry {@code suffix} (they are
     * {@code .cleaned} files) until the swap gives them their final names ({@link
     * #finalNames()}), so that it can be served from the moment it replaces its group.
     */
    static Segment compacted(
            Owner owner, long baseOffset, int size, int indexEntries, boolean hasTxnFile, Stats stats, String suffix) {
        Segment s = new Segment(owner, baseOffset, size, indexEntries, stats, hasTxnFile);
        s.pendingSuffix = suffix;
        return s;
    }

    /** The files now exist under their final names too (hard links): use those from now on. */
    void finalNames() {
        pendingSuffix = "";
    }

    boolean tryPin() {
        while (true) {
            int p = pins.get();
            if (p <= 0) {
                return false;
            }
            if (pins.compareAndSet(p, p + 1)) {
                return true;
            }
        }
    }

    void unpin() {
        int p = pins.decrementAndGet();
        if (p == 0) {
            owner.released(this);
        } else if (p < 0) {
            throw new IllegalStateException("unpinned more often than pinned: " + this);
        }
    }

    boolean isRemoved() {
        return deletedTag != null;
    }

    /**
     * Takes the segment out of the log: renames its files with a {@code .deleted} suffix (so a
     * restart never serves them), drops the cached resources and the log's pin. The files go
     * when the last slice reading them is released.
     */
    void markRemoved(String tag) throws IOException {
        stopWriting();
        List<Path> before = new ArrayList<>();
        for (String suffix : List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
            before.add(file(suffix));
        }
        deletedTag = tag;
        int i = 0;
        for (String suffix : List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
            Path from = before.get(i++);
            try {
                Files.move(from, file(suffix), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // not every segment has every file (a txn index is optional)
            }
        }
        owner.resources().invalidateAll(keys);
        unpin();
    }

    /** Drops the cached resources of a segment whose log is closing (no rename, no delete). */
    void releaseResources() {
        owner.resources().invalidateAll(keys);
    }

    void deleteFiles() throws IOException {
        for (String suffix : List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
            Files.deleteIfExists(file(suffix));
        }
    }

    /** A retained open file of the log; release it when done. */
    OpenFile acquireFile() throws IOException {
        return owner.resources().acquireFile(keys.logFile(), () -> open(LogFiles.LOG, true));
    }

    /**
     * A read-only channel of the log file of the caller's own, not the cached one: a background
     * thread that may be interrupted must not read through a shared channel (an interrupt closes
     * the channel it interrupts). The caller closes it.
     */
    FileChannel openForRead() throws IOException {
        return open(LogFiles.LOG, false);
    }

    private FileChannel open(String suffix, boolean write) throws IOException {
        StandardOpenOption[] options = write
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.READ};
        Path path = file(suffix);
        try {
            return FileChannel.open(path, options);
        } catch (NoSuchFileException e) {
            // renamed by markRemoved between building the path and opening it
            Path now = file(suffix);
            if (now.equals(path)) {
                throw e;
            }
            return FileChannel.open(now, options);
        }
    }

    private Mapping acquireIndex(Kind kind) throws IOException {
        ResourceCache.Key key = kind == Kind.OFFSET_INDEX ? keys.offsetIndex() : keys.timeIndex();
        return owner.resources().acquireIndex(key, () -> mapIndex(kind));
    }

    /** The writer's retained writable mapping of an index: the fast-path pointer, else the cache. */
    private Mapping writerIndex(Kind kind) throws IOException {
        boolean offsets = kind == Kind.OFFSET_INDEX;
        Mapping m = offsets ? offsetIndexMap : timeIndexMap;
        if (m != null && m.tryRetain()) {
            return m;
        }
        m = acquireIndex(kind);
        if (m.writable) {
            if (offsets) {
                offsetIndexMap = m;
            } else {
                timeIndexMap = m;
            }
        }
        return m;
    }

    /**
     * Maps an index: writable over its whole capacity while the segment is active (the writer
     * fills it), else read-only over the entries it holds. Runs inside a cache load, so it takes
     * {@code fileLock} and never this segment's monitor. A read-only mapping is sized from
     * {@link #indexEntries}, never from the file's length: the file may be longer (a rolled
     * segment not trimmed yet) and a trim may shorten it at any moment outside {@code fileLock},
     * and mapping a read-only channel past the end of its file fails ("cannot extend file").
     */
    private Mapping mapIndex(Kind kind) throws IOException {
        String suffix = kind == Kind.OFFSET_INDEX ? LogFiles.INDEX : LogFiles.TIME_INDEX;
        // Orders this against stopWriting() (no writable, file-extending mapping once the
        // segment may have been trimmed) and against trims and truncations (the file holds at
        // least the entries counted while the lock is held).
        synchronized (fileLock) {
            boolean writable = active;
            int entries = writable ? indexCapacity : indexEntries;
            long length =
                    kind == Kind.OFFSET_INDEX ? IndexFormat.offsetFileSize(entries) : IndexFormat.timeFileSize(entries);
            try (FileChannel ch = open(suffix, writable)) {
                Arena arena = Arena.ofShared();
                try {
                    MemorySegment m = ch.map(
                            writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY,
                            0,
                            length,
                            arena);
                    return new Mapping(arena, m, 0, writable, owner.resources().liveMappings());
                } catch (IOException | RuntimeException e) {
                    arena.close();
                    throw e;
                }
            }
        }
    }

    private static void writeWhole(Path file, ByteBuffer content) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                ch.write(content);
            }
        }
    }

    // ------------------------------------------------------------------ lookups (any thread)

    /**
     * Positions {@code cursor} on the first batch whose last offset is at or after {@code
     * target}; false when no batch of this segment (within the cursor's limit) reaches it.
     *
     * @param entries index entries to use, read before the cursor's limit was
     */
    boolean seek(BatchCursor cursor, long target, int entries) throws IOException {
        long start = 0;
        if (entries > 0 && target > baseOffset) {
            Mapping m = acquireIndex(Kind.OFFSET_INDEX);
            try {
                int i = IndexFormat.floorByOffset(
                        m.segment, within(m, Kind.OFFSET_INDEX, entries), target - baseOffset);
                if (i >= 0) {
                    start = IndexFormat.position(m.segment, i);
                }
            } finally {
                m.release();
            }
        }
        if (!cursor.at(start)) {
            return false;
        }
        while (cursor.lastOffset() < target) {
            if (!cursor.next()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The position after the last whole batch that starts at or after {@code from} (a batch
     * boundary), ends within {@code maxEnd} and whose last offset is below {@code maxOffset}; uses
     * the index to skip ahead, then scans at most one interval.
     */
    long endBefore(BatchCursor cursor, long from, long maxEnd, long maxOffset, int entries) throws IOException {
        long start = from;
        if (entries > 0) {
            Mapping m = acquireIndex(Kind.OFFSET_INDEX);
            try {
                int usable = within(m, Kind.OFFSET_INDEX, entries);
                int byPosition = IndexFormat.floorByPosition(m.segment, usable, maxEnd);
                int byOffset = IndexFormat.floorByOffset(m.segment, usable, maxOffset - baseOffset);
                int i = Math.min(byPosition, byOffset);
                if (i >= 0 && IndexFormat.position(m.segment, i) > from) {
                    start = IndexFormat.position(m.segment, i);
                }
            } finally {
                m.release();
            }
        }
        long end = start;
        boolean ok = cursor.at(start);
        while (ok && cursor.end() <= maxEnd && cursor.lastOffset() < maxOffset) {
            end = cursor.end();
            ok = cursor.next();
        }
        return end;
    }

    /**
     * {@code entries}, or fewer when {@code m} holds fewer: a lookup that read the count just
     * before a truncation of this segment then uses the entries left (its read comes out cut
     * short, which the SPI allows for a read racing a truncation) instead of failing.
     */
    private static int within(Mapping m, Kind kind, int entries) {
        long entry = kind == Kind.OFFSET_INDEX ? IndexFormat.OFFSET_ENTRY : IndexFormat.TIME_ENTRY;
        return (int) Math.min(entries, Math.max(0, (m.segment.byteSize() - IndexFormat.HEADER) / entry));
    }

    /** Recovery scanned the segment and knows what it holds. */
    void recovered(Stats scanned) {
        setStats(scanned.maxTimestamp(), scanned.offsetOfMaxTimestamp(), scanned.epochOfMax(), scanned.nextOffset());
    }

    /** What the segment holds; computed from the indexes and one interval of headers if needed. */
    Stats stats() throws IOException {
        Stats s = knownStats();
        if (s != null) {
            return s;
        }
        int entries = indexEntries;
        int limit = size;
        long maxTs = -1;
        long start = 0;
        if (entries > 0) {
            Mapping t = acquireIndex(Kind.TIME_INDEX);
            try {
                Mapping o = acquireIndex(Kind.OFFSET_INDEX);
                try {
                    int usable = Math.min(within(t, Kind.TIME_INDEX, entries), within(o, Kind.OFFSET_INDEX, entries));
                    if (usable > 0) {
                        maxTs = IndexFormat.timestamp(t.segment, usable - 1);
                        start = IndexFormat.position(o.segment, usable - 1);
                    }
                } finally {
                    o.release();
                }
            } finally {
                t.release();
            }
        }
        long offsetOfMax = -1;
        int epochOfMax = -1;
        long next = baseOffset;
        OpenFile f = acquireFile();
        try (BatchCursor c = new BatchCursor(f.channel, limit)) {
            boolean ok = c.at(start);
            while (ok) {
                if (c.maxTimestamp() > maxTs) {
                    maxTs = c.maxTimestamp();
                    offsetOfMax = c.lastOffset();
                    epochOfMax = c.leaderEpoch();
                }
                next = c.lastOffset() + 1;
                ok = c.next();
            }
        } finally {
            f.release();
        }
        s = new Stats(maxTs, offsetOfMax, epochOfMax, next);
        synchronized (statsLock) {
            // Publish only what still describes the whole segment (the writer may have appended).
            if (limit == size && !statsKnown) {
                setStats(maxTs, offsetOfMax, epochOfMax, next);
            }
        }
        return s;
    }

    /** The first batch holding the segment's largest timestamp, or null when empty. */
    TimestampOffset locateMaxTimestamp() throws IOException {
        Stats s = stats();
        if (s.maxTimestamp() < 0 && s.nextOffset() == baseOffset) {
            return null;
        }
        if (s.offsetOfMaxTimestamp() >= 0) {
            return new TimestampOffset(s.maxTimestamp(), s.offsetOfMaxTimestamp(), s.epochOfMax());
        }
        int entries = indexEntries;
        int limit = size;
        long from = 0;
        long to = limit;
        if (entries > 0) {
            Mapping t = acquireIndex(Kind.TIME_INDEX);
            Mapping o = acquireIndex(Kind.OFFSET_INDEX);
            try {
                entries = Math.min(within(t, Kind.TIME_INDEX, entries), within(o, Kind.OFFSET_INDEX, entries));
                // T_i is the largest timestamp before B_i: the holder lies in [B_(i-1), B_i)
                int i = IndexFormat.firstAtLeast(t.segment, entries, s.maxTimestamp());
                if (i < entries) {
                    to = IndexFormat.position(o.segment, i);
                }
                if (i > 0) {
                    from = IndexFormat.position(o.segment, Math.min(i, entries) - 1);
                }
            } finally {
                t.release();
                o.release();
            }
        }
        OpenFile f = acquireFile();
        try (BatchCursor c = new BatchCursor(f.channel, limit)) {
            boolean ok = c.at(from);
            while (ok && c.position() < Math.max(to, from + 1)) {
                if (c.maxTimestamp() == s.maxTimestamp()) {
                    return new TimestampOffset(c.maxTimestamp(), c.lastOffset(), c.leaderEpoch());
                }
                ok = c.next();
            }
        } finally {
            f.release();
        }
        return null;
    }

    /**
     * The first batch at or after {@code fromOffset} whose max timestamp reaches {@code
     * timestamp}, or null. Starts after every index entry known to be older, so at most one
     * interval is scanned.
     */
    TimestampOffset findByTimestamp(long timestamp, long fromOffset) throws IOException {
        int entries = indexEntries;
        int limit = size;
        long start = 0;
        if (entries > 0) {
            Mapping t = acquireIndex(Kind.TIME_INDEX);
            Mapping o = acquireIndex(Kind.OFFSET_INDEX);
            try {
                entries = Math.min(within(t, Kind.TIME_INDEX, entries), within(o, Kind.OFFSET_INDEX, entries));
                int i = IndexFormat.lastBelow(t.segment, entries, timestamp);
                if (i >= 0) {
                    start = IndexFormat.position(o.segment, i);
                }
                if (fromOffset > baseOffset) {
                    int j = IndexFormat.floorByOffset(o.segment, entries, fromOffset - baseOffset);
                    if (j >= 0) {
                        start = Math.max(start, IndexFormat.position(o.segment, j));
                    }
                }
            } finally {
                t.release();
                o.release();
            }
        }
        OpenFile f = acquireFile();
        try (BatchCursor c = new BatchCursor(f.channel, limit)) {
            boolean ok = c.at(start);
            while (ok) {
                if (c.lastOffset() >= fromOffset && c.maxTimestamp() >= timestamp) {
                    return new TimestampOffset(c.maxTimestamp(), Math.max(c.baseOffset(), fromOffset), c.leaderEpoch());
                }
                ok = c.next();
            }
        } finally {
            f.release();
        }
        return null;
    }

    /** The first batch's max timestamp, or -1 when the segment is empty. */
    long firstBatchTimestamp() throws IOException {
        OpenFile f = acquireFile();
        try (BatchCursor c = new BatchCursor(f.channel, size)) {
            return c.at(0) ? c.maxTimestamp() : -1;
        } finally {
            f.release();
        }
    }

    // ------------------------------------------------------------------ writing (the writer only)

    boolean isActive() {
        return active;
    }

    /** The index entries written for this segment by its rule ({@link IndexBuilder}), for stats. */
    static Stats statsOf(IndexBuilder index, long nextOffset) {
        return new Stats(index.maxTimestamp(), index.offsetOfMaxTimestamp(), index.epochOfMax(), nextOffset);
    }

    /**
     * Makes this the writable segment: resumes the indexing rule and the disk reservations where
     * the data ends. Cached read-only index mappings are dropped so that the next use maps them
     * writable.
     */
    void activate(LogConfig config, long nowMs) throws IOException {
        activate(config, nowMs, 0);
    }

    /**
     * {@link #activate(LogConfig, long)} for a segment that follows a busy one: reservations
     * start at {@code chunkFloor} bytes rather than the minimum, so the preparer keeps ahead of
     * the writer from the first append on.
     */
    void activate(LogConfig config, long nowMs, long chunkFloor) throws IOException {
        // An active segment is never trimmed behind the writer's back.
        pendingTrim = false;
        this.chunkFloor = chunkFloor;
        Stats s = stats();
        int entries = indexEntries;
        int lastIndexed = 0;
        if (entries > 0) {
            Mapping o = acquireIndex(Kind.OFFSET_INDEX);
            try {
                lastIndexed = IndexFormat.position(o.segment, entries - 1);
            } finally {
                o.release();
            }
        }
        int sinceEntry = entries > 0 ? size - lastIndexed : size;
        rule = new IndexBuilder(
                baseOffset,
                config.indexIntervalBytes(),
                sinceEntry,
                s.maxTimestamp(),
                s.offsetOfMaxTimestamp(),
                s.epochOfMax());
        if (size == 0) {
            rollingBasedMs = -1;
        } else {
            long first = firstBatchTimestamp();
            rollingBasedMs = first >= 0 ? Math.min(first, nowMs) : nowMs;
        }
        reserveLock.lock();
        try {
            synchronized (this) {
                synchronized (fileLock) {
                    indexCapacity = Math.max(IndexFormat.capacity(config.segmentIndexBytes()), entries);
                    logReserved = size;
                    indexReserved = IndexFormat.offsetFileSize(entries);
                    timeReserved = IndexFormat.timeFileSize(entries);
                    activeConfig = config;
                    active = true;
                }
            }
        } finally {
            reserveLock.unlock();
        }
        // After the flag: a read-only mapping loaded before it is dropped, later loads are writable.
        owner.resources().invalidate(keys.offsetIndex());
        owner.resources().invalidate(keys.timeIndex());
    }

    /**
     * Stops writing: unmaps the writable window and indexes and trims the files to their data
     * (a mapping cannot shrink a file, and preallocated space must not outlive the segment).
     */
    void deactivate() throws IOException {
        stopWriting();
        dropMappingsAndTrim();
    }

    /**
     * Stops writing at a roll and leaves the rest of {@link #deactivate()} (unmapping, trimming
     * the reserved tail) to {@link #finishDeactivation()}, which the log runs off the writer's
     * thread before the segment is first flushed. Until then the file may end in reserved zeros
     * past {@link #size}, which readers never look at.
     */
    void stopWritingForRoll() {
        stopWriting();
        pendingTrim = true;
    }

    /** Whether {@link #finishDeactivation()} is still due. */
    boolean pendingTrim() {
        return pendingTrim;
    }

    /** Finishes a roll's deactivation; does nothing when it is not pending. */
    synchronized void finishDeactivation() throws IOException {
        if (pendingTrim && !active) {
            dropMappingsAndTrim();
            pendingTrim = false;
        }
    }

    private void dropMappingsAndTrim() throws IOException {
        owner.resources().invalidate(keys.window());
        owner.resources().invalidate(keys.offsetIndex());
        owner.resources().invalidate(keys.timeIndex());
        trimFiles();
    }

    /**
     * Ends the active period: after it no reservation (writer or preparer) extends the file and
     * no writable mapping is made, so the files may be trimmed.
     */
    private void stopWriting() {
        reserveLock.lock();
        try {
            synchronized (this) {
                synchronized (fileLock) {
                    active = false;
                    activeConfig = null;
                }
            }
            window = null;
            offsetIndexMap = null;
            timeIndexMap = null;
        } finally {
            reserveLock.unlock();
        }
    }

    /**
     * Trims each file to its data; also used on the segments recovery finds. Holds {@code
     * fileLock}, as {@link #mapIndex} does, so that no mapping is made with a length measured
     * before the trim (nor a writable one, which would extend the file again, after it).
     */
    void trimFiles() throws IOException {
        synchronized (fileLock) {
            trim(LogFiles.LOG, size);
            trim(LogFiles.INDEX, IndexFormat.offsetFileSize(indexEntries));
            trim(LogFiles.TIME_INDEX, IndexFormat.timeFileSize(indexEntries));
        }
    }

    private void trim(String suffix, long length) throws IOException {
        try (FileChannel ch = open(suffix, true)) {
            if (ch.size() > length) {
                ch.truncate(length);
            }
        } catch (NoSuchFileException e) {
            // an index file not created yet
        }
    }

    /**
     * Whether a write of {@code bytes} bytes in {@code batches} batches ending at {@code
     * lastOffset} should go to a new segment (Kafka's rules: size, full index, {@code segment.ms},
     * offsets beyond what a relative offset can hold). An empty segment only rolls for the last.
     */
    boolean shouldRoll(LogConfig config, BatchList list, int from, int to, long nowMs) {
        long lastOffset = list.lastOffset(to - 1);
        if (lastOffset - baseOffset > Integer.MAX_VALUE || list.baseOffset(from) < baseOffset) {
            return true;
        }
        if (size == 0) {
            return false;
        }
        long bytes = list.bytes(from, to);
        if (size + bytes > config.segmentBytes()) {
            return true;
        }
        if (indexEntries + wantedEntries(list, from, to) > indexCapacity) {
            return true;
        }
        return rollingBasedMs >= 0 && nowMs - rollingBasedMs > rollMs(config);
    }

    /** {@code segment.ms} has passed for this non-empty segment. */
    boolean isOld(LogConfig config, long nowMs) {
        return size > 0 && rollingBasedMs >= 0 && nowMs - rollingBasedMs > rollMs(config);
    }

    /**
     * How long a segment stays active: {@code segment.ms}, or {@code max.compaction.lag.ms} when
     * that is shorter and the log is compacted (the active segment is never compacted, so it must
     * roll for its records to be compacted in time; Kafka does the same).
     */
    static long rollMs(LogConfig config) {
        return config.compactCleanup() ? Math.min(config.segmentMs(), config.maxCompactionLagMs()) : config.segmentMs();
    }

    /**
     * Moves the indexing rule over batches {@code [from, to)} (the first at {@code pos}) and writes
     * the entries it decides on; returns the new entry count.
     */
    private int writeIndexEntries(
            BatchList list, int from, int to, int pos, MemorySegment offsetIndex, MemorySegment timeIndex) {
        int entries = indexEntries;
        int batchPos = pos;
        for (int i = from; i < to; i++) {
            long before = rule.timestampBeforeNext();
            boolean indexed = addToRule(list, i, batchPos);
            // A full index (only a fresh segment with a tiny segment.index.bytes gets here)
            // just stops growing: lookups then scan further.
            if (indexed && entries < indexCapacity) {
                int rel = (int) (list.baseOffset(i) - baseOffset);
                IndexFormat.writeOffsetEntry(offsetIndex, entries, rel, batchPos);
                IndexFormat.writeTimeEntry(timeIndex, entries, before, rel);
                entries++;
            }
            batchPos += list.size(i);
        }
        return entries;
    }

    /** Accounts batch {@code i} of {@code list}, stored at {@code position}, with the indexing rule. */
    private boolean addToRule(BatchList list, int i, int position) {
        return rule.add(
                list.baseOffset(i), list.lastOffset(i), position, list.size(i), list.maxTimestamp(i), list.epoch(i));
    }

    /** The entries this write gets: what the rule wants, as far as the index has room. */
    private int plannedEntries(BatchList list, int from, int to) {
        return Math.min(wantedEntries(list, from, to), Math.max(0, indexCapacity - indexEntries));
    }

    private int wantedEntries(BatchList list, int from, int to) {
        int since = rule.bytesSinceEntry();
        int interval = rule.intervalBytes();
        int planned = 0;
        for (int i = from; i < to; i++) {
            if (since > interval) {
                planned++;
                since = 0;
            }
            since += list.size(i);
        }
        return planned;
    }

    /**
     * Writes batches {@code [from, to)} of {@code src} at the end of the segment: reserves disk
     * space, copies them through the mapped window, patches base offsets (and epochs for a
     * leader), writes index entries, then publishes. Nothing is published when it fails.
     *
     * @throws IOException when space cannot be reserved or a file cannot be mapped; the segment
     *     is unchanged
     */
    void append(ByteBuffer src, BatchList list, int from, int to, boolean patchEpoch, LogConfig config, long nowMs)
            throws IOException {
        int pos = size;
        int length = (int) list.bytes(from, to);
        long end = pos + (long) length;
        int planned = plannedEntries(list, from, to);
        Mapping window = writerWindow(pos, length, config);
        Mapping offsetIndex = null;
        Mapping timeIndex = null;
        try {
            if (end > logReserved) {
                // The preparer has not kept ahead (or failed): reserve here, so a full disk fails
                // this append rather than faulting later.
                reserveLog(end, config, window);
            }
            if (planned > 0) {
                reserveIndexes(indexEntries + planned);
                offsetIndex = writerIndex(Kind.OFFSET_INDEX);
                timeIndex = writerIndex(Kind.TIME_INDEX);
                if (!offsetIndex.writable || !timeIndex.writable) {
                    throw new IOException("index of the active " + this + " is not writable");
                }
            }
            long at = pos - window.fileOffset;
            try {
                MemorySegment.copy(MemorySegment.ofBuffer(src), list.position(from), window.segment, at, length);
                long batchAt = at;
                for (int i = from; i < to; i++) {
                    window.segment.set(LONG, batchAt + RecordBatchLayout.BASE_OFFSET, list.baseOffset(i));
                    if (patchEpoch) {
                        window.segment.set(INT, batchAt + RecordBatchLayout.PARTITION_LEADER_EPOCH, list.epoch(i));
                    }
                    batchAt += list.size(i);
                }
            } catch (InternalError e) {
                // SIGBUS: the mapped page could not be backed by the disk despite the reservation
                throw new IOException("Writing through the mapping of " + this + " failed: " + e.getMessage(), e);
            }
            int entries;
            if (planned > 0) {
                entries = writeIndexEntries(list, from, to, pos, offsetIndex.segment, timeIndex.segment);
            } else {
                // No entry due: only the rule moves. Apart from the indexing loop, because C2
                // hoists that loop's index writes when every append so far was indexed, and an
                // append without index mappings would then throw the compiled append away.
                entries = indexEntries;
                int batchPos = pos;
                for (int i = from; i < to; i++) {
                    addToRule(list, i, batchPos);
                    batchPos += list.size(i);
                }
            }
            size = pos + length;
            indexEntries = entries;
            setStats(rule.maxTimestamp(), rule.offsetOfMaxTimestamp(), rule.epochOfMax(), list.lastOffset(to - 1) + 1);
            if (rollingBasedMs < 0) {
                rollingBasedMs = nowMs;
            }
        } finally {
            window.release();
            if (offsetIndex != null) {
                offsetIndex.release();
            }
            if (timeIndex != null) {
                timeIndex.release();
            }
        }
        requestPreparation(end);
        if (++appendsSinceTouch >= TOUCH_EVERY) {
            // The fast path bypasses the cache: tell it now and then that these are in use.
            appendsSinceTouch = 0;
            owner.resources().touch(keys);
        }
    }

    /**
     * A retained writable window covering {@code [pos, pos + length)}: the one used last when it
     * still covers the write and is alive (no allocation, no cache lookup), else one from the
     * cache, mapped if needed.
     */
    private Mapping writerWindow(long pos, int length, LogConfig config) throws IOException {
        Mapping w = window;
        if (w != null && w.covers(pos, length) && w.tryRetain()) {
            return w;
        }
        w = owner.resources().acquireWindow(keys.window(), pos, length, () -> mapWindow(pos, length, config));
        window = w;
        return w;
    }

    /**
     * Maps a writable window of the log file, which extends the file to the window's end: only
     * while the segment is active (under {@code fileLock}, so never after the trim that ends the
     * active period, which would leave zeros past the data for a later load to count).
     *
     * @throws IOException if the segment is no longer active, or the mapping fails
     */
    private Mapping mapWindow(long pos, long length, LogConfig config) throws IOException {
        long start = pos & ~(PAGE - 1);
        long need = pos + length - start;
        long limit = Math.max(config.segmentBytes(), pos + length) - start;
        long windowLength = Math.max(need, Math.min(owner.settings().mapWindowBytes(), limit));
        OpenFile f = acquireFile();
        try {
            synchronized (fileLock) {
                if (!active) {
                    throw new IOException("The " + this + " is no longer active");
                }
                return mapWindowLocked(f.channel, start, windowLength);
            }
        } finally {
            f.release();
        }
    }

    private Mapping mapWindowLocked(FileChannel channel, long start, long windowLength) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment m = channel.map(FileChannel.MapMode.READ_WRITE, start, windowLength, arena);
            PagePopulator populator = owner.populator();
            if (populator != null) {
                populator.noReadAhead(m);
            }
            return new Mapping(arena, m, start, true, owner.resources().liveMappings());
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** How many bytes the next reservation takes: it doubles with what is reserved, within the settings. */
    private long chunk(long reserved) {
        MmapSettings s = owner.settings();
        return Math.clamp(Math.max(reserved, chunkFloor), s.reserveMinChunkBytes(), s.reserveMaxChunkBytes());
    }

    /** The chunk this segment reserves next; a busy partition's next segment starts with it. */
    long currentChunk() {
        return chunk(logReserved);
    }

    /**
     * Reserves the log file up to at least {@code end}: the pages up to it for a fresh segment,
     * else a chunk more. Through {@code window} when it covers the range, so its pages are faulted
     * in too. The writer's way.
     */
    private void reserveLog(long end, LogConfig config, Mapping window) throws IOException {
        reserveLock.lock();
        try {
            long reserved = logReserved;
            if (end > reserved) {
                // A fresh segment reserves only the pages it writes (10,000 new partitions' first
                // appends must each cost a page, not a chunk). Otherwise the writer is here
                // because it got ahead of the preparer (or there is none): it takes a whole
                // chunk, so that reserving stays amortized over many appends rather than
                // handed back and forth with the preparer step by step.
                long ahead = reserved == 0 ? 0 : chunk(reserved);
                long pageEnd = (end + PAGE - 1) & ~(PAGE - 1);
                long target = Math.min(Math.max(pageEnd, reserved + ahead), Math.max(end, config.segmentBytes()));
                reserveLocked(reserved, target, window);
            }
        } finally {
            reserveLock.unlock();
        }
    }

    /** Reserves {@code [reserved, target)}; holds reserveLock. */
    private void reserveLocked(long reserved, long target, Mapping window) throws IOException {
        if (!active) {
            throw new IOException("The " + this + " is no longer active");
        }
        MemorySegment mapped = null;
        if (window != null && window.covers(reserved, target - reserved)) {
            long from = (reserved - window.fileOffset) & ~(PAGE - 1);
            mapped = window.segment.asSlice(from, target - window.fileOffset - from);
        }
        owner.reserver().reserve(file(LogFiles.LOG), reserved, target - reserved, mapped, owner.populator());
        logReserved = target;
    }

    /**
     * Asks the preparer to reserve the next chunk when the writer, now at {@code end} (past its
     * first chunk), has less than a chunk of reserved space left. A chunk doubles with what was
     * reserved, so a partition keeps one to two chunks ahead of its writer: 4 KiB to 8 MiB by
     * default. A busy partition thus finds its space reserved and its pages faulted in ahead of
     * it; a quiet one barely reserves more than it would chunk by chunk.
     */
    private void requestPreparation(long end) {
        long reserved = logReserved;
        // Only once the segment has taken a chunk's worth: 10,000 partitions receiving their
        // first records would otherwise each keep a preparer busy (and contend with the
        // writer for the process's memory map) for no gain. Both bounds in one comparison
        // (end >= min chunk, and less than a chunk left of the reservation): as two tests, the
        // first was never false on a busy broker's large segments, so the JIT compiled it as
        // always true, and the first append to a small segment (the first consumer group's
        // offset commit) threw the compiled append away (0.3 s of C2 to compile it again).
        long from = Math.max(owner.settings().reserveMinChunkBytes(), reserved - chunk(reserved) + 1);
        if (end >= from && end < activeLimit() && owner.preparesAhead() && prepareQueued.compareAndSet(false, true)) {
            owner.prepare(this);
        }
    }

    private long activeLimit() {
        LogConfig c = activeConfig;
        return c == null ? 0 : c.segmentBytes();
    }

    /** The preparer's task (see {@link Owner#prepare}). */
    Runnable prepareTask() {
        return prepareTask;
    }

    /**
     * Reserves the next chunk of the active segment ahead of its writer, through a window that
     * covers it (mapping a new one from the writer's position when the current one ends too
     * soon, and handing it to the writer), so the pages are also faulted in. Runs on a preparer
     * thread; gives up quietly when the segment stops being active. A failure is left for the
     * writer to meet (and report) when it reserves that space itself.
     */
    void prepareAhead() {
        prepareQueued.set(false);
        LogConfig config = activeConfig;
        if (config == null) {
            return;
        }
        long pos = size;
        long reserved = logReserved;
        long target = Math.min(reserved + chunk(reserved), config.segmentBytes());
        if (target <= reserved || reserved - pos >= chunk(reserved)) {
            return;
        }
        Mapping w = null;
        try {
            w = preparerWindow(pos, reserved, target, config);
            // Step by step, so that a writer that catches up waits for one step, not a chunk.
            long at = reserved;
            while (at < target) {
                long step = Math.min(target, at + PREPARE_STEP);
                reserveLock.lock();
                try {
                    at = logReserved;
                    if (at < step) {
                        reserveLocked(at, step, w);
                        at = step;
                    }
                } finally {
                    reserveLock.unlock();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Preparing {} ahead of its writer failed: {}", this, e.toString());
        } finally {
            if (w != null) {
                w.release();
            }
        }
    }

    /** A retained window covering {@code [reserved, target)}, or null (the range is then only reserved). */
    private Mapping preparerWindow(long pos, long reserved, long target, LogConfig config) throws IOException {
        Mapping w = window;
        if (w != null && w.covers(reserved, target - reserved) && w.tryRetain()) {
            return w;
        }
        if (!active) {
            return null;
        }
        // A window from the writer's position, so it serves the writer's next appends as well.
        Mapping fresh;
        try {
            fresh = mapWindow(pos, target - pos, config);
        } catch (IOException e) {
            if (!active) {
                return null; // the segment stopped being active: nothing to prepare
            }
            throw e;
        }
        synchronized (this) {
            if (!active) {
                fresh.release();
                return null;
            }
            fresh.tryRetain();
            owner.resources().install(keys.window(), fresh);
            window = fresh;
        }
        return fresh;
    }

    private void reserveIndexes(int entries) throws IOException {
        indexReserved = reserveIndex(
                LogFiles.INDEX,
                IndexFormat.OFFSET_MAGIC,
                indexReserved,
                IndexFormat.offsetFileSize(entries),
                IndexFormat.offsetFileSize(indexCapacity));
        timeReserved = reserveIndex(
                LogFiles.TIME_INDEX,
                IndexFormat.TIME_MAGIC,
                timeReserved,
                IndexFormat.timeFileSize(entries),
                IndexFormat.timeFileSize(indexCapacity));
    }

    private long reserveIndex(String suffix, int magic, long reserved, long end, long capacity) throws IOException {
        if (end <= reserved) {
            return reserved;
        }
        if (reserved <= IndexFormat.HEADER && !Files.exists(file(suffix))) {
            writeWhole(file(suffix), IndexFormat.header(magic));
            reserved = IndexFormat.HEADER;
        }
        long chunk = Math.clamp(reserved, INDEX_MIN_CHUNK, INDEX_MAX_CHUNK);
        long target = Math.min(Math.max(end, reserved + chunk), Math.max(end, capacity));
        owner.reserver().reserve(file(suffix), reserved, target - reserved);
        return target;
    }

    /**
     * Cuts the segment at {@code newSize} (a batch boundary): drops the index entries at or past
     * it, shrinks the files and forces them, so the cut survives a crash. Leaves the segment
     * inactive; {@link #activate} it to write again.
     */
    void truncateTo(int newSize, long newNextOffset) throws IOException {
        stopWriting();
        owner.resources().invalidate(keys.window());
        int entries = indexEntries;
        if (entries > 0) {
            Mapping o = acquireIndex(Kind.OFFSET_INDEX);
            try {
                entries = IndexFormat.floorByPosition(o.segment, entries, newSize - 1L) + 1;
            } finally {
                o.release();
            }
        }
        owner.resources().invalidate(keys.offsetIndex());
        owner.resources().invalidate(keys.timeIndex());
        synchronized (fileLock) {
            // Together with the trim: a reader mapping the index meanwhile sizes its mapping
            // from the entries left, which the trimmed file still holds.
            size = newSize;
            indexEntries = entries;
            trimFiles();
        }
        forgetStats();
        syncedSize = Math.min(syncedSize, newSize);
        force(LogFiles.LOG);
        force(LogFiles.INDEX);
        force(LogFiles.TIME_INDEX);
        truncateTxns(newNextOffset);
    }

    // ------------------------------------------------------------------ durability

    /** Forces the log file's data; returns the size that is now durable. */
    long syncLog(boolean metadata) throws IOException {
        int s = size;
        if (!metadata && syncThroughWindow(syncedSize, s)) {
            syncedSize = Math.max(syncedSize, s);
            return s;
        }
        OpenFile f = acquireFile();
        try {
            f.channel.force(metadata);
        } finally {
            f.release();
        }
        syncedSize = Math.max(syncedSize, s);
        return s;
    }

    /**
     * Forces the data of {@code [from, to)} only, with {@code msync} through the writer's window
     * when that covers the range; false when it does not (the caller then forces the file). On
     * Linux {@code msync(MS_SYNC)} is a data sync of that range (with the metadata needed to read
     * it back, as {@code fdatasync}). A whole-file {@code fdatasync} would also write out the
     * pages the preparer faulted in ahead of the writer, which page population leaves dirty:
     * megabytes of zeros per sync when every append syncs ({@code flush.messages=1}).
     */
    private boolean syncThroughWindow(long from, long to) throws IOException {
        if (to <= from) {
            return false;
        }
        Mapping w = window;
        if (w == null || !w.tryRetain()) {
            return false;
        }
        try {
            long start = from & ~(PAGE - 1);
            if (!w.covers(start, to - start)) {
                return false;
            }
            w.segment.asSlice(start - w.fileOffset, to - start).force();
            return true;
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } finally {
            w.release();
        }
    }

    /** Forces every file of the segment (a rolled segment, once). */
    void syncAll() throws IOException {
        syncLog(true);
        force(LogFiles.INDEX);
        force(LogFiles.TIME_INDEX);
        syncTxnIndex();
    }

    void syncTxnIndex() throws IOException {
        if (txnDirty) {
            txnDirty = false;
            force(LogFiles.TXN_INDEX);
        }
    }

    boolean txnDirty() {
        return txnDirty;
    }

    private void force(String suffix) throws IOException {
        try (FileChannel ch = open(suffix, true)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            // optional file
        }
    }

    // ------------------------------------------------------------------ aborted transactions

    /** The aborted transactions whose marker lies in this segment, in append order. */
    List<AbortedTxn> abortedTxns() throws IOException {
        List<AbortedTxn> t = txns;
        if (t != null) {
            return t;
        }
        if (!hasTxnFile) {
            return List.of();
        }
        synchronized (this) {
            if (txns == null) {
                txns = readTxnFile();
            }
            return txns;
        }
    }

    private List<AbortedTxn> readTxnFile() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(LogFiles.TXN_INDEX));
        } catch (NoSuchFileException e) {
            return List.of();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.remaining() < IndexFormat.HEADER || b.getInt() != TXN_MAGIC) {
            throw new IOException("Not a transaction index: " + file(LogFiles.TXN_INDEX));
        }
        int version = b.getInt();
        if (version != IndexFormat.VERSION) {
            throw new IOException(
                    "Unsupported transaction index version " + version + " in " + file(LogFiles.TXN_INDEX));
        }
        List<AbortedTxn> list = new ArrayList<>();
        while (b.remaining() >= TXN_ENTRY) {
            list.add(new AbortedTxn(b.getLong(), b.getLong(), b.getLong(), b.getLong()));
        }
        return List.copyOf(list);
    }

    void appendTxn(AbortedTxn txn) throws IOException {
        List<AbortedTxn> current = abortedTxns();
        try (FileChannel ch =
                FileChannel.open(file(LogFiles.TXN_INDEX), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long end = ch.size();
            ByteBuffer b = ByteBuffer.allocate(IndexFormat.HEADER + TXN_ENTRY);
            if (end < IndexFormat.HEADER) {
                end = 0;
                b.putInt(TXN_MAGIC).putInt(IndexFormat.VERSION);
            }
            b.putLong(txn.producerId())
                    .putLong(txn.firstOffset())
                    .putLong(txn.lastOffset())
                    .putLong(txn.lastStableOffset())
                    .flip();
            while (b.hasRemaining()) {
                end += ch.write(b, end);
            }
        }
        List<AbortedTxn> next = new ArrayList<>(current);
        next.add(txn);
        txns = List.copyOf(next);
        hasTxnFile = true;
        txnDirty = true;
    }

    /** The content of a transaction index holding {@code txns}. */
    static ByteBuffer txnFile(List<AbortedTxn> txns) {
        ByteBuffer b = ByteBuffer.allocate(IndexFormat.HEADER + txns.size() * TXN_ENTRY);
        b.putInt(TXN_MAGIC).putInt(IndexFormat.VERSION);
        for (AbortedTxn t : txns) {
            b.putLong(t.producerId())
                    .putLong(t.firstOffset())
                    .putLong(t.lastOffset())
                    .putLong(t.lastStableOffset());
        }
        return b.flip();
    }

    /** Drops the transactions whose marker is at or after {@code offset}. */
    void truncateTxns(long offset) throws IOException {
        List<AbortedTxn> current = abortedTxns();
        List<AbortedTxn> kept =
                current.stream().filter(t -> t.lastOffset() < offset).toList();
        if (kept.size() == current.size()) {
            return;
        }
        Path file = file(LogFiles.TXN_INDEX);
        if (kept.isEmpty()) {
            Files.deleteIfExists(file);
            hasTxnFile = false;
        } else {
            LogFiles.writeAtomically(file, txnFile(kept).array(), true);
        }
        txns = kept;
    }
}

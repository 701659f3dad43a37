package io.tributary.storage.mmap;

import io.tributary.spi.plugin.Time;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageCapability;
import io.tributary.spi.storage.StorageContext;
import io.tributary.spi.storage.StorageEngine;
import io.tributary.spi.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mmap storage engine: every partition log of the broker, under the broker's {@code
 * log.dirs}. Partitions are opened lazily (the kernel opens what it serves); their files and
 * mappings are bounded engine-wide by a {@link ResourceCache}. A clean shutdown leaves a marker
 * in each log dir; without it, partitions are recovered when opened.
 *
 * <p>Thread-safe: partitions are opened, closed and deleted from any thread; each partition's
 * state is guarded by its own holder.
 *
 * <p>What runs while the broker starts (the constructor, {@link #open}, {@link #started}) uses
 * classes rather than lambdas or method references: a plugin's layer is not covered by the JDK's
 * AOT cache, so each lambda would be generated at run time, before the broker is ready (a few
 * milliseconds of CPU each, on the two busy cores of start-up).
 */
final class MmapStorageEngine implements StorageEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MmapStorageEngine.class);
    private static final Set<StorageCapability> CAPABILITIES =
            EnumSet.of(StorageCapability.FILE_REGION_READS, StorageCapability.GROUP_COMMIT_SYNC);
    private static final SwapObserver IGNORE_SWAPS = new SwapObserver() {
        @Override
        public void at(SwapStep step, Path partitionDir) {}
    };

    /** A partition directory and its open log. Guarded by itself. */
    private static final class Holder {
        final String topic;
        final int partition;
        Path dir;
        UUID topicId;
        MmapPartitionLog log;
        /** The directory was left by a clean close (of the engine or of the log). */
        boolean clean;

        Holder(String topic, int partition) {
            this.topic = topic;
            this.partition = partition;
        }
    }

    /** Work for the background threads. */
    @FunctionalInterface
    interface IoTask {
        void run() throws IOException;
    }

    /**
     * Told of each step of a compaction swap, in the swapping thread, with the partition's
     * directory: tests copy the directory at a step to see what a crash there leaves behind.
     */
    @FunctionalInterface
    interface SwapObserver {
        void at(SwapStep step, Path partitionDir) throws IOException;
    }

    /** The steps of a compaction swap, in order. */
    enum SwapStep {
        /** The new segment's files are durable under their temporary names; nothing committed. */
        CLEANED_WRITTEN,
        /** The manifest is durable: the swap is committed. */
        MANIFEST_WRITTEN,
        /** The replaced segments' files are renamed away. */
        OLD_REMOVED,
        /** The new files have their final names (and still their temporary ones). */
        LINKED,
        /** The temporary names are gone; only the manifest remains. */
        CLEANED_UNLINKED,
        /** Done. */
        MANIFEST_DELETED
    }

    private final List<Path> logDirs;
    private final MmapSettings settings;
    private final Time time;
    /**
     * Built on the background executor once the broker has started or the engine has a partition,
     * joined at first use: a first Caffeine cache costs tens of milliseconds of a cold JVM, which
     * a new broker's start need not spend (see {@link #prepareForPartitions}).
     */
    private final CompletableFuture<ResourceCache> resources = new CompletableFuture<>();

    private final AtomicBoolean preparing = new AtomicBoolean();
    /** Claimed by whichever thread builds {@link #resources}: the background one, or a first user. */
    private final AtomicBoolean building = new AtomicBoolean();

    private final SpaceReserver reserver;

    private final ThreadPoolExecutor background;
    /** Reserves space and faults pages in ahead of busy writers; null with {@code prepare.threads=0}. */
    private final ThreadPoolExecutor preparer;
    /** Null off Linux. */
    private final PagePopulator populator;

    private final ConcurrentHashMap<String, Holder> partitions = new ConcurrentHashMap<>();
    private final Map<Path, AtomicInteger> partitionsPerDir = new LinkedHashMap<>();
    /** Tells this engine's tags from another run's; needs no SecureRandom (slow to seed at start-up). */
    private final String tagPrefix =
            Long.toHexString(ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL);

    private final AtomicLong tags = new AtomicLong();
    private final AtomicInteger pendingTasks = new AtomicInteger();
    private volatile SwapObserver swapObserver = IGNORE_SWAPS;
    private volatile boolean closed;

    private MmapStorageEngine(
            List<Path> logDirs, MmapSettings settings, Time time, SpaceReserver reserver, PagePopulator populator) {
        this.logDirs = List.copyOf(logDirs);
        this.settings = settings;
        this.time = time;
        this.reserver = reserver;
        this.populator = populator;
        ThreadFactory factory = Thread.ofPlatform()
                .daemon()
                .name("tributary-mmap-background-", 1)
                .factory();
        this.background = new ThreadPoolExecutor(
                settings.backgroundThreads(),
                settings.backgroundThreads(),
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                factory);
        if (settings.prepareThreads() > 0) {
            this.preparer = new ThreadPoolExecutor(
                    settings.prepareThreads(),
                    settings.prepareThreads(),
                    0,
                    TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(),
                    Thread.ofPlatform()
                            .daemon()
                            .name("tributary-mmap-prepare-", 1)
                            .factory());
        } else {
            this.preparer = null;
        }
    }

    /**
     * Opens the engine over the context's directories (creating them), notes which were shut
     * down cleanly and finds the partitions on disk. Does not open any partition.
     *
     * @throws StorageException if a directory cannot be created, read or written, or holds the
     *     same partition twice
     */
    static MmapStorageEngine open(StorageContext context) {
        MmapSettings settings = MmapSettings.from(context.settings());
        PagePopulator populator = PagePopulator.load();
        return open(context, settings, SpaceReserver.platformDefault(settings.fallocate(), populator), populator);
    }

    /** Opens with a chosen space reserver (tests inject failures through it). */
    static MmapStorageEngine open(StorageContext context, MmapSettings settings, SpaceReserver reserver) {
        return open(context, settings, reserver, PagePopulator.load());
    }

    private static MmapStorageEngine open(
            StorageContext context, MmapSettings settings, SpaceReserver reserver, PagePopulator populator) {
        MmapStorageEngine engine =
                new MmapStorageEngine(context.logDirs(), settings, context.time(), reserver, populator);
        try {
            engine.scan();
        } catch (IOException | RuntimeException e) {
            engine.background.shutdownNow();
            if (engine.preparer != null) {
                engine.preparer.shutdownNow();
            }
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException(
                    "Cannot open the log directories " + context.logDirs() + ": " + e.getMessage(), e);
        }
        LOG.info(
                "Storage engine mmap opened over {} with {} partitions (space reserved by {})",
                engine.logDirs,
                engine.partitions.size(),
                reserver);
        return engine;
    }

    private void scan() throws IOException {
        for (Path logDir : logDirs) {
            Files.createDirectories(logDir);
            if (!Files.isWritable(logDir)) {
                throw new StorageException("Log directory " + logDir + " is not writable");
            }
            Path marker = logDir.resolve(LogFiles.CLEAN_SHUTDOWN);
            boolean clean = Files.exists(marker);
            if (clean) {
                Files.delete(marker);
                LogFiles.fsyncDir(logDir);
            }
            AtomicInteger count = new AtomicInteger();
            partitionsPerDir.put(logDir, count);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(logDir)) {
                for (Path d : dirs) {
                    if (!Files.isDirectory(d)) {
                        continue;
                    }
                    String name = d.getFileName().toString();
                    if (name.endsWith(LogFiles.DELETE_DIR)) {
                        runInBackground(() -> LogFiles.deleteRecursively(d));
                        continue;
                    }
                    LogFiles.TopicPartition tp = LogFiles.parseDirName(name);
                    if (tp == null) {
                        continue;
                    }
                    prepareForPartitions();
                    Holder h = new Holder(tp.topic(), tp.partition());
                    h.dir = d;
                    h.clean = clean;
                    try {
                        h.topicId = Checkpoints.readTopicId(d.resolve(LogFiles.PARTITION_METADATA))
                                .orElse(null);
                    } catch (Checkpoints.MalformedCheckpointException e) {
                        LOG.warn("{}; the partition is adopted by the next topic that opens it", e.getMessage());
                    }
                    Holder other = partitions.putIfAbsent(name, h);
                    if (other != null) {
                        throw new StorageException(
                                "Duplicate log directories for partition " + name + ": " + other.dir + " and " + d);
                    }
                    count.incrementAndGet();
                }
            }
        }
    }

    // ------------------------------------------------------------------ for partition logs

    Time time() {
        return time;
    }

    ResourceCache resources() {
        ResourceCache built = resources.getNow(null);
        if (built != null) {
            return built;
        }
        prepareForPartitions();
        // Builds it here if the background has not begun, so a background task needing it cannot
        // wait for a build queued behind itself.
        buildResources();
        return resources.join();
    }

    private void buildResources() {
        if (!building.compareAndSet(false, true)) {
            return;
        }
        try {
            resources.complete(new ResourceCache(settings.maxOpenFiles(), settings.maxMappedFiles()));
        } catch (RuntimeException | Error e) {
            resources.completeExceptionally(e);
        }
    }

    /** Whether {@link #prepareForPartitions} ran (tests check that empty log dirs do not). */
    boolean preparedForPartitions() {
        return preparing.get();
    }

    /** Prepares what partitions need, now that the broker's start-up no longer competes for the cores. */
    @Override
    public void started() {
        prepareForPartitions();
    }

    /**
     * Once, on the background executor: builds the resource cache and links the page populator's
     * downcall, 75-85 ms of CPU in a cold JVM (async-profiler). Started when the broker has
     * started ({@link #started}), or before that by the first partition (found at open, or
     * opened), so that it overlaps that partition's opening. An engine over empty log
     * directories (a new broker) spends nothing on it during the broker's start-up, where it only
     * competed for the cores with the start-up itself, and has it done by the time a first topic
     * is created.
     */
    private void prepareForPartitions() {
        if (preparing.get() || !preparing.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(new Runnable() {
                @Override
                public void run() {
                    buildResources();
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: built by its first user, if any
        }
        if (populator != null) {
            try {
                // The first segment created then finds the downcall linked.
                background.execute(new Runnable() {
                    @Override
                    public void run() {
                        populator.link();
                    }
                });
            } catch (RejectedExecutionException e) {
                // closed: linked on first use, if any
            }
        }
    }

    SpaceReserver reserver() {
        return reserver;
    }

    MmapSettings settings() {
        return settings;
    }

    PagePopulator populator() {
        return populator;
    }

    SwapObserver swapObserver() {
        return swapObserver;
    }

    /** Tests watch compaction swaps through this. */
    void swapObserver(SwapObserver observer) {
        this.swapObserver = observer;
    }

    /** Whether busy writers get their space reserved ahead of them ({@code prepare.threads > 0}). */
    boolean preparesAhead() {
        return preparer != null && !closed;
    }

    /**
     * Queues the segment's preparation (reserve the next chunk, fault its pages in) on a preparer
     * thread. The segment queues itself at most once at a time; a task left over after the
     * segment stopped being active does nothing.
     */
    void prepare(Segment segment) {
        try {
            preparer.execute(segment.prepareTask());
        } catch (RejectedExecutionException e) {
            // closing: the writer reserves for itself, as without preparers
        }
    }

    /** A unique suffix for the files of a removed segment. */
    String nextDeleteTag() {
        return tagPrefix + "-" + tags.incrementAndGet();
    }

    /** Runs file work in the background; on the caller's thread once the engine is closed. */
    void runInBackground(IoTask task) {
        Runnable r = () -> {
            try {
                task.run();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Background storage task failed", e);
            } finally {
                if (pendingTasks.decrementAndGet() == 0) {
                    synchronized (pendingTasks) {
                        pendingTasks.notifyAll();
                    }
                }
            }
        };
        pendingTasks.incrementAndGet();
        try {
            background.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    /** Waits until no background task is pending (tests simulating a crash want a still picture). */
    void awaitBackgroundIdle() throws InterruptedException {
        synchronized (pendingTasks) {
            while (pendingTasks.get() > 0) {
                pendingTasks.wait(1000);
            }
        }
    }

    /** True once {@link #close()} has begun: it flushes each log dir itself at the end. */
    boolean isClosing() {
        return closed;
    }

    /** A log was closed (by the kernel or by this engine). */
    void closed(MmapPartitionLog log, boolean cleanly) {
        Holder h = partitions.get(dirName(log.id()));
        if (h == null) {
            return;
        }
        synchronized (h) {
            if (h.log == log) {
                h.log = null;
                h.clean = cleanly;
            }
        }
    }

    /** The synced length of every open segment file (power-loss simulation in tests). */
    Map<Path, Long> syncedLengths() {
        Map<Path, Long> lengths = new HashMap<>();
        for (Holder h : partitions.values()) {
            synchronized (h) {
                if (h.log != null) {
                    h.log.collectSyncedLengths(lengths);
                }
            }
        }
        return lengths;
    }

    // ------------------------------------------------------------------ StorageEngine

    @Override
    public Set<StorageCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Set<PartitionId> existingPartitions() {
        Set<PartitionId> found = new HashSet<>();
        for (Holder h : partitions.values()) {
            synchronized (h) {
                if (h.dir != null && h.topicId != null) {
                    found.add(new PartitionId(h.topic, h.topicId, h.partition));
                }
            }
        }
        return found;
    }

    @Override
    public PartitionLog open(PartitionId partition, LogConfig config) {
        ensureOpen();
        prepareForPartitions();
        String name = dirName(partition);
        Holder h = partitions.computeIfAbsent(name, k -> new Holder(partition.topic(), partition.partition()));
        synchronized (h) {
            ensureOpen();
            if (h.log != null) {
                if (h.log.id().equals(partition)) {
                    return h.log;
                }
                LOG.warn(
                        "Partition {} is open for topic id {} and now opened for {}: the old topic's data is deleted",
                        name,
                        h.log.id().topicId(),
                        partition.topicId());
                deleteLocked(h);
            }
            if (h.dir != null && h.topicId != null && !h.topicId.equals(partition.topicId())) {
                LOG.warn(
                        "Directory {} holds topic id {}, not {}: it belongs to a deleted topic and is deleted",
                        h.dir,
                        h.topicId,
                        partition.topicId());
                deleteLocked(h);
            }
            try {
                boolean created = false;
                if (h.dir == null) {
                    Path logDir = chooseLogDir();
                    h.dir = logDir.resolve(name);
                    Files.createDirectories(h.dir);
                    // partition.metadata follows with the partition's first flush
                    partitionsPerDir.get(logDir).incrementAndGet();
                    h.clean = true;
                    created = true;
                } else if (h.topicId == null) {
                    LOG.warn(
                            "Directory {} has no readable partition metadata: adopting it for topic id {}",
                            h.dir,
                            partition.topicId());
                    writeTopicId(h.dir, partition.topicId());
                }
                h.topicId = partition.topicId();
                MmapPartitionLog log = MmapPartitionLog.open(this, partition, h.dir, config, h.clean, created);
                h.log = log;
                h.clean = false;
                return log;
            } catch (IOException e) {
                throw new StorageException("Cannot create the log of " + partition + ": " + e.getMessage(), e);
            }
        }
    }

    /** Written without a flush: the partition's first sync flushes it with the directory. */
    static void writeTopicId(Path dir, UUID topicId) throws IOException {
        Files.write(
                dir.resolve(LogFiles.PARTITION_METADATA),
                ("version: " + Checkpoints.VERSION + "\ntopic_id: " + topicId + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
    }

    private Path chooseLogDir() {
        synchronized (partitionsPerDir) {
            Path best = null;
            int fewest = Integer.MAX_VALUE;
            for (Map.Entry<Path, AtomicInteger> e : partitionsPerDir.entrySet()) {
                if (e.getValue().get() < fewest) {
                    best = e.getKey();
                    fewest = e.getValue().get();
                }
            }
            return best;
        }
    }

    @Override
    public void delete(PartitionId partition) {
        ensureOpen();
        Holder h = partitions.get(dirName(partition));
        if (h == null) {
            return;
        }
        synchronized (h) {
            if (h.topicId != null && !h.topicId.equals(partition.topicId())) {
                LOG.info("Not deleting {}: it now holds topic id {}", partition, h.topicId);
                return;
            }
            deleteLocked(h);
        }
    }

    /** Closes the log, renames the directory aside and deletes it once no slice reads it. */
    private void deleteLocked(Holder h) {
        MmapPartitionLog log = h.log;
        h.log = null;
        if (log != null) {
            log.closeForDelete();
        }
        if (h.dir == null) {
            return;
        }
        Path dead = h.dir.resolveSibling(
                h.dir.getFileName() + "." + UUID.randomUUID().toString().replace("-", "") + LogFiles.DELETE_DIR);
        try {
            Files.move(h.dir, dead, StandardCopyOption.ATOMIC_MOVE);
            LogFiles.fsyncDir(dead.getParent());
        } catch (IOException e) {
            throw new StorageException("Cannot delete the log directory " + h.dir + ": " + e.getMessage(), e);
        }
        AtomicInteger count = partitionsPerDir.get(h.dir.getParent());
        if (count != null) {
            count.decrementAndGet();
        }
        if (log != null) {
            log.deleteWhenReleased(dead);
        } else {
            runInBackground(() -> LogFiles.deleteRecursively(dead));
        }
        h.dir = null;
        h.topicId = null;
        h.clean = false;
    }

    /**
     * Closes every open log (in parallel: each may have a file to flush) and, for each log dir
     * whose logs all closed cleanly, writes the clean-shutdown marker. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Linked only now: only a clean shutdown needs it, and linking costs start-up time.
        // Null without native access: logs then flush file by file.
        FileSystemSync fileSystemSync = FileSystemSync.load();
        List<Holder> holders = new ArrayList<>(partitions.values());
        Set<Path> failedDirs = ConcurrentHashMap.newKeySet();
        ExecutorService closers = Executors.newFixedThreadPool(Math.max(1, Math.min(8, holders.size())), r -> {
            Thread t = new Thread(r, "tributary-mmap-close");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Holder h : holders) {
                done.add(closers.submit(() -> {
                    synchronized (h) {
                        if (h.log != null) {
                            try {
                                h.log.close(fileSystemSync != null);
                            } catch (RuntimeException e) {
                                LOG.warn("Closing the log of {} failed", h.log.id(), e);
                                failedDirs.add(h.dir.getParent());
                                h.log = null;
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            LOG.warn("Closing the logs failed", e);
            failedDirs.addAll(logDirs);
        } finally {
            closers.shutdown();
        }
        if (preparer != null) {
            preparer.shutdownNow();
        }
        background.shutdown();
        try {
            if (!background.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("Background storage tasks did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Never built (no partition ever) or failed: nothing to clear, and nothing to build now.
        ResourceCache built = resources.isCompletedExceptionally() ? null : resources.getNow(null);
        if (built != null) {
            built.clear();
        }
        for (Path logDir : logDirs) {
            if (failedDirs.contains(logDir)) {
                continue;
            }
            if (fileSystemSync != null) {
                try {
                    fileSystemSync.syncFileSystemOf(logDir);
                } catch (IOException e) {
                    LOG.warn("Cannot flush {}: it will be recovered on the next start", logDir, e);
                    continue;
                }
            }
            // Writing the marker durably flushes the log dir: with it, every partition directory
            // created in this run.
            try {
                LogFiles.writeAtomically(
                        logDir.resolve(LogFiles.CLEAN_SHUTDOWN),
                        ("version: " + Checkpoints.VERSION + "\n").getBytes(StandardCharsets.US_ASCII),
                        true);
            } catch (IOException e) {
                LOG.warn("Cannot mark {} as cleanly shut down: it will be recovered on the next start", logDir, e);
            }
        }
        LOG.info("Storage engine mmap closed");
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("The storage engine is closed");
        }
    }

    private static String dirName(PartitionId id) {
        try {
            return LogFiles.dirName(id.topic(), id.partition());
        } catch (IllegalArgumentException e) {
            throw new StorageException(e.getMessage());
        }
    }
}

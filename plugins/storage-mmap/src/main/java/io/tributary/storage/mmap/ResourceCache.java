package io.tributary.storage.mmap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tributary.storage.mmap.SharedResource.Mapping;
import io.tributary.storage.mmap.SharedResource.OpenFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the engine's open files and memory mappings, engine-wide, with two Caffeine caches:
 * a partition opens a segment file or maps an index only when it is used, and the coldest ones
 * are closed or unmapped when a bound is reached. This is what lets 10,000 partitions (three
 * files per segment) live within {@code ulimit -n} and {@code vm.max_map_count}.
 *
 * <p>The caches hold one reference to each resource; users take their own ({@code acquire*}
 * returns a retained resource that the caller must {@link SharedResource#release()}), so an
 * eviction only drops the cache's reference. Maintenance runs on the calling thread (no pool).
 * Thread-safe.
 */
final class ResourceCache {
    enum Kind {
        LOG_FILE,
        LOG_WINDOW,
        OFFSET_INDEX,
        TIME_INDEX
    }

    /** A cache key: one resource of one segment. */
    record Key(Segment segment, Kind kind) {}

    /** The keys of one segment's resources, made once per segment (lookups then allocate nothing). */
    static final class Keys {
        private final Key logFile;
        private final Key window;
        private final Key offsetIndex;
        private final Key timeIndex;

        Keys(Segment segment) {
            logFile = new Key(segment, Kind.LOG_FILE);
            window = new Key(segment, Kind.LOG_WINDOW);
            offsetIndex = new Key(segment, Kind.OFFSET_INDEX);
            timeIndex = new Key(segment, Kind.TIME_INDEX);
        }

        Key logFile() {
            return logFile;
        }

        Key window() {
            return window;
        }

        Key offsetIndex() {
            return offsetIndex;
        }

        Key timeIndex() {
            return timeIndex;
        }
    }

    /** Opens or maps a resource on a cache miss. */
    @FunctionalInterface
    interface Loader<T> {
        T load() throws IOException;
    }

    private final Cache<Key, OpenFile> files;
    private final Cache<Key, Mapping> mappings;
    private final AtomicInteger liveFiles = new AtomicInteger();
    private final AtomicInteger liveMappings = new AtomicInteger();

    ResourceCache(int maxOpenFiles, int maxMappings) {
        this.files = Caffeine.newBuilder()
                .maximumSize(maxOpenFiles)
                .executor(Runnable::run)
                .<Key, OpenFile>removalListener((k, v, cause) -> v.release())
                .build();
        this.mappings = Caffeine.newBuilder()
                .maximumSize(maxMappings)
                .executor(Runnable::run)
                .<Key, Mapping>removalListener((k, v, cause) -> v.release())
                .build();
    }

    /** Counts every file the caches opened that is not closed yet (cached or still in use). */
    AtomicInteger liveFiles() {
        return liveFiles;
    }

    /** Counts every mapping not unmapped yet (cached or still in use). */
    AtomicInteger liveMappings() {
        return liveMappings;
    }

    /** A retained open file of the segment's log. */
    OpenFile acquireFile(Key key, Loader<FileChannel> opener) throws IOException {
        while (true) {
            OpenFile f = load(files, key, () -> new OpenFile(opener.load(), liveFiles));
            if (f.tryRetain()) {
                return f;
            }
            files.asMap().remove(key, f);
        }
    }

    /** A retained index mapping of the segment. */
    Mapping acquireIndex(Key key, Loader<Mapping> mapper) throws IOException {
        while (true) {
            Mapping m = load(mappings, key, mapper);
            if (m.tryRetain()) {
                return m;
            }
            mappings.asMap().remove(key, m);
        }
    }

    /**
     * A retained writable window of the segment's log covering {@code [position, position +
     * length)}; a cached window that does not cover it is dropped and a new one mapped.
     */
    Mapping acquireWindow(Key key, long position, long length, Loader<Mapping> mapper) throws IOException {
        while (true) {
            Mapping m = load(mappings, key, mapper);
            if (m.covers(position, length) && m.tryRetain()) {
                return m;
            }
            mappings.asMap().remove(key, m);
        }
    }

    /**
     * Caches a mapping made outside {@link #acquireWindow} (the preparer maps the writer's next
     * window ahead of time), replacing and releasing the one cached before.
     */
    void install(Key key, Mapping mapping) {
        mappings.put(key, mapping);
    }

    /** Records a use of the segment's cached resources that bypassed the cache (a fast path). */
    void touch(Keys keys) {
        files.getIfPresent(keys.logFile);
        mappings.getIfPresent(keys.window);
        mappings.getIfPresent(keys.offsetIndex);
        mappings.getIfPresent(keys.timeIndex);
    }

    /** Drops the cache's reference to one resource (in-use ones close on release). */
    void invalidate(Key key) {
        if (key.kind() == Kind.LOG_FILE) {
            files.invalidate(key);
        } else {
            mappings.invalidate(key);
        }
    }

    /** Drops the cache's references to every resource of the segment. */
    void invalidateAll(Keys keys) {
        invalidate(keys.logFile);
        invalidate(keys.window);
        invalidate(keys.offsetIndex);
        invalidate(keys.timeIndex);
    }

    /** Runs pending cache maintenance (evictions are otherwise amortized over later calls). */
    void clearPending() {
        files.cleanUp();
        mappings.cleanUp();
    }

    /** Drops every cached resource (engine close). */
    void clear() {
        files.invalidateAll();
        mappings.invalidateAll();
        files.cleanUp();
        mappings.cleanUp();
    }

    private static <T extends SharedResource> T load(Cache<Key, T> cache, Key key, Loader<T> loader)
            throws IOException {
        try {
            return cache.get(key, k -> {
                try {
                    return loader.load();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

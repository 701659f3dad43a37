package io.tributary.storage.mmap;

import io.tributary.spi.plugin.PluginSettings;

/**
 * The engine's own settings, the {@code storage.mmap.*} keys of {@code server.properties}
 * (given here without the prefix). Kafka's own storage keys ({@code segment.bytes}, {@code
 * retention.ms}, ...) arrive per partition in {@link io.tributary.spi.storage.LogConfig}
 * instead.
 *
 * @param maxOpenFiles {@code max.open.files}: segment files kept open at once by the cache;
 *     colder ones are closed (slices still being sent keep theirs open until released). Keep it
 *     well below {@code ulimit -n}
 * @param maxMappedFiles {@code max.mapped.files}: memory mappings (active segment windows and
 *     indexes) kept at once; colder ones are unmapped. Keep it well below {@code
 *     vm.max_map_count}
 * @param mapWindowBytes {@code map.window.bytes}: how much of an active segment one mapping
 *     covers; the file grows (sparse) window by window instead of to {@code segment.bytes} at once
 * @param reserveMinChunkBytes {@code reserve.chunk.min.bytes}: the first disk reservation of a
 *     segment; each next one doubles up to the maximum, so disk use tracks data
 * @param reserveMaxChunkBytes {@code reserve.chunk.max.bytes}: the largest disk reservation
 * @param fallocate {@code fallocate}: reserve disk space with {@code posix_fallocate} (through
 *     FFM) when the platform has it, instead of the default: faulting the pages in through the
 *     mapping ({@code madvise(MADV_POPULATE_WRITE)}) with native access, else writing zeros.
 *     Measured on ext4, the first write through a mapping into a fallocated (unwritten) page
 *     costs milliseconds, into a populated or zero-filled page microseconds; all of them reserve
 *     real blocks, so a full disk fails the reservation (and the append), never the copy
 * @param backgroundThreads {@code background.threads}: threads that flush rolled segments and
 *     delete files
 * @param prepareThreads {@code prepare.threads}: threads that reserve disk space ahead of busy
 *     writers and fault the pages in, so that an append is a copy into memory that is already
 *     mapped; 0 leaves every reservation to the writer (appends then pay for it, chunk by chunk)
 * @param recordSyncedLengths {@code test.record.synced.lengths}: for power-loss tests only: each
 *     sync also records, durably, the length of every segment file it made durable (file {@code
 *     synced-lengths} in the partition directory), so a test can cut the files back to it after
 *     a {@code kill -9} and so simulate losing what the page cache held. Costs a write and a flush
 *     per sync
 */
record MmapSettings(
        int maxOpenFiles,
        int maxMappedFiles,
        long mapWindowBytes,
        long reserveMinChunkBytes,
        long reserveMaxChunkBytes,
        boolean fallocate,
        int backgroundThreads,
        int prepareThreads,
        boolean recordSyncedLengths) {

    static final String MAX_OPEN_FILES = "max.open.files";
    static final String MAX_MAPPED_FILES = "max.mapped.files";
    static final String MAP_WINDOW_BYTES = "map.window.bytes";
    static final String RESERVE_CHUNK_MIN_BYTES = "reserve.chunk.min.bytes";
    static final String RESERVE_CHUNK_MAX_BYTES = "reserve.chunk.max.bytes";
    static final String FALLOCATE = "fallocate";
    static final String BACKGROUND_THREADS = "background.threads";
    static final String PREPARE_THREADS = "prepare.threads";
    static final String RECORD_SYNCED_LENGTHS = "test.record.synced.lengths";

    /** 10,000 busy partitions hold one file and three mappings each. */
    static final MmapSettings DEFAULT =
            new MmapSettings(10_000, 30_000, 64L << 20, 4L << 10, 4L << 20, false, 2, 1, false);

    private static final long PAGE = 4096;

    MmapSettings {
        if (maxOpenFiles < 4) {
            throw new IllegalArgumentException(
                    "storage.mmap." + MAX_OPEN_FILES + " must be at least 4: " + maxOpenFiles);
        }
        if (maxMappedFiles < 4) {
            throw new IllegalArgumentException(
                    "storage.mmap." + MAX_MAPPED_FILES + " must be at least 4: " + maxMappedFiles);
        }
        if (mapWindowBytes < PAGE || mapWindowBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "storage.mmap." + MAP_WINDOW_BYTES + " must be in [4096, 2^31-1]: " + mapWindowBytes);
        }
        if (reserveMinChunkBytes < PAGE) {
            throw new IllegalArgumentException(
                    "storage.mmap." + RESERVE_CHUNK_MIN_BYTES + " must be at least 4096: " + reserveMinChunkBytes);
        }
        if (reserveMaxChunkBytes < reserveMinChunkBytes) {
            throw new IllegalArgumentException("storage.mmap." + RESERVE_CHUNK_MAX_BYTES + " (" + reserveMaxChunkBytes
                    + ") must be at least storage.mmap." + RESERVE_CHUNK_MIN_BYTES + " (" + reserveMinChunkBytes + ")");
        }
        if (backgroundThreads < 1) {
            throw new IllegalArgumentException(
                    "storage.mmap." + BACKGROUND_THREADS + " must be at least 1: " + backgroundThreads);
        }
        if (prepareThreads < 0) {
            throw new IllegalArgumentException(
                    "storage.mmap." + PREPARE_THREADS + " must be at least 0: " + prepareThreads);
        }
    }

    /**
     * Reads the settings; missing keys take their defaults.
     *
     * @throws IllegalArgumentException naming the key when a value is malformed or out of range
     */
    static MmapSettings from(PluginSettings s) {
        return new MmapSettings(
                s.getInt(MAX_OPEN_FILES, DEFAULT.maxOpenFiles),
                s.getInt(MAX_MAPPED_FILES, DEFAULT.maxMappedFiles),
                s.getLong(MAP_WINDOW_BYTES, DEFAULT.mapWindowBytes),
                s.getLong(RESERVE_CHUNK_MIN_BYTES, DEFAULT.reserveMinChunkBytes),
                s.getLong(RESERVE_CHUNK_MAX_BYTES, DEFAULT.reserveMaxChunkBytes),
                s.getBoolean(FALLOCATE, DEFAULT.fallocate),
                s.getInt(BACKGROUND_THREADS, DEFAULT.backgroundThreads),
                s.getInt(PREPARE_THREADS, DEFAULT.prepareThreads),
                s.getBoolean(RECORD_SYNCED_LENGTHS, DEFAULT.recordSyncedLengths));
    }
}

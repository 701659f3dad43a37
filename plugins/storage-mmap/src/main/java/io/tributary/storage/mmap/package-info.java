/**
 * The {@code mmap} storage engine (not exported: the kernel reaches it through {@link
 * io.tributary.storage.mmap.MmapStorageProvider} only).
 *
 * <h2>On disk</h2>
 *
 * Kafka's layout, {@code <log.dir>/<topic>-<partition>/}:
 *
 * <ul>
 *   <li>{@code <20-digit base offset>.log}: whole v2 record batches as appended (the batch magic
 *       is the format version), base offset and leader epoch patched;
 *   <li>{@code .index} and {@code .timeindex}: sparse indexes in lockstep, each with an 8-byte
 *       header (magic, version); see {@code IndexFormat};
 *   <li>{@code .txnindex}: aborted transactions whose marker is in the segment (header, then
 *       32-byte entries);
 *   <li>{@code <offset>.snapshot}: producer-state snapshots (header with version and CRC32C);
 *   <li>{@code partition.metadata} (version, topic id), {@code leader-epoch-checkpoint}, {@code
 *       log-start-offset-checkpoint}, {@code recovery-point-checkpoint}: versioned text;
 *   <li>{@code <log.dir>/.tributary-clean-shutdown}: present only after a clean close.
 * </ul>
 *
 * Removed segments are renamed {@code *.<tag>.deleted} at once and deleted when no slice reads
 * them; a deleted partition's directory is renamed {@code *-delete} first.
 *
 * <h2>Writing and reading</h2>
 *
 * The active segment is written through a mapped window ({@code storage.mmap.map.window.bytes})
 * after reserving disk space in growing chunks, so a full disk fails an append with a {@link
 * io.tributary.spi.storage.StorageException} instead of a SIGBUS. Reads return reference-counted
 * {@link io.tributary.spi.storage.LogSlice.FileRegion}s for {@code sendfile}. Files and mappings
 * are opened lazily and bounded engine-wide by Caffeine caches ({@code storage.mmap.max.open.files},
 * {@code storage.mmap.max.mapped.files}).
 *
 * <h2>Native access</h2>
 *
 * {@code posix_fallocate} (optional reservation) and {@code syncfs} (one flush per log dir on
 * close) are FFM downcalls: run with {@code --enable-native-access=io.tributary.storage.mmap}.
 * Without it the engine still works (zeros for reservation, per-file flushes on close).
 */
package io.tributary.storage.mmap;

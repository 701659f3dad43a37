package io.tributary.spi.storage;

import java.util.Set;

/**
 * A storage engine: the set of partition logs on this broker. Thread-safe: the kernel opens
 * and deletes partitions from several threads.
 */
public interface StorageEngine extends AutoCloseable {

    Set<StorageCapability> capabilities();

    /**
     * The partitions that have data on disk: those found when the engine was opened, plus those
     * opened since, minus those deleted.
     */
    Set<PartitionId> existingPartitions();

    /**
     * Opens a partition's log, creating it when it does not exist. Runs recovery first when
     * the last shutdown was not clean: a torn or corrupt tail is truncated (and logged with the
     * partition and offset), indexes are rebuilt. Opening a partition that is already open
     * returns the same instance (its config is changed with {@link PartitionLog#updateConfig}).
     * Data stored under the same topic name and partition but another topic id belongs to a
     * deleted topic: it is never served, the log starts empty and the old data is deleted.
     * Closing the returned log (rather than the engine) lets a later {@code open} reopen it.
     *
     * @throws StorageException if the log cannot be opened
     */
    PartitionLog open(PartitionId partition, LogConfig config);

    /**
     * Closes (if open) and removes a partition's data. Deletion may finish in the background,
     * but a partition opened with the same name afterwards starts empty.
     */
    void delete(PartitionId partition);

    /**
     * Called once, when the broker has started and answers requests. An engine may defer to this
     * point work that only partitions need (building caches, linking native calls), so that it
     * does not compete for the cores with the broker's start-up; it must not block the caller.
     * The default does nothing.
     */
    default void started() {}

    /** Flushes and closes every open log, marking the shutdown clean. Idempotent. */
    @Override
    void close();
}

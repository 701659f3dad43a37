package io.tributary.spi.storage;

import io.tributary.spi.plugin.Plugin;

/** Creates the storage engine that holds every partition's log. Selected by {@code storage.plugin}. */
public interface StorageProvider extends Plugin {

    /**
     * Opens the engine over the given directories. Does not open partitions yet: the kernel
     * opens each one it needs with {@link StorageEngine#open}.
     *
     * @throws StorageException if the directories are unusable
     */
    StorageEngine open(StorageContext context);
}

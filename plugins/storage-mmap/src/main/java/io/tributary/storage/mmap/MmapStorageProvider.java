package io.tributary.storage.mmap;

import io.tributary.spi.plugin.SpiVersion;
import io.tributary.spi.storage.StorageContext;
import io.tributary.spi.storage.StorageEngine;
import io.tributary.spi.storage.StorageProvider;

/**
 * The provider of the {@code mmap} storage engine, the default: segmented logs written through
 * memory-mapped files. Settings are the {@code storage.mmap.*} keys ({@link MmapSettings}).
 * Stateless; thread-safe.
 */
public final class MmapStorageProvider implements StorageProvider {

    /** Required by ServiceLoader. */
    public MmapStorageProvider() {}

    @Override
    public String name() {
        return "mmap";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "mmap: segmented logs on memory-mapped files, zero-copy reads";
    }

    /**
     * @throws IllegalArgumentException naming the key when a {@code storage.mmap.*} value is
     *     invalid
     * @throws io.tributary.spi.storage.StorageException if the directories are unusable
     */
    @Override
    public StorageEngine open(StorageContext context) {
        return MmapStorageEngine.open(context);
    }
}

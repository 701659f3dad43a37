/**
 * The default storage engine: segmented logs written through memory-mapped files. Exports
 * nothing; the kernel reaches it only through {@link io.tributary.spi.storage.StorageProvider}.
 */
module io.tributary.storage.mmap {
    requires io.tributary.spi;
    requires org.slf4j;
    requires com.github.benmanes.caffeine;

    provides io.tributary.spi.storage.StorageProvider with
            io.tributary.storage.mmap.MmapStorageProvider;
}

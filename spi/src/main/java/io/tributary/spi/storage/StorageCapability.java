package io.tributary.spi.storage;

/**
 * Optional extras an engine may declare. Everything else in {@link PartitionLog} is mandatory
 * for every engine; the TCK checks that each declaration is truthful and that an engine
 * without a capability behaves as documented here.
 */
public enum StorageCapability {
    /**
     * Reads return {@link LogSlice.FileRegion}s that the kernel sends with {@code sendfile}.
     * Without it, reads return {@link LogSlice.Memory} slices.
     */
    FILE_REGION_READS,
    /**
     * Appends are buffered and {@link PartitionLog#sync()} makes all of them durable with one
     * device flush, so the kernel can acknowledge many appends after a single sync (group
     * commit). Without it, {@code sync()} still works but may cost one flush per call.
     */
    GROUP_COMMIT_SYNC
}

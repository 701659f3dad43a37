package io.tributary.storage.mmap;

import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.StorageEngine;
import io.tributary.spi.storage.StorageProvider;
import io.tributary.tck.storage.StorageEngineContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** storage-mmap passes the storage TCK. */
class MmapStorageEngineTckTest extends StorageEngineContract {

    @Override
    protected StorageProvider provider() {
        return new MmapStorageProvider();
    }

    @Override
    protected void simulateCrash(StorageEngine engine, List<Path> logDirs) throws IOException {
        CrashSimulation.crash((MmapStorageEngine) engine, logDirs);
    }

    @Override
    protected void simulatePowerLoss(StorageEngine engine, List<Path> logDirs) throws IOException {
        CrashSimulation.powerLoss((MmapStorageEngine) engine, logDirs);
    }

    @Override
    protected void corruptBatch(List<Path> logDirs, PartitionId partition, long offset) throws IOException {
        CrashSimulation.corruptBatch(logDirs, partition, offset);
    }

    @Override
    protected void tearLastBatch(List<Path> logDirs, PartitionId partition) throws IOException {
        CrashSimulation.tearLastBatch(logDirs, partition);
    }
}

package io.tributary.storage.mmap;

import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.PartitionId;
import io.tributary.tck.storage.ManualTime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** partition.metadata is written in the background after creation, and at the latest on close. */
class PartitionMetadataTest {
    @TempDir
    Path tmp;

    @Test
    void shouldWriteTheTopicIdOnCloseWhenTheBackgroundHasNotYet() throws Exception {
        for (boolean engineShutdown : new boolean[] {false, true}) {
            Path dir = tmp.resolve("close-" + engineShutdown);
            MmapStorageEngine engine = TestEngines.open(
                    List.of(dir),
                    new ManualTime(TestEngines.START_MS),
                    new MmapSettings(100, 100, 1 << 20, 4096, 65536, false, 1, 1, false),
                    new SpaceReserver.ZeroFill());
            CountDownLatch release = new CountDownLatch(1);
            engine.runInBackground(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            PartitionId id = new PartitionId("meta", UUID.randomUUID(), 0);
            MmapPartitionLog log = (MmapPartitionLog) engine.open(id, LogConfig.DEFAULT);
            log.appendAsLeader(batch().record("a", TestEngines.START_MS).build(), 0);

            log.close(engineShutdown);

            assertEquals(Optional.of(id.topicId()), topicId(dir.resolve("meta-0")));
            release.countDown();
            engine.close();
        }
    }

    private static Optional<UUID> topicId(Path partitionDir) throws IOException {
        return Checkpoints.readTopicId(partitionDir.resolve(LogFiles.PARTITION_METADATA));
    }
}

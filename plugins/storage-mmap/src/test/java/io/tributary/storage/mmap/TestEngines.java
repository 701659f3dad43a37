package io.tributary.storage.mmap;

import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageContext;
import io.tributary.tck.storage.ManualTime;
import io.tributary.tck.storage.StoredBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Engines built directly (package-private knobs), for the engine's own tests. */
final class TestEngines {
    static final long START_MS = 1_700_000_000_000L;

    private TestEngines() {}

    static MmapStorageEngine open(List<Path> dirs, ManualTime time) {
        return open(dirs, time, MmapSettings.DEFAULT, new SpaceReserver.ZeroFill());
    }

    static MmapStorageEngine open(List<Path> dirs, ManualTime time, MmapSettings settings, SpaceReserver reserver) {
        return MmapStorageEngine.open(new StorageContext(dirs, PluginSettings.empty(), time), settings, reserver);
    }

    static PartitionId partition(String topic, int partition) {
        return new PartitionId(topic, UUID.nameUUIDFromBytes(topic.getBytes(StandardCharsets.UTF_8)), partition);
    }

    /** Every record value of the log, read batch after batch from its start. */
    static List<String> values(PartitionLog log) {
        List<String> all = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogSlice slice = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            List<StoredBatch> batches = StoredBatch.parseAndRelease(slice);
            if (batches.isEmpty()) {
                throw new AssertionError("nothing read at " + next);
            }
            for (StoredBatch b : batches) {
                if (!b.crcValid()) {
                    throw new AssertionError("bad CRC at " + b.baseOffset());
                }
                all.addAll(b.values());
                next = b.lastOffset() + 1;
            }
        }
        return all;
    }

    static List<String> expected(String prefix, int from, int to) {
        List<String> v = new ArrayList<>();
        for (int i = from; i < to; i++) {
            v.add(prefix + "-" + i);
        }
        return v;
    }
}

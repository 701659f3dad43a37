package io.tributary.storage.mmap;

import io.tributary.spi.storage.EpochEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The leader epochs of a partition, each with the first offset written in it, persisted in
 * {@code leader-epoch-checkpoint}. A change is written at once (atomically, without a flush) and
 * made durable by the next sync or close; recovery also rebuilds epochs from the batch headers
 * it scans, so a lost checkpoint costs nothing. Mutators are called by the partition's writer;
 * {@link #entries()} from any thread.
 */
final class LeaderEpochCache {
    private final Supplier<Path> dir;
    private volatile List<EpochEntry> entries;
    /** The checkpoint file does not hold {@link #entries} yet. Guarded by this. */
    private boolean unwritten;
    /** The checkpoint file may not be flushed. Guarded by this. */
    private boolean unsynced;

    LeaderEpochCache(Supplier<Path> dir, List<EpochEntry> initial) {
        this.dir = dir;
        this.entries = List.copyOf(initial);
    }

    List<EpochEntry> entries() {
        return entries;
    }

    int latestEpoch() {
        List<EpochEntry> e = entries;
        return e.isEmpty() ? -1 : e.getLast().epoch();
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset} when it is newer than the latest
     * epoch (an older one is ignored, as Kafka does). An epoch that wrote nothing, starting at
     * the same offset, is replaced.
     *
     * @return whether anything changed
     */
    boolean assign(int epoch, long startOffset) {
        List<EpochEntry> current = entries;
        if (epoch < 0 || (!current.isEmpty() && epoch <= current.getLast().epoch())) {
            return false;
        }
        List<EpochEntry> next = new ArrayList<>(current);
        while (!next.isEmpty() && next.getLast().startOffset() >= startOffset) {
            next.removeLast();
        }
        next.add(new EpochEntry(epoch, startOffset));
        set(next);
        return true;
    }

    /** Drops the epochs that start at or after {@code endOffset} (the log was truncated there). */
    void truncateFromEnd(long endOffset) {
        List<EpochEntry> current = entries;
        List<EpochEntry> next =
                current.stream().filter(e -> e.startOffset() < endOffset).toList();
        if (next.size() != current.size()) {
            set(next);
        }
    }

    /**
     * The log now starts at {@code startOffset}: the epoch in force there starts there, older
     * ones go (Kafka's truncate-from-start).
     */
    void truncateFromStart(long startOffset) {
        List<EpochEntry> current = entries;
        if (current.isEmpty() || current.getFirst().startOffset() >= startOffset) {
            return;
        }
        List<EpochEntry> next = new ArrayList<>();
        EpochEntry inForce = null;
        for (EpochEntry e : current) {
            if (e.startOffset() <= startOffset) {
                inForce = e;
            } else {
                next.add(e);
            }
        }
        if (inForce != null) {
            next.addFirst(new EpochEntry(inForce.epoch(), startOffset));
        }
        set(next);
    }

    void clear() {
        if (!entries.isEmpty()) {
            set(List.of());
        }
    }

    private synchronized void set(List<EpochEntry> next) {
        entries = List.copyOf(next);
        unwritten = true;
        unsynced = true;
    }

    /**
     * Writes the checkpoint if it changed since the last write; {@code durable} also flushes it
     * (and rewrites it if the last write was not flushed). Safe to call from the sync thread.
     */
    synchronized void write(boolean durable) throws IOException {
        if (unwritten || (durable && unsynced)) {
            Checkpoints.writeEpochs(dir.get().resolve(LogFiles.LEADER_EPOCH_CHECKPOINT), entries, durable);
            unwritten = false;
            if (durable) {
                unsynced = false;
            }
        }
    }
}

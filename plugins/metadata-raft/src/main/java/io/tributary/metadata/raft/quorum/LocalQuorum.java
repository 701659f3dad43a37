package io.tributary.metadata.raft.quorum;

import io.tributary.metadata.raft.log.CorruptLogException;
import io.tributary.metadata.raft.log.FileRaftLog;
import io.tributary.metadata.raft.log.LogBatch;
import io.tributary.metadata.raft.log.RaftLog;
import io.tributary.metadata.raft.log.Snapshot;
import io.tributary.metadata.raft.log.SnapshotId;
import io.tributary.metadata.raft.log.SnapshotStore;
import io.tributary.spi.plugin.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A quorum of one voter, this node: it elects itself in a new epoch at every start, and a batch
 * is committed as soon as it is appended and synced to disk, since the local voter is the
 * majority. Every entry that survives log recovery is therefore committed (an entry synced just
 * before a crash may be committed without its writer having been told, as Raft allows).
 *
 * <p>Not thread-safe (see {@link MetadataQuorum}).
 */
public final class LocalQuorum implements MetadataQuorum {
    private static final Logger log = LoggerFactory.getLogger(LocalQuorum.class);
    private static final int READ_BYTES = 1 << 20;

    private final int nodeId;
    private final Path dir;
    private final RaftLog raftLog;
    private final SnapshotStore snapshots;
    private final Time time;
    private final int epoch;
    private long highWatermark;
    private CommitListener listener;
    private boolean failed;

    private LocalQuorum(int nodeId, Path dir, RaftLog raftLog, SnapshotStore snapshots, Time time, int epoch) {
        this.nodeId = nodeId;
        this.dir = dir;
        this.raftLog = raftLog;
        this.snapshots = snapshots;
        this.time = time;
        this.epoch = epoch;
        this.highWatermark = raftLog.endOffset();
    }

    /**
     * Opens the log and snapshots in {@code dir} (created if absent), recovers the log and makes
     * this node the leader of a new epoch.
     *
     * @throws CorruptLogException if the stored log or snapshots are damaged or do not fit together
     * @throws UncheckedIOException if the files cannot be read or written
     */
    public static LocalQuorum open(Path dir, int nodeId, Time time) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        SnapshotStore snapshots = new SnapshotStore(dir);
        Optional<SnapshotId> snapshot = snapshots.latest();
        long snapshotEnd = snapshot.isPresent() ? snapshot.get().endOffset() : 0L;
        FileRaftLog raftLog = FileRaftLog.open(dir, snapshotEnd);
        try {
            if (raftLog.startOffset() > snapshotEnd) {
                throw new CorruptLogException("The metadata log in " + dir + " starts at offset "
                        + raftLog.startOffset() + " but "
                        + (snapshot.isPresent() ? "the latest snapshot ends at " + snapshotEnd : "there is no snapshot")
                        + ": the entries in between are missing");
            }
            if (raftLog.endOffset() < snapshotEnd) {
                throw new CorruptLogException("The metadata log in " + dir + " ends at offset " + raftLog.endOffset()
                        + ", before the end of the latest snapshot (" + snapshotEnd + ")");
            }
            QuorumState stored = QuorumState.read(dir);
            int lastEpoch = Math.max(
                    stored.epoch(),
                    Math.max(
                            raftLog.lastEpoch(),
                            snapshot.isPresent() ? snapshot.get().epoch() : -1));
            // A new epoch on every start: entries of a previous run are never confused with new ones.
            int epoch = Math.max(lastEpoch + 1, 1);
            new QuorumState(epoch, nodeId, nodeId).write(dir);
            log.atInfo()
                    .addKeyValue("epoch", epoch)
                    .addKeyValue("startOffset", raftLog.startOffset())
                    .addKeyValue("endOffset", raftLog.endOffset())
                    .log("Metadata quorum of one: node {} leads", nodeId);
            return new LocalQuorum(nodeId, dir, raftLog, snapshots, time, epoch);
        } catch (RuntimeException e) {
            raftLog.close();
            throw e;
        }
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public boolean isLeader() {
        return !failed;
    }

    @Override
    public long highWatermark() {
        return highWatermark;
    }

    /** The log, for tests and tools that inspect it. */
    RaftLog log() {
        return raftLog;
    }

    @Override
    public void start(CommitListener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("The quorum was already started");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        long next = raftLog.startOffset();
        Optional<SnapshotId> latest = snapshots.latest();
        if (latest.isPresent()) {
            Snapshot snapshot = snapshots.read(latest.get());
            listener.handleSnapshot(snapshot);
            next = snapshot.id().endOffset();
        }
        while (next < highWatermark) {
            List<LogBatch> batches = raftLog.read(next, READ_BYTES);
            if (batches.isEmpty()) {
                throw new CorruptLogException("The metadata log in " + dir + " has no entry at offset " + next);
            }
            for (LogBatch batch : batches) {
                if (batch.nextOffset() <= next) {
                    continue;
                }
                listener.handleCommit(batch.from(next));
                next = batch.nextOffset();
            }
        }
    }

    @Override
    public long append(List<ByteBuffer> records) {
        if (listener == null) {
            throw new IllegalStateException("The quorum is not started");
        }
        if (failed) {
            throw new IllegalStateException("The metadata log failed earlier; this node no longer leads");
        }
        LogBatch batch;
        try {
            batch = raftLog.append(epoch, time.milliseconds(), records);
            raftLog.flush();
        } catch (RuntimeException e) {
            // The log's tail is unknown now: stop leading rather than risk a gap or a duplicate.
            failed = true;
            throw e;
        }
        highWatermark = raftLog.endOffset(); // the local voter is the whole majority
        listener.handleCommit(batch);
        return batch.lastOffset();
    }

    @Override
    public void createSnapshot(long lastIncludedOffset, List<ByteBuffer> records) {
        if (lastIncludedOffset < 0 || lastIncludedOffset >= highWatermark) {
            throw new IllegalArgumentException(
                    "Offset " + lastIncludedOffset + " is not committed (high watermark " + highWatermark + ")");
        }
        Optional<SnapshotId> latest = snapshots.latest();
        if (latest.isPresent() && latest.get().endOffset() > lastIncludedOffset) {
            return; // already covered
        }
        SnapshotId id = new SnapshotId(lastIncludedOffset + 1, raftLog.epochOf(lastIncludedOffset));
        snapshots.write(id, time.milliseconds(), records);
        raftLog.trimBefore(id.endOffset());
        snapshots.deleteBefore(id);
        log.atInfo()
                .addKeyValue("endOffset", id.endOffset())
                .addKeyValue("epoch", id.epoch())
                .addKeyValue("records", records.size())
                .log("Wrote a metadata snapshot and trimmed the log before it");
    }

    @Override
    public void close() {
        raftLog.close();
    }
}

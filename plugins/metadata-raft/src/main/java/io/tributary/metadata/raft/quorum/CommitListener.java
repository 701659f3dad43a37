package io.tributary.metadata.raft.quorum;

import io.tributary.metadata.raft.log.LogBatch;
import io.tributary.metadata.raft.log.Snapshot;

/**
 * Receives committed state from a {@link MetadataQuorum}, in offset order, on the quorum's
 * calling thread: first the latest snapshot (if any), then every committed batch after it.
 */
public interface CommitListener {

    /** Replaces all state with the snapshot's; batches after its end offset follow. */
    void handleSnapshot(Snapshot snapshot);

    /** A batch is committed: the quorum will never lose or change it. */
    void handleCommit(LogBatch batch);
}

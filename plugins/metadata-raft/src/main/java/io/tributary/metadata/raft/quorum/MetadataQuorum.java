package io.tributary.metadata.raft.quorum;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The commit step of the metadata log, in Raft's terms: the leader appends batches in its epoch,
 * a batch is committed once a majority of voters hold it, and committed batches are delivered to
 * the {@link CommitListener} in order. {@link LocalQuorum} is a quorum of one; a multi-voter
 * implementation (Vote, BeginQuorumEpoch, Fetch, FetchSnapshot over the Kafka protocol) can
 * replace it without changing the state machine or the controller, which only see this
 * interface and committed batches.
 *
 * <p>Not thread-safe: the metadata store calls it from its controller thread only (and from the
 * opening thread before that one starts).
 */
public interface MetadataQuorum extends AutoCloseable {

    /** This node's id. */
    int nodeId();

    /** The current leader epoch. */
    int epoch();

    /** Whether this node leads the current epoch and may {@link #append}. */
    boolean isLeader();

    /** The offset below which every entry is committed. */
    long highWatermark();

    /**
     * Delivers the committed state to {@code listener}, the latest snapshot first, then every
     * committed batch; returns once it is caught up. Later commits go to the same listener. Call
     * once.
     *
     * @throws io.tributary.metadata.raft.log.CorruptLogException if stored state cannot be read
     */
    void start(CommitListener listener);

    /**
     * Appends {@code records} as one batch that commits atomically, in this leader's epoch.
     * The listener is told when it commits; with a quorum of one that is before this returns.
     *
     * @return the offset of the batch's last record
     * @throws IllegalStateException if this node is not the leader, or the quorum failed
     * @throws java.io.UncheckedIOException if the log cannot be written; the quorum is then
     *     failed and refuses further appends
     */
    long append(List<ByteBuffer> records);

    /**
     * Stores a snapshot of the state that includes every committed entry up to {@code
     * lastIncludedOffset}, then lets the log drop what it covers.
     *
     * @throws IllegalArgumentException if that offset is not committed
     * @throws java.io.UncheckedIOException if the snapshot cannot be written (the log is kept)
     */
    void createSnapshot(long lastIncludedOffset, List<ByteBuffer> records);

    @Override
    void close();
}

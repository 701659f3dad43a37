package io.tributary.metadata.raft.log;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The contents of a snapshot: records that rebuild the state as of {@link SnapshotId#endOffset()}.
 * Immutable; the buffers are read-only.
 */
public record Snapshot(SnapshotId id, long createdTimeMs, List<ByteBuffer> records) {
    public Snapshot {
        records = records.stream().map(ByteBuffer::asReadOnlyBuffer).toList();
    }
}

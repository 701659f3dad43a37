package io.tributary.metadata.raft.log;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Entries appended together: they have consecutive offsets from {@code baseOffset}, share the
 * leader epoch they were written in, and are committed (or discarded) as a whole. Each entry is
 * one encoded record, opaque to the log. Immutable; the buffers are read-only.
 *
 * @param baseOffset the first entry's offset
 * @param epoch the leader epoch the batch was appended in
 * @param appendTimeMs when the leader appended it
 * @param records the entries, at least one
 */
public record LogBatch(long baseOffset, int epoch, long appendTimeMs, List<ByteBuffer> records) {
    public LogBatch {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("baseOffset must be >= 0: " + baseOffset);
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException("A batch holds at least one record");
        }
        ByteBuffer[] readOnly = new ByteBuffer[records.size()];
        for (int i = 0; i < readOnly.length; i++) {
            readOnly[i] = records.get(i).asReadOnlyBuffer();
        }
        records = List.of(readOnly);
    }

    /** The offset of the last entry. */
    public long lastOffset() {
        return baseOffset + records.size() - 1;
    }

    /** The offset the entry after this batch gets. */
    public long nextOffset() {
        return baseOffset + records.size();
    }

    /** The entries' total size in bytes, without framing. */
    public long recordBytes() {
        long total = 0;
        for (ByteBuffer record : records) {
            total += record.remaining();
        }
        return total;
    }

    /** This batch without its entries below {@code offset} (which must lie inside the batch). */
    public LogBatch from(long offset) {
        if (offset <= baseOffset) {
            return this;
        }
        if (offset > lastOffset()) {
            throw new IllegalArgumentException("Offset " + offset + " is past the batch's last offset " + lastOffset());
        }
        return new LogBatch(offset, epoch, appendTimeMs, records.subList((int) (offset - baseOffset), records.size()));
    }
}

package io.tributary.kernel.coordinator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.record.ControlRecordType;
import io.tributary.protocol.record.EndTxnMarker;
import io.tributary.protocol.record.Record;
import io.tributary.protocol.record.RecordBatch;
import io.tributary.protocol.record.RecordBatches;
import io.tributary.protocol.record.RecordIterator;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageException;

/**
 * Reads a coordinator partition's records back, a chunk at a time, so that replaying a large
 * partition can be spread over several turns of the request handler thread. Records of
 * transactional batches and transaction markers go to the visitor's own methods (by default the
 * former are skipped and the latter ignored), so a coordinator that writes transactionally (the
 * group coordinator's TxnOffsetCommit) can settle them as the log does.
 *
 * <p>Stateless; the caller remembers the offset to continue from. Runs on the handler thread,
 * the log's single writer, so the log does not change during a call.
 */
public final class PartitionReader {

    /** Receives each data record of a chunk, in offset order. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * @param key the record key, or null; valid during the call only
         * @param value the record value, or null for a tombstone; valid during the call only
         */
        void record(long offset, ByteBuf key, ByteBuf value);

        /**
         * A record of a transactional batch of {@code producerId}, to take effect only if a COMMIT
         * marker of that producer follows. Skipped unless overridden.
         */
        default void transactionalRecord(long producerId, long offset, ByteBuf key, ByteBuf value) {}

        /** A COMMIT ({@code commit} true) or ABORT marker of {@code producerId}. Ignored unless overridden. */
        default void marker(long producerId, boolean commit) {}
    }

    private PartitionReader() {}

    /**
     * Reads the batches from {@code from} (raised to the log start offset) up to {@code end}
     * (exclusive), at most about {@code maxBytes} of them (always at least one batch).
     *
     * @return the offset to continue from; {@code end} or more when everything was read
     * @throws StorageException if the log cannot be read
     */
    public static long readChunk(PartitionLog log, long from, long end, int maxBytes, Visitor visitor) {
        long start = Math.max(from, log.logStartOffset());
        if (start >= end) {
            return end;
        }
        LogSlice slice = log.read(start, maxBytes, end, true);
        try {
            if (slice.sizeInBytes() == 0) {
                return end;
            }
            ByteBuf bytes = Unpooled.wrappedBuffer(slice.readFully());
            long next = start;
            for (RecordBatch batch : RecordBatches.of(bytes)) {
                if (batch.lastOffset() < start) {
                    next = Math.max(next, batch.nextOffset());
                    continue;
                }
                if (batch.isControl()) {
                    marker(batch, visitor);
                } else {
                    boolean transactional = batch.isTransactional();
                    try (RecordIterator records = batch.records()) {
                        while (records.hasNext()) {
                            Record r = records.next();
                            if (r.offset() < start) {
                                continue;
                            }
                            ByteBuf key = r.hasKey() ? r.key() : null;
                            ByteBuf value = r.hasValue() ? r.value() : null;
                            if (transactional) {
                                visitor.transactionalRecord(batch.producerId(), r.offset(), key, value);
                            } else {
                                visitor.record(r.offset(), key, value);
                            }
                        }
                    }
                }
                next = batch.nextOffset();
            }
            return next > start ? next : end;
        } finally {
            slice.release();
        }
    }

    private static void marker(RecordBatch batch, Visitor visitor) {
        try (RecordIterator records = batch.records()) {
            if (records.hasNext()) {
                EndTxnMarker marker = EndTxnMarker.read(records.next());
                if (marker.type() == ControlRecordType.COMMIT || marker.type() == ControlRecordType.ABORT) {
                    visitor.marker(batch.producerId(), marker.type() == ControlRecordType.COMMIT);
                }
            }
        } catch (IllegalArgumentException e) {
            // Not a transaction marker Tributary knows: nothing to settle.
        }
    }
}

package io.tributary.kernel.coordinator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.record.Record;
import io.tributary.protocol.record.RecordBatch;
import io.tributary.protocol.record.RecordBatches;
import io.tributary.protocol.record.RecordIterator;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageException;

/**
 * Reads a coordinator partition's records back, a chunk at a time, so that replaying a large
 * partition can be spread over several turns of the request handler thread. Control batches
 * (transaction markers) are skipped.
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
                if (!batch.isControl()) {
                    try (RecordIterator records = batch.records()) {
                        while (records.hasNext()) {
                            Record r = records.next();
                            if (r.offset() < start) {
                                continue;
                            }
                            visitor.record(r.offset(), r.hasKey() ? r.key() : null, r.hasValue() ? r.value() : null);
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
}

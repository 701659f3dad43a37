package io.tributary.kernel.offsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.record.Record;
import io.tributary.protocol.record.RecordBatch;
import io.tributary.protocol.record.RecordException;
import io.tributary.protocol.record.RecordIterator;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.PartitionLog;
import io.tributary.spi.storage.StorageException;
import io.tributary.spi.storage.TimestampOffset;
import java.util.Optional;

/**
 * Offsets by timestamp at record precision: storage finds the batch (with its time index), this
 * reads that batch's records to find the first record at or after the timestamp, as Kafka
 * answers ListOffsets.
 */
public final class TimestampSearch {

    /** The first record with a timestamp at or after {@code timestamp}, below {@code bound}. */
    public Optional<TimestampOffset> offsetForTimestamp(PartitionLog log, long timestamp, long bound) {
        Optional<TimestampOffset> batchHit = log.offsetForTimestamp(timestamp);
        if (batchHit.isEmpty() || batchHit.get().offset() >= bound) {
            return Optional.empty();
        }
        long from = batchHit.get().offset();
        while (from < bound) {
            LogSlice slice = log.read(from, 1, bound, true);
            try {
                if (slice.sizeInBytes() == 0) {
                    return Optional.empty();
                }
                ByteBuf bytes = Unpooled.wrappedBuffer(slice.readFully());
                RecordBatch batch = RecordBatch.wrap(bytes, 0);
                try (RecordIterator records = batch.records()) {
                    while (records.hasNext()) {
                        Record r = records.next();
                        if (r.offset() >= from && r.timestamp() >= timestamp) {
                            return r.offset() < bound
                                    ? Optional.of(new TimestampOffset(
                                            r.timestamp(), r.offset(), batch.partitionLeaderEpoch()))
                                    : Optional.empty();
                        }
                    }
                } catch (RecordException e) {
                    throw new StorageException("Stored batch at offset " + batch.baseOffset() + " is unreadable", e);
                }
                from = batch.nextOffset();
            } finally {
                slice.release();
            }
        }
        return Optional.empty();
    }

    /**
     * The first record with the largest timestamp (storage names the batch; this finds the
     * record in it), if it is below {@code bound}.
     */
    public Optional<TimestampOffset> maxTimestamp(PartitionLog log, long bound) {
        Optional<TimestampOffset> batchHit = log.maxTimestamp();
        if (batchHit.isEmpty()) {
            return Optional.empty();
        }
        long max = batchHit.get().timestamp();
        LogSlice slice = log.read(batchHit.get().offset(), 1, log.logEndOffset(), true);
        try {
            if (slice.sizeInBytes() == 0) {
                return Optional.empty();
            }
            RecordBatch batch = RecordBatch.wrap(Unpooled.wrappedBuffer(slice.readFully()), 0);
            try (RecordIterator records = batch.records()) {
                while (records.hasNext()) {
                    Record r = records.next();
                    if (r.timestamp() == max) {
                        return r.offset() < bound
                                ? Optional.of(new TimestampOffset(max, r.offset(), batch.partitionLeaderEpoch()))
                                : Optional.empty();
                    }
                }
            } catch (RecordException e) {
                throw new StorageException("Stored batch at offset " + batch.baseOffset() + " is unreadable", e);
            }
            return Optional.empty();
        } finally {
            slice.release();
        }
    }
}

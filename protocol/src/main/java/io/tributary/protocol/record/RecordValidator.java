package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Deep validation of v2 batches for the broker's produce path: the header, the CRC, and every
 * record, in one pass. An uncompressed batch is read in place without allocating per record; a
 * compressed one is decompressed once, as a stream, skipping over keys and values, so memory
 * stays small whatever the records claim or contain.
 *
 * <p>Errors: {@link CorruptRecordException} for damaged or malformed bytes, {@link
 * InvalidRecordException} for well-formed batches that are not allowed, {@link
 * InvalidTimestampException} for timestamps out of range; each message names the batch and,
 * where one is at fault, the record (also in {@link RecordException#recordIndex()}).
 *
 * <p>Stateless and thread-safe; it only reads the buffer.
 */
public final class RecordValidator {
    private RecordValidator() {}

    /**
     * Validates one partition's records from a produce request (v3+): the readable bytes of
     * {@code records} must be exactly one v2 batch, which must pass {@link #validate}.
     *
     * @return the batch (viewing {@code records} at its reader index) and what validation
     *     learned about it
     * @throws RecordException as described on the class
     */
    public static ValidatedBatch validateProduce(ByteBuf records, ValidationOptions options) {
        int start = records.readerIndex();
        int end = records.writerIndex();
        if (end == start) {
            throw new InvalidRecordException(
                    "Produce requests must hold exactly one record batch per partition; found none");
        }
        int size = RecordBatch.sizeOfBatchAt(records, start, end);
        if (size < 0) {
            throw new CorruptRecordException(
                    end - start < RecordBatch.HEADER_SIZE
                            ? "Record batch is truncated: " + (end - start) + " bytes, fewer than a batch header"
                            : "Record batch is truncated: it declares "
                                    + (RecordBatch.LOG_OVERHEAD
                                            + (long) records.getInt(start + RecordBatch.LENGTH_OFFSET))
                                    + " bytes but the partition's records hold only " + (end - start));
        }
        int rest = end - start - size;
        if (rest > 0) {
            boolean anotherBatch = rest >= RecordBatch.LOG_OVERHEAD
                    && records.getInt(start + size + RecordBatch.LENGTH_OFFSET)
                            >= RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD;
            if (anotherBatch) {
                throw new InvalidRecordException(
                        "Produce requests must hold exactly one record batch per partition; found more after the first "
                                + size + " bytes");
            }
            throw new CorruptRecordException(rest + " bytes of garbage follow the record batch of " + size + " bytes");
        }
        return validate(RecordBatch.wrapChecked(records, start), options);
    }

    /**
     * Validates one batch: integrity ({@link RecordBatch#ensureValid()}), header consistency
     * (at least one record, {@code lastOffsetDelta = recordsCount - 1}, a sequence with every
     * producer id outside control batches, a producer id for transactional batches), policy
     * ({@code options}), and every record: well-formed, offset deltas 0, 1, ... in order,
     * exactly {@code recordsCount} of them and nothing after them.
     *
     * @throws RecordException as described on the class
     */
    public static ValidatedBatch validate(RecordBatch batch, ValidationOptions options) {
        batch.ensureValid();
        CompressionType codec = batch.compressionType();
        checkHeader(batch, options);
        Pass pass = new Pass(batch, options);
        int start = batch.index() + RecordBatch.HEADER_SIZE;
        int end = batch.index() + batch.sizeInBytes();
        if (codec == CompressionType.NONE) {
            RecordInput.OfBuf in = new RecordInput.OfBuf(batch.buffer(), start, end);
            try {
                pass.readRecords(in);
            } catch (IOException e) {
                throw new IllegalStateException("a buffer read cannot fail", e);
            }
            long left = in.limit() - in.position();
            if (left != 0) {
                throw new CorruptRecordException(batch.describe() + ": " + left + " bytes follow the last of its "
                        + batch.recordsCount() + " records");
            }
            return pass.result(end - start);
        }
        try (RecordInput.OfStream in =
                BatchRecordIterator.openStream(batch, codec, start, end, options.maxUncompressedBytes())) {
            try {
                pass.readRecords(in);
                if (!in.atEnd()) {
                    throw new CorruptRecordException(
                            batch.describe() + ": decompressed data continues after the last of its "
                                    + batch.recordsCount() + " records");
                }
            } catch (IOException e) {
                throw BatchRecordIterator.decompressionFailure(batch, pass.index, e);
            }
            return pass.result(in.position());
        }
    }

    private static void checkHeader(RecordBatch batch, ValidationOptions options) {
        int count = batch.recordsCount();
        if (count <= 0) {
            throw new InvalidRecordException(
                    batch.describe() + " declares " + count + " records; a batch needs at least one");
        }
        if (batch.lastOffsetDelta() != count - 1) {
            throw new InvalidRecordException(batch.describe() + " has lastOffsetDelta " + batch.lastOffsetDelta()
                    + " but " + count + " records (expected " + (count - 1) + ")");
        }
        if (batch.isControl() && !options.allowControlBatches()) {
            throw new InvalidRecordException(
                    batch.describe() + " is a control batch; clients may not write control records");
        }
        // Markers carry the producer id without a sequence; data batches need one.
        if (!batch.isControl() && batch.hasProducerId() && batch.baseSequence() < 0) {
            throw new InvalidRecordException(batch.describe() + " has producer id " + batch.producerId()
                    + " but invalid base sequence " + batch.baseSequence());
        }
        if (batch.isTransactional() && !batch.hasProducerId()) {
            throw new InvalidRecordException(batch.describe() + " is transactional but has no producer id");
        }
    }

    /** One validation pass over a batch's records; holds the running results. */
    private static final class Pass {
        private final RecordBatch batch;
        private final ValidationOptions options;
        private final RecordParser parser;
        private final int count;
        private final long baseTimestamp;
        private final boolean logAppendTime;
        private final long logAppendTimestamp;
        private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        private int offsetDeltaOfMaxTimestamp = -1;
        int index;

        Pass(RecordBatch batch, ValidationOptions options) {
            this.batch = batch;
            this.options = options;
            this.parser = new RecordParser(batch);
            this.count = batch.recordsCount();
            this.baseTimestamp = batch.baseTimestamp();
            this.logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
            this.logAppendTimestamp = batch.maxTimestamp();
        }

        void readRecords(RecordInput in) throws IOException {
            for (index = 0; index < count; index++) {
                int length = parser.readLength(in, index);
                if (length < 0) {
                    throw parser.corrupt(
                            index, "the batch declares " + count + " records but its data holds only " + index);
                }
                parser.parseBody(in, index, length);
                checkRecord(index);
            }
        }

        private void checkRecord(int i) {
            if (parser.offsetDelta != i) {
                throw new InvalidRecordException(
                        batch.describe() + ", record " + i + ": offset delta " + parser.offsetDelta + " where " + i
                                + " was expected; offsets inside a batch must be consecutive from 0",
                        i);
            }
            if (options.requireKeys() && parser.keyLength < 0) {
                throw new InvalidRecordException(
                        batch.describe() + ", record " + i + ": compacted topics accept only records with a key", i);
            }
            long timestamp = logAppendTime ? logAppendTimestamp : baseTimestamp + parser.timestampDelta;
            if (timestamp < options.minTimestamp() || timestamp > options.maxTimestamp()) {
                throw new InvalidTimestampException(
                        batch.describe() + ", record " + i + ": timestamp " + timestamp
                                + " is outside the accepted range [" + options.minTimestamp() + ", "
                                + options.maxTimestamp() + "]",
                        i);
            }
            if (timestamp > maxTimestamp) {
                maxTimestamp = timestamp;
                offsetDeltaOfMaxTimestamp = i;
            }
        }

        ValidatedBatch result(long uncompressedBytes) {
            return new ValidatedBatch(batch, count, maxTimestamp, offsetDeltaOfMaxTimestamp, uncompressedBytes);
        }
    }
}

package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;

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
        return validate(batch, options, true);
    }

    /** {@link #validate}, optionally without the fast scan of uncompressed batches (tests compare the two). */
    static ValidatedBatch validate(RecordBatch batch, ValidationOptions options, boolean fastScan) {
        batch.ensureValid();
        CompressionType codec = batch.compressionType();
        checkHeader(batch, options);
        Pass pass = new Pass(batch, options);
        int start = batch.index() + RecordBatch.HEADER_SIZE;
        int end = batch.index() + batch.sizeInBytes();
        if (codec == CompressionType.NONE) {
            ByteBuf buf = batch.buffer();
            if (fastScan && buf.nioBufferCount() == 1 && pass.scanWellFormed(buf.nioBuffer(start, end - start))) {
                return pass.result(end - start);
            }
            // Something is off, or the bytes are not one region: the full parser says exactly what.
            pass = new Pass(batch, options);
            RecordInput.OfBuf in = new RecordInput.OfBuf(buf, start, end);
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

        /**
         * The common case made cheap: walks well-formed uncompressed records with absolute reads
         * from one buffer region and applies {@link #checkRecord}'s rules. Returns false at the
         * first thing that is off (malformed, out of policy, or not ending exactly at the end),
         * leaving the precise error to {@link #readRecords}; it never accepts what that rejects.
         */
        boolean scanWellFormed(ByteBuffer records) {
            Scan in = new Scan(records);
            for (int i = 0; i < count; i++) {
                int length = in.varint();
                if (in.bad || length < RecordParser.MIN_BODY_SIZE || length > in.limit - in.p) {
                    return false;
                }
                int end = in.p + length;
                in.p++; // attributes
                long timestampDelta = in.varlong();
                int offsetDelta = in.varint();
                int keyLength = in.varint();
                if (in.bad || offsetDelta != i || !in.skip(keyLength, -1, end)) {
                    return false;
                }
                int valueLength = in.varint();
                if (in.bad || !in.skip(valueLength, -1, end)) {
                    return false;
                }
                int headerCount = in.varint();
                if (in.bad || headerCount < 0 || headerCount > (end - in.p) / 2) {
                    return false;
                }
                for (int h = 0; h < headerCount; h++) {
                    int headerKeyLength = in.varint();
                    if (in.bad || !in.skip(headerKeyLength, 0, end)) {
                        return false;
                    }
                    int headerValueLength = in.varint();
                    if (in.bad || !in.skip(headerValueLength, -1, end)) {
                        return false;
                    }
                }
                if (in.p != end || (options.requireKeys() && keyLength < 0)) {
                    return false;
                }
                long timestamp = logAppendTime ? logAppendTimestamp : baseTimestamp + timestampDelta;
                if (timestamp < options.minTimestamp() || timestamp > options.maxTimestamp()) {
                    return false;
                }
                if (timestamp > maxTimestamp) {
                    maxTimestamp = timestamp;
                    offsetDeltaOfMaxTimestamp = i;
                }
            }
            return in.p == in.limit;
        }

        ValidatedBatch result(long uncompressedBytes) {
            return new ValidatedBatch(batch, count, maxTimestamp, offsetDeltaOfMaxTimestamp, uncompressedBytes);
        }
    }

    /**
     * A cursor over one region for {@link Pass#scanWellFormed}: zig-zag varints read with absolute
     * gets, a one-byte value without a loop. Running off the region, or a varint longer than its
     * type allows, sets {@code bad} instead of throwing.
     */
    private static final class Scan {
        private final ByteBuffer b;
        final int limit;
        int p;
        boolean bad;

        Scan(ByteBuffer b) {
            this.b = b;
            this.limit = b.limit();
        }

        int varint() {
            if (p < limit) {
                int x = b.get(p);
                if (x >= 0) { // one byte: most lengths, deltas and counts
                    p++;
                    return Varints.unZigZag(x);
                }
            }
            // The fifth byte's high bits fall off the int, as in the full parser.
            return Varints.unZigZag((int) raw(Varints.MAX_VARINT_BYTES));
        }

        long varlong() {
            return Varints.unZigZag(raw(Varints.MAX_VARLONG_BYTES));
        }

        /** The raw (zig-zag encoded) bits of a varint of at most {@code maxBytes} bytes. */
        private long raw(int maxBytes) {
            if (p >= limit) {
                bad = true;
                return 0;
            }
            long x = b.get(p++);
            if (x >= 0) {
                return x;
            }
            long raw = x & 0x7F;
            for (int shift = 7; shift < 7 * maxBytes; shift += 7) {
                if (p >= limit) {
                    bad = true;
                    return 0;
                }
                x = b.get(p++);
                raw |= (x & 0x7F) << shift;
                if (x >= 0) {
                    return raw;
                }
            }
            bad = true;
            return 0;
        }

        /** Skips a length-prefixed field of {@code length} bytes (at least {@code min}) inside the record ending at {@code end}. */
        boolean skip(int length, int min, int end) {
            if (length < min || length > end - p) {
                return false;
            }
            if (length > 0) {
                p += length;
            }
            return true;
        }
    }
}

package io.tributary.spi.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Rewrites a stored v2 batch keeping only some of its records, as compaction does, and nothing
 * else about it: the base offset and the last offset delta stay (so the batch still ends where it
 * ended and a producer's last sequence number survives), as do the leader epoch, the producer
 * fields, the attributes and the codec. Each kept record keeps its offset delta and timestamp;
 * its timestamp delta is re-based on the new base timestamp, which is the first kept record's
 * timestamp, or the delete horizon when one is given (attribute bit 6, {@link
 * RecordBatchLayout#DELETE_HORIZON_FLAG}, Kafka's KIP-534). The CRC is recomputed.
 *
 * <p>Usage: {@link #begin}, {@link #keep} for each record to keep (from a {@link RecordCursor}
 * over the batch's uncompressed records), then {@link #finish}. Reuse one instance; it keeps its
 * scratch buffers. Not thread-safe.
 *
 * <p>This lives in the SPI because every storage engine must compact (the storage TCK checks
 * it) and needs exactly this, on nothing but {@code java.base}.
 */
public final class BatchRewriter {
    private ByteBuffer batch;
    private int batchStart;
    private long originalBaseTimestamp;
    private ByteBuffer section;

    private int count;
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private int[] offsetDeltas = new int[64];
    private byte[] attributes = new byte[64];
    private long[] timestamps = new long[64];
    private long firstTimestamp;
    private long maxTimestamp;
    private ByteBuffer scratch = ByteBuffer.allocate(0);

    /**
     * Starts rewriting the batch at {@code batchStart} in {@code batch}, whose records section
     * (uncompressed) is {@code section}; both must stay unchanged until {@link #finish}.
     */
    public BatchRewriter begin(ByteBuffer batch, int batchStart, ByteBuffer section) {
        this.batch = batch;
        this.batchStart = batchStart;
        this.section = section;
        this.originalBaseTimestamp = RecordBatchLayout.baseTimestamp(batch, batchStart);
        this.count = 0;
        this.firstTimestamp = -1;
        this.maxTimestamp = -1;
        return this;
    }

    /** Keeps the record the cursor is on (a cursor over this batch's {@code section}). */
    public void keep(RecordCursor record) {
        if (count == starts.length) {
            int n = count * 2;
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            offsetDeltas = Arrays.copyOf(offsetDeltas, n);
            attributes = Arrays.copyOf(attributes, n);
            timestamps = Arrays.copyOf(timestamps, n);
        }
        long timestamp = originalBaseTimestamp + record.timestampDelta();
        starts[count] = record.afterOffsetDelta();
        ends[count] = record.recordEnd();
        offsetDeltas[count] = record.offsetDelta();
        attributes[count] = record.attributes();
        timestamps[count] = timestamp;
        if (count == 0) {
            firstTimestamp = timestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        count++;
    }

    /** How many records are kept so far. */
    public int keptCount() {
        return count;
    }

    /**
     * Writes the batch with the kept records (at least one) at {@code out}'s position and
     * advances it.
     *
     * @param deleteHorizonMs the delete horizon to stamp, or -1 for none
     * @param codec compresses the records again when the batch was compressed
     * @return the new batch, a big-endian buffer of its own (position 0)
     * @throws IOException if compressing fails
     */
    public ByteBuffer finish(long deleteHorizonMs, BatchCodec codec) throws IOException {
        if (count == 0) {
            throw new IllegalStateException("no record kept: write an empty batch with emptyBatch(...)");
        }
        long baseTimestamp = deleteHorizonMs >= 0 ? deleteHorizonMs : firstTimestamp;
        int bound = 0;
        for (int i = 0; i < count; i++) {
            bound += 5 + 1 + 10 + 5 + (ends[i] - starts[i]);
        }
        if (scratch.capacity() < bound) {
            scratch = ByteBuffer.allocate(Math.max(bound, Math.min(scratch.capacity() * 2, 1 << 20)));
        }
        ByteBuffer records = scratch.clear();
        for (int i = 0; i < count; i++) {
            long delta = timestamps[i] - baseTimestamp;
            int rest = ends[i] - starts[i];
            int bodySize = 1 + RecordCursor.sizeOfVarlong(delta) + RecordCursor.sizeOfVarlong(offsetDeltas[i]) + rest;
            RecordCursor.writeVarlong(records, bodySize);
            records.put(attributes[i]);
            RecordCursor.writeVarlong(records, delta);
            RecordCursor.writeVarlong(records, offsetDeltas[i]);
            records.put(records.position(), section, starts[i], rest);
            records.position(records.position() + rest);
        }
        records.flip();
        short attrs = RecordBatchLayout.attributes(batch, batchStart);
        int compression = attrs & RecordBatchLayout.COMPRESSION_MASK;
        ByteBuffer body = compression == 0 ? records : codec.compress(compression, records);
        int newAttributes = deleteHorizonMs >= 0
                ? attrs | RecordBatchLayout.DELETE_HORIZON_FLAG
                : attrs & ~RecordBatchLayout.DELETE_HORIZON_FLAG;
        boolean logAppendTime = (attrs & RecordBatchLayout.LOG_APPEND_TIME_FLAG) != 0;
        long max = logAppendTime ? RecordBatchLayout.maxTimestamp(batch, batchStart) : maxTimestamp;
        ByteBuffer out = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE + body.remaining());
        writeHeader(out, newAttributes, baseTimestamp, max, count, body.remaining());
        out.put(RecordBatchLayout.HEADER_SIZE, body, body.position(), body.remaining());
        return seal(out);
    }

    /**
     * The batch at {@code batchStart} of {@code batch} with no record left: its header only, as
     * Kafka keeps the last batch of a producer whose records were all compacted away. Same base
     * offset, last offset delta, epochs, producer fields and sequence; no codec (nothing to
     * compress); base and max timestamp the original max timestamp.
     */
    public static ByteBuffer emptyBatch(ByteBuffer batch, int batchStart) {
        short attrs = RecordBatchLayout.attributes(batch, batchStart);
        int newAttributes = attrs & ~(RecordBatchLayout.COMPRESSION_MASK | RecordBatchLayout.DELETE_HORIZON_FLAG);
        long max = RecordBatchLayout.maxTimestamp(batch, batchStart);
        ByteBuffer out = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE);
        new BatchRewriter().begin(batch, batchStart, null).writeHeader(out, newAttributes, max, max, 0, 0);
        return seal(out);
    }

    private BatchRewriter writeHeader(
            ByteBuffer out, int newAttributes, long baseTimestamp, long max, int records, int bodySize) {
        out.putLong(RecordBatchLayout.BASE_OFFSET, RecordBatchLayout.baseOffset(batch, batchStart))
                .putInt(
                        RecordBatchLayout.BATCH_LENGTH,
                        RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD + bodySize)
                .putInt(
                        RecordBatchLayout.PARTITION_LEADER_EPOCH,
                        RecordBatchLayout.partitionLeaderEpoch(batch, batchStart))
                .put(RecordBatchLayout.MAGIC, RecordBatchLayout.CURRENT_MAGIC)
                .putShort(RecordBatchLayout.ATTRIBUTES, (short) newAttributes)
                .putInt(RecordBatchLayout.LAST_OFFSET_DELTA, RecordBatchLayout.lastOffsetDelta(batch, batchStart))
                .putLong(RecordBatchLayout.BASE_TIMESTAMP, baseTimestamp)
                .putLong(RecordBatchLayout.MAX_TIMESTAMP, max)
                .putLong(RecordBatchLayout.PRODUCER_ID, RecordBatchLayout.producerId(batch, batchStart))
                .putShort(RecordBatchLayout.PRODUCER_EPOCH, RecordBatchLayout.producerEpoch(batch, batchStart))
                .putInt(RecordBatchLayout.BASE_SEQUENCE, RecordBatchLayout.baseSequence(batch, batchStart))
                .putInt(RecordBatchLayout.RECORDS_COUNT, records);
        return this;
    }

    private static ByteBuffer seal(ByteBuffer out) {
        CRC32C crc = new CRC32C();
        crc.update(out.slice(RecordBatchLayout.ATTRIBUTES, out.capacity() - RecordBatchLayout.ATTRIBUTES));
        out.putInt(RecordBatchLayout.CRC, (int) crc.getValue());
        return out.position(0).limit(out.capacity());
    }
}

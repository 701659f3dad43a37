package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.NoSuchElementException;

/**
 * Iterates one batch's records. Uncompressed records are parsed in place and viewed; compressed
 * ones are pulled from the decompressor one at a time, each into an array of its own size (grown
 * as its bytes arrive, so a record claiming more than the data holds allocates only what is
 * there).
 */
final class BatchRecordIterator implements RecordIterator {
    private final RecordBatch batch;
    private final RecordParser parser;
    private final int count;
    private final long baseOffset;
    private final long baseTimestamp;
    private final boolean logAppendTime;
    private final long maxTimestamp;
    private final int baseSequence;
    private final RecordInput.OfBuf plain;
    private final RecordInput.OfStream stream;
    private int index;
    private boolean done;

    BatchRecordIterator(RecordBatch batch) {
        this.batch = batch;
        RecordBatch.checkMagic(batch.magic(), batch.describe());
        CompressionType codec = batch.compressionType();
        this.count = batch.recordsCount();
        if (count < 0) {
            throw new CorruptRecordException(batch.describe() + " declares a negative record count " + count);
        }
        this.parser = new RecordParser(batch);
        this.baseOffset = batch.baseOffset();
        this.baseTimestamp = batch.baseTimestamp();
        this.logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
        this.maxTimestamp = batch.maxTimestamp();
        this.baseSequence = batch.baseSequence();
        int start = batch.index() + RecordBatch.HEADER_SIZE;
        int end = batch.index() + batch.sizeInBytes();
        if (codec == CompressionType.NONE) {
            this.plain = new RecordInput.OfBuf(batch.buffer(), start, end);
            this.stream = null;
        } else {
            this.plain = null;
            this.stream = openStream(batch, codec, start, end, Long.MAX_VALUE);
        }
    }

    /** Opens the decompressed view of a batch's records. */
    static RecordInput.OfStream openStream(
            RecordBatch batch, CompressionType codec, int start, int end, long maxUncompressedBytes) {
        ByteBufInputStream compressed = new ByteBufInputStream(batch.buffer().slice(start, end - start));
        try {
            return new RecordInput.OfStream(codec.wrapForInput(compressed), batch, maxUncompressedBytes);
        } catch (IOException | RuntimeException e) {
            throw new CorruptRecordException(
                    batch.describe() + ": its " + codec + " data could not be decompressed: " + e.getMessage(),
                    RecordException.NO_RECORD,
                    e);
        }
    }

    @Override
    public boolean hasNext() {
        if (done) {
            return false;
        }
        if (index < count) {
            return true;
        }
        try {
            checkNothingAfterLastRecord();
        } finally {
            close();
        }
        return false;
    }

    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int i = index;
        try {
            Record record = stream == null ? nextPlain(i) : nextDecompressed(i);
            index++;
            return record;
        } catch (IOException e) {
            close();
            throw decompressionFailure(batch, i, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        done = true;
        if (stream != null) {
            stream.close();
        }
    }

    private Record nextPlain(int i) throws IOException {
        int length = parser.readLength(plain, i);
        if (length < 0) {
            throw parser.corrupt(i, "the batch declares " + count + " records but holds only " + i);
        }
        parser.parseBody(plain, i, length);
        return newRecord(batch.buffer());
    }

    private Record nextDecompressed(int i) throws IOException {
        int length = parser.readLength(stream, i);
        if (length < 0) {
            throw parser.corrupt(i, "the batch declares " + count + " records but its data holds only " + i);
        }
        long start = stream.position();
        byte[] body = stream.readExactly(length);
        if (body == null) {
            throw parser.corrupt(
                    i,
                    "record length " + length + " exceeds the " + (stream.position() - start)
                            + " decompressed bytes left in the batch");
        }
        ByteBuf bodyBuf = Unpooled.wrappedBuffer(body);
        parser.parseBody(new RecordInput.OfBuf(bodyBuf, 0, length), i, length);
        return newRecord(bodyBuf);
    }

    private Record newRecord(ByteBuf buf) {
        long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + parser.timestampDelta;
        int sequence = baseSequence == RecordBatch.NO_SEQUENCE
                ? -1
                : RecordBatch.addSequence(baseSequence, parser.offsetDelta);
        return new Record(buf, parser, baseOffset + parser.offsetDelta, timestamp, sequence);
    }

    private void checkNothingAfterLastRecord() {
        if (stream == null) {
            long left = plain.limit() - plain.position();
            if (left != 0) {
                throw new CorruptRecordException(
                        batch.describe() + ": " + left + " bytes follow the last of its " + count + " records");
            }
            return;
        }
        try {
            if (!stream.atEnd()) {
                throw new CorruptRecordException(
                        batch.describe() + ": decompressed data continues after the last of its " + count + " records");
            }
        } catch (IOException e) {
            throw decompressionFailure(batch, RecordException.NO_RECORD, e);
        }
    }

    static CorruptRecordException decompressionFailure(RecordBatch batch, int recordIndex, IOException e) {
        String where = recordIndex == RecordException.NO_RECORD ? "" : ", record " + recordIndex;
        return new CorruptRecordException(
                batch.describe() + where + ": " + batch.compressionType() + " data could not be decompressed: "
                        + e.getMessage(),
                recordIndex,
                e);
    }
}

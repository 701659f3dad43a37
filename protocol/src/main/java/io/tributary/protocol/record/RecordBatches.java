package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The batches of a region of a {@link ByteBuf} that holds v2 batches back to back, as a fetch
 * response or a log segment does. A fetch may end inside a batch: such a last, incomplete batch
 * is not an error; iteration stops before it and {@link #partialBatchBytes()} reports it.
 * Bytes that cannot be the start of a v2 batch (a batch length below the header size, a
 * magic other than 2) are an error.
 *
 * <p>A view: nothing is copied or retained, and the buffer's indexes are not moved. The caller
 * keeps the buffer alive while the batches are used. Immutable; its iterators are not
 * thread-safe.
 */
public final class RecordBatches implements Iterable<RecordBatch> {
    private final ByteBuf buf;
    private final int start;
    private final int end;

    private RecordBatches(ByteBuf buf, int start, int end) {
        this.buf = buf;
        this.start = start;
        this.end = end;
    }

    /** The batches in {@code buf}'s readable bytes. */
    public static RecordBatches of(ByteBuf buf) {
        return new RecordBatches(buf, buf.readerIndex(), buf.writerIndex());
    }

    /**
     * The batches in {@code buf[index, index + length)}.
     *
     * @throws IndexOutOfBoundsException unless the region lies within {@code [0, writerIndex)}
     */
    public static RecordBatches of(ByteBuf buf, int index, int length) {
        Objects.checkFromIndexSize(index, length, buf.writerIndex());
        return new RecordBatches(buf, index, index + length);
    }

    /**
     * Iterates the complete batches, in order. {@code hasNext()} throws {@link RecordException}
     * when the next bytes cannot start a v2 batch (see {@link RecordBatch#wrap(ByteBuf, int)}).
     * The batches are not CRC-checked; call {@link RecordBatch#ensureValid()} as needed.
     */
    @Override
    public Iterator<RecordBatch> iterator() {
        return new Iterator<>() {
            private int position = start;
            private int nextSize = -2; // -2: not looked at yet

            @Override
            public boolean hasNext() {
                if (nextSize == -2) {
                    nextSize = position < end ? RecordBatch.sizeOfBatchAt(buf, position, end) : -1;
                }
                return nextSize > 0;
            }

            @Override
            public RecordBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                RecordBatch batch = RecordBatch.wrapChecked(buf, position);
                position += nextSize;
                nextSize = -2;
                return batch;
            }
        };
    }

    /** Bytes in the complete batches at the start of the region. Scans the batch headers. */
    public int validBytes() {
        int position = start;
        int size;
        while (position < end && (size = RecordBatch.sizeOfBatchAt(buf, position, end)) > 0) {
            position += size;
        }
        return position - start;
    }

    /** Bytes of an incomplete last batch, 0 if the region ends exactly after a batch. */
    public int partialBatchBytes() {
        return end - start - validBytes();
    }

    /** Whether the region ends inside a batch. */
    public boolean hasPartialBatch() {
        return partialBatchBytes() > 0;
    }

    /** The size of the region. */
    public int sizeInBytes() {
        return end - start;
    }
}

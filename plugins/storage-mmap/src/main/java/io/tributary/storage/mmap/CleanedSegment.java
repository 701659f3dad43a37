package io.tributary.storage.mmap;

import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.IoThrottle;
import io.tributary.spi.storage.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of compacting one group of segments: a new segment with the group's first base
 * offset, written under temporary names ({@code <base>.log.cleaned}, {@code .index.cleaned},
 * {@code .timeindex.cleaned}, {@code .txnindex.cleaned}) that loading deletes unless a swap
 * manifest names them. Batches are written through a buffer; the indexes follow the writer's
 * rule ({@link IndexBuilder}), so they are the ones appending these batches would have made.
 * Not thread-safe.
 */
final class CleanedSegment implements AutoCloseable {
    private final Path dir;
    private final long baseOffset;
    private final IoThrottle throttle;
    private final FileChannel channel;
    private final ByteBuffer out;
    private final IndexBuilder index;
    private final List<AbortedTxn> txns = new ArrayList<>();
    private long size;
    private long nextOffset;
    private long bytesWritten;
    private boolean closed;

    CleanedSegment(Path dir, long baseOffset, int indexIntervalBytes, int ioBytes, IoThrottle throttle)
            throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.throttle = throttle;
        this.nextOffset = baseOffset;
        this.index = new IndexBuilder(baseOffset, indexIntervalBytes);
        this.out = ByteBuffer.allocate(ioBytes);
        this.channel = FileChannel.open(
                file(LogFiles.LOG),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The temporary file of one of the new segment's parts. */
    Path file(String suffix) {
        return dir.resolve(LogFiles.offsetName(baseOffset) + suffix + LogFiles.CLEANED);
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Appends a whole batch ({@code size} bytes at {@code start} of {@code batch}). */
    void append(ByteBuffer batch, int start, int batchSize) throws IOException {
        long last = RecordBatchLayout.lastOffset(batch, start);
        index.add(
                RecordBatchLayout.baseOffset(batch, start),
                last,
                (int) size,
                batchSize,
                RecordBatchLayout.maxTimestamp(batch, start),
                RecordBatchLayout.partitionLeaderEpoch(batch, start));
        if (out.remaining() < batchSize) {
            flush();
        }
        if (batchSize > out.capacity()) {
            writeFully(batch.slice(start, batchSize));
        } else {
            out.put(out.position(), batch, start, batchSize);
            out.position(out.position() + batchSize);
        }
        size += batchSize;
        nextOffset = last + 1;
    }

    /** Appends a whole batch held alone in {@code batch} (position 0 to limit). */
    void append(ByteBuffer batch) throws IOException {
        append(batch, 0, batch.limit());
    }

    /** Keeps an aborted transaction whose marker stays in this segment. */
    void keepAbortedTxn(AbortedTxn txn) {
        txns.add(txn);
    }

    boolean hasAbortedTxns() {
        return !txns.isEmpty();
    }

    long size() {
        return size;
    }

    long nextOffset() {
        return nextOffset;
    }

    IndexBuilder index() {
        return index;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    private void flush() throws IOException {
        out.flip();
        writeFully(out);
        out.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            int n = channel.write(b);
            bytesWritten += n;
            throttle.onIo(n);
        }
    }

    /**
     * Writes what is buffered, the indexes and the transaction index, and forces every file: the
     * new segment is durable before any swap names it.
     */
    void finish() throws IOException {
        flush();
        channel.force(true);
        channel.close();
        closed = true;
        writeDurably(file(LogFiles.INDEX), IndexFormat.offsetFile(index));
        writeDurably(file(LogFiles.TIME_INDEX), IndexFormat.timeFile(index));
        if (!txns.isEmpty()) {
            writeDurably(file(LogFiles.TXN_INDEX), Segment.txnFile(txns));
        }
    }

    private void writeDurably(Path file, ByteBuffer content) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                int n = ch.write(content);
                bytesWritten += n;
                throttle.onIo(n);
            }
            ch.force(true);
        }
    }

    /** Deletes the temporary files (a pass that gave up, or found nothing to change). */
    void discard() throws IOException {
        close();
        for (String suffix : List.of(LogFiles.LOG, LogFiles.INDEX, LogFiles.TIME_INDEX, LogFiles.TXN_INDEX)) {
            Files.deleteIfExists(file(suffix));
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
        }
    }
}

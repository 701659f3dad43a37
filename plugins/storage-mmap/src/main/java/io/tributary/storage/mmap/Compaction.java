package io.tributary.storage.mmap;

import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.BatchCodec;
import io.tributary.spi.storage.BatchRewriter;
import io.tributary.spi.storage.CompactionRequest;
import io.tributary.spi.storage.CompactionResult;
import io.tributary.spi.storage.CorruptRecordException;
import io.tributary.spi.storage.LogConfig;
import io.tributary.spi.storage.RecordBatchLayout;
import io.tributary.spi.storage.RecordCursor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * One compaction pass over a partition log (Kafka's log cleaner, in this engine's terms). Runs on
 * the caller's (background) thread while the writer appends and readers read:
 *
 * <ol>
 *   <li>{@link MmapPartitionLog#compactionView} fixes the segments it works on: the non-active
 *       segments wholly below the first uncleanable offset;
 *   <li>the key map ({@link OffsetMap}) takes the last offset of every key in the dirty part
 *       (from the cleaner checkpoint on), skipping aborted transactions and control batches,
 *       until the map is full or the dirty part ends;
 *   <li>every segment from the log start up to the end of what the map covers is rewritten, in
 *       groups that fit in one segment, into {@link CleanedSegment}s, each swapped in for its
 *       group atomically ({@link MmapPartitionLog#swapIn}); a single segment found unchanged is
 *       left alone;
 *   <li>the cleaner checkpoint moves to the end of the map.
 * </ol>
 *
 * Nothing a reader or the writer uses is changed before a swap, and a swap that finds its group
 * changed (truncated, deleted by retention) gives up. Not thread-safe: one pass per log at a
 * time ({@link MmapPartitionLog} ensures it).
 */
final class Compaction {
    private static final int IO_BYTES = 1 << 20;
    private static final int ABORT = 0;
    private static final int COMMIT = 1;

    private final MmapPartitionLog log;
    private final CompactionRequest request;
    private final LogConfig config;
    private final BatchCodec codec;
    private final BatchReader reader;
    private final RecordCursor cursor = new RecordCursor();
    private final BatchRewriter rewriter = new BatchRewriter();

    private long bytesWritten;
    private long sizeBefore;
    private long sizeAfter;
    private long recordsRemoved;
    /** The earliest delete horizon of a kept batch that still holds a tombstone or a marker. */
    private long earliestHorizon = Long.MAX_VALUE;

    Compaction(MmapPartitionLog log, CompactionRequest request, LogConfig config) {
        this.log = log;
        this.request = request;
        this.config = config;
        this.codec = request.codec();
        this.reader = new BatchReader(IO_BYTES, request.throttle());
    }

    /** The segments a pass may work on, and where its dirty part starts. */
    record View(List<Segment> cleanable, List<Integer> sizes, long logStart, long firstDirty, long cleanableEnd) {}

    CompactionResult run() throws IOException {
        long now = request.nowMs();
        View view = log.compactionView(now, request.maxOffset());
        if (view == null || view.cleanable().isEmpty()) {
            return CompactionResult.notNeeded(log.firstDirtyOffset());
        }
        if (!due(view, now)) {
            return CompactionResult.notNeeded(view.firstDirty());
        }
        List<Segment> pinned = new ArrayList<>();
        try {
            for (Segment s : view.cleanable()) {
                if (!s.tryPin()) {
                    return CompactionResult.aborted(view.firstDirty());
                }
                pinned.add(s);
            }
            OffsetMap map =
                    new OffsetMap(request.offsetMapBytes(), Math.max(1, view.cleanableEnd() - view.firstDirty()));
            long mapEnd = buildMap(view, map);
            if (mapEnd < 0) {
                return CompactionResult.aborted(view.firstDirty());
            }
            if (!clean(view, map, mapEnd, now)) {
                return CompactionResult.aborted(view.firstDirty());
            }
            log.compacted(mapEnd, earliestHorizon);
            return new CompactionResult(
                    CompactionResult.Outcome.COMPACTED,
                    mapEnd,
                    reader.bytesRead(),
                    bytesWritten,
                    sizeBefore,
                    sizeAfter,
                    recordsRemoved);
        } catch (InterruptedIOException | ClosedByInterruptException e) {
            // The cleaner is stopping: the pass gives up (its channels were its own).
            Thread.currentThread().interrupt();
            return CompactionResult.aborted(view.firstDirty());
        } catch (IOException e) {
            if (!log.stillHolds(view)) {
                // truncated or deleted under the pass (a shorter file than it expected): not an error
                return CompactionResult.aborted(view.firstDirty());
            }
            throw e;
        } finally {
            for (Segment s : pinned) {
                s.unpin();
            }
        }
    }

    /**
     * Kafka's triggers: the dirty share above {@code min.cleanable.dirty.ratio}, a dirty record
     * older than {@code max.compaction.lag.ms}, or a delete horizon that has passed.
     */
    private boolean due(View view, long now) throws IOException {
        long clean = 0;
        long dirty = 0;
        Segment firstDirtySegment = null;
        List<Segment> segments = view.cleanable();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            long next = i + 1 < segments.size() ? segments.get(i + 1).baseOffset : view.cleanableEnd();
            if (next <= view.firstDirty()) {
                clean += view.sizes().get(i);
            } else {
                dirty += view.sizes().get(i);
                if (firstDirtySegment == null) {
                    firstDirtySegment = s;
                }
            }
        }
        if (log.earliestDeleteHorizon() <= now) {
            return true;
        }
        if (dirty == 0) {
            return false;
        }
        if ((double) dirty / (clean + dirty) > config.minCleanableDirtyRatio()) {
            return true;
        }
        long maxLag = config.maxCompactionLagMs();
        if (maxLag != Long.MAX_VALUE && firstDirtySegment != null) {
            long first = firstDirtySegment.firstBatchTimestamp();
            return first >= 0 && first < now - maxLag;
        }
        return false;
    }

    // ------------------------------------------------------------------ the key map

    /**
     * Puts the keys of the dirty part into the map, in offset order.
     *
     * @return the offset the map covers up to (exclusive), or -1 when not even one batch fit
     */
    private long buildMap(View view, OffsetMap map) throws IOException {
        Transactions txns = new Transactions(log.abortedTransactions(view.firstDirty(), view.cleanableEnd()));
        List<Segment> segments = view.cleanable();
        long mapEnd = view.firstDirty();
        boolean full = false;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            long next = i + 1 < segments.size() ? segments.get(i + 1).baseOffset : view.cleanableEnd();
            if (next <= view.firstDirty()) {
                continue;
            }
            try (FileChannel ch = s.openForRead()) {
                reader.reset(ch, view.sizes().get(i));
                while (reader.next()) {
                    checkInterrupt();
                    ByteBuffer b = reader.buffer();
                    int start = reader.start();
                    long last = RecordBatchLayout.lastOffset(b, start);
                    if (last < view.firstDirty()) {
                        continue;
                    }
                    if (RecordBatchLayout.isControl(b, start)) {
                        txns.onControl(b, start, controlType(b, start));
                    } else if (!txns.onData(b, start) && !mapBatch(b, start, map)) {
                        full = true;
                        break;
                    }
                    mapEnd = last + 1;
                }
            }
            if (full) {
                // Not even one batch fit: the map is too small for this log.
                return mapEnd > view.firstDirty() ? mapEnd : -1;
            }
            mapEnd = Math.max(mapEnd, next);
        }
        return mapEnd;
    }

    /** Puts a data batch's keys in the map; false (nothing put) when they might not fit. */
    private boolean mapBatch(ByteBuffer b, int start, OffsetMap map) throws IOException {
        int count = RecordBatchLayout.recordsCount(b, start);
        if (!map.hasRoomFor(count)) {
            return false;
        }
        ByteBuffer records = records(b, start);
        if (records == null) {
            return true; // a codec we cannot open: its keys stay out of the map, the batch stays whole
        }
        long base = RecordBatchLayout.baseOffset(b, start);
        cursor.reset(records, count);
        while (cursor.next()) {
            if (cursor.hasKey()) {
                map.put(records, cursor.keyPosition(), cursor.keyLength(), base + cursor.offsetDelta());
            }
        }
        return true;
    }

    /** The batch's records section, uncompressed; null when its codec is not supported. */
    private ByteBuffer records(ByteBuffer b, int start) throws IOException {
        int size = RecordBatchLayout.totalSize(b, start);
        ByteBuffer section = b.slice(start + RecordBatchLayout.HEADER_SIZE, size - RecordBatchLayout.HEADER_SIZE);
        int compression = RecordBatchLayout.compression(b, start);
        if (compression == 0) {
            return section;
        }
        if (!codec.supports(compression)) {
            return null;
        }
        return codec.decompress(compression, section);
    }

    // ------------------------------------------------------------------ cleaning

    private boolean clean(View view, OffsetMap map, long mapEnd, long now) throws IOException {
        // Every aborted transaction of the segments walked, including those past the map's end:
        // their data and markers must be recognised wherever the walk meets them.
        Transactions txns = new Transactions(log.abortedTransactions(view.logStart(), view.cleanableEnd()));
        List<Segment> segments = view.cleanable();
        int i = 0;
        while (i < segments.size() && segments.get(i).baseOffset < mapEnd) {
            i = cleanGroup(view, i, map, mapEnd, now, txns);
            if (i < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Rewrites segments from {@code from} on into one new segment, taking the next one while what
     * is written plus that segment (an upper bound of what it adds) fits in {@code segment.bytes}
     * and its offsets fit the relative offsets of an index, then swaps the new segment in.
     *
     * @return the index of the first segment not taken, or -1 when the swap gave up
     */
    private int cleanGroup(View view, int from, OffsetMap map, long mapEnd, long now, Transactions txns)
            throws IOException {
        List<Segment> segments = view.cleanable();
        Segment first = segments.get(from);
        CleanedSegment out = new CleanedSegment(
                log.dir(), first.baseOffset, config.indexIntervalBytes(), IO_BYTES, request.throttle());
        boolean swapped = false;
        try {
            boolean changed = false;
            long before = 0;
            int to = from;
            do {
                Segment s = segments.get(to);
                int limit = view.sizes().get(to);
                before += limit;
                try (FileChannel ch = s.openForRead()) {
                    reader.reset(ch, limit);
                    while (reader.next()) {
                        checkInterrupt();
                        changed |= cleanBatch(
                                reader.buffer(),
                                reader.start(),
                                reader.size(),
                                view.logStart(),
                                map,
                                mapEnd,
                                now,
                                txns,
                                out);
                    }
                }
                to++;
            } while (to < segments.size()
                    && segments.get(to).baseOffset < mapEnd
                    && out.size() + view.sizes().get(to) <= config.segmentBytes()
                    && nextBase(view, to) - 1 - first.baseOffset <= Integer.MAX_VALUE);
            changed |= to - from > 1;
            if (!changed) {
                return to;
            }
            out.finish();
            bytesWritten += out.bytesWritten();
            if (!log.swapIn(segments.subList(from, to), view.sizes().subList(from, to), out)) {
                return -1;
            }
            swapped = true;
            sizeBefore += before;
            sizeAfter += out.size();
            return to;
        } finally {
            if (!swapped) {
                out.discard();
            }
        }
    }

    /** The offset after segment {@code i} of the view: the next one's base, or the view's end. */
    private static long nextBase(View view, int i) {
        return i + 1 < view.cleanable().size() ? view.cleanable().get(i + 1).baseOffset : view.cleanableEnd();
    }

    /**
     * Applies the rules to one batch and writes what remains of it to {@code out}.
     *
     * @return whether the batch was changed or dropped
     */
    private boolean cleanBatch(
            ByteBuffer b,
            int start,
            int size,
            long logStart,
            OffsetMap map,
            long mapEnd,
            long now,
            Transactions txns,
            CleanedSegment out)
            throws IOException {
        int count = RecordBatchLayout.recordsCount(b, start);
        if (RecordBatchLayout.lastOffset(b, start) < logStart) {
            // below the log start offset: never served again (retention or DeleteRecords)
            recordsRemoved += count;
            return true;
        }
        long producerId = RecordBatchLayout.producerId(b, start);
        boolean producersLast = producerId >= 0
                && request.activeProducers().getOrDefault(producerId, Long.MIN_VALUE)
                        == RecordBatchLayout.lastOffset(b, start);
        long horizon = RecordBatchLayout.deleteHorizonMs(b, start);
        if (RecordBatchLayout.isControl(b, start)) {
            int type = controlType(b, start);
            boolean discardable = txns.onControl(b, start, type);
            AbortedTxn retained = txns.lastRetainedAbort();
            if (!discardable) {
                if (retained != null) {
                    out.keepAbortedTxn(retained);
                }
                out.append(b, start, size);
                return false;
            }
            if (count == 0 || (horizon >= 0 && horizon <= now)) {
                // an emptied marker has nothing left to delay (Kafka drops empty batches)
                return drop(b, start, count, producersLast, out);
            }
            if (horizon >= 0) {
                out.append(b, start, size);
                noteHorizon(horizon);
                return false;
            }
            // Safe to remove once delete.retention.ms has passed: stamp the horizon now.
            long newHorizon = now + config.deleteRetentionMs();
            ByteBuffer section = records(b, start);
            if (section == null || count == 0) {
                out.append(b, start, size);
                return false;
            }
            rewriter.begin(b, start, section);
            cursor.reset(section, count);
            while (cursor.next()) {
                rewriter.keep(cursor);
            }
            out.append(rewriter.finish(newHorizon, codec));
            noteHorizon(newHorizon);
            return true;
        }
        if (txns.onData(b, start)) {
            return drop(b, start, count, producersLast, out);
        }
        ByteBuffer section = records(b, start);
        if (section == null) {
            out.append(b, start, size);
            return false;
        }
        long base = RecordBatchLayout.baseOffset(b, start);
        boolean deletesDue = horizon >= 0 && horizon <= now;
        rewriter.begin(b, start, section);
        cursor.reset(section, count);
        boolean tombstones = false;
        boolean expiringTombstones = false;
        while (cursor.next()) {
            long offset = base + cursor.offsetDelta();
            boolean keep;
            if (offset >= mapEnd) {
                keep = true;
            } else if (!cursor.hasKey()) {
                keep = false;
            } else {
                long latest = map.get(section, cursor.keyPosition(), cursor.keyLength());
                keep = offset >= latest && (cursor.hasValue() || !deletesDue);
            }
            if (keep) {
                rewriter.keep(cursor);
                tombstones |= !cursor.hasValue();
                // only tombstones the map covers can go when their horizon passes
                expiringTombstones |= !cursor.hasValue() && offset < mapEnd;
            }
        }
        int kept = rewriter.keptCount();
        recordsRemoved += count - kept;
        if (kept == 0) {
            return drop(b, start, 0, producersLast, out) || count > 0;
        }
        boolean needsHorizon = tombstones && horizon < 0;
        if (kept == count && !needsHorizon) {
            out.append(b, start, size);
            if (expiringTombstones) {
                noteHorizon(horizon);
            }
            return false;
        }
        long newHorizon = needsHorizon ? now + config.deleteRetentionMs() : horizon;
        out.append(rewriter.finish(newHorizon, codec));
        if (expiringTombstones) {
            noteHorizon(newHorizon);
        }
        return true;
    }

    /**
     * Removes a batch's records: the batch goes, unless it holds an active producer's last
     * offset, which is kept as an empty batch.
     *
     * @return true (the batch changed)
     */
    private boolean drop(ByteBuffer b, int start, int records, boolean producersLast, CleanedSegment out)
            throws IOException {
        recordsRemoved += records;
        if (producersLast) {
            if (RecordBatchLayout.recordsCount(b, start) == 0) {
                out.append(b, start, RecordBatchLayout.totalSize(b, start));
                return false;
            }
            out.append(BatchRewriter.emptyBatch(b, start));
        }
        return true;
    }

    private void noteHorizon(long horizon) {
        if (horizon >= 0) {
            earliestHorizon = Math.min(earliestHorizon, horizon);
        }
    }

    /** The control record type (0 abort, 1 commit) of a control batch, or -1 when it has no record. */
    private int controlType(ByteBuffer b, int start) {
        int count = RecordBatchLayout.recordsCount(b, start);
        if (count == 0 || RecordBatchLayout.compression(b, start) != 0) {
            return -1;
        }
        int size = RecordBatchLayout.totalSize(b, start);
        ByteBuffer section = b.slice(start + RecordBatchLayout.HEADER_SIZE, size - RecordBatchLayout.HEADER_SIZE);
        cursor.reset(section, count);
        try {
            if (!cursor.next() || cursor.keyLength() < 4) {
                return -1;
            }
        } catch (CorruptRecordException e) {
            return -1;
        }
        return section.getShort(cursor.keyPosition() + 2);
    }

    private static void checkInterrupt() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("compaction interrupted");
        }
    }

    /**
     * What the pass knows of transactions while it walks the log in offset order: which
     * producers are inside an aborted transaction (from the aborted-transaction index), and which
     * have committed-transaction data since their last marker (Kafka's rules for markers).
     */
    private static final class Transactions {
        private final PriorityQueue<AbortedTxn> pending =
                new PriorityQueue<>(Comparator.comparingLong(AbortedTxn::firstOffset));
        /** Producer → its aborted transaction under way, with whether data of it was seen. */
        private final Map<Long, Object[]> aborting = new HashMap<>();

        private final Set<Long> committing = new HashSet<>();
        private AbortedTxn lastRetainedAbort;

        Transactions(List<AbortedTxn> aborted) {
            pending.addAll(aborted);
        }

        private void consumeUpTo(long offset) {
            while (!pending.isEmpty() && pending.peek().firstOffset() <= offset) {
                AbortedTxn t = pending.poll();
                aborting.putIfAbsent(t.producerId(), new Object[] {t, Boolean.FALSE});
            }
        }

        /** A data batch: true when it belongs to an aborted transaction (and may go). */
        boolean onData(ByteBuffer b, int start) {
            consumeUpTo(RecordBatchLayout.lastOffset(b, start));
            if (!RecordBatchLayout.isTransactional(b, start)) {
                return false;
            }
            long pid = RecordBatchLayout.producerId(b, start);
            Object[] state = aborting.get(pid);
            if (state != null) {
                state[1] = Boolean.TRUE;
                return true;
            }
            committing.add(pid);
            return false;
        }

        /**
         * A control batch: true when the marker may go (after its delete horizon): an abort whose
         * data is already gone, a commit with no data of its transaction seen since the last
         * marker, or an empty control batch.
         */
        boolean onControl(ByteBuffer b, int start, int type) {
            consumeUpTo(RecordBatchLayout.lastOffset(b, start));
            lastRetainedAbort = null;
            long pid = RecordBatchLayout.producerId(b, start);
            if (type == ABORT) {
                Object[] state = aborting.remove(pid);
                if (state != null && state[1] == Boolean.TRUE) {
                    lastRetainedAbort = (AbortedTxn) state[0];
                    return false;
                }
                return true;
            }
            if (type == COMMIT) {
                return !committing.remove(pid);
            }
            return type < 0;
        }

        /** The aborted transaction whose marker {@link #onControl} just decided to keep. */
        AbortedTxn lastRetainedAbort() {
            return lastRetainedAbort;
        }
    }
}

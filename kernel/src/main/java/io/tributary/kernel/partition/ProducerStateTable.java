package io.tributary.kernel.partition;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Producer state of one partition: for each producer id its epoch, the metadata of its last five
 * batches (so a retried batch is recognised as a duplicate and answered with the offsets it got
 * the first time, and a gap in sequence numbers is refused) and its open transaction, if any.
 * The first offset of the oldest open transaction bounds the last stable offset. Rebuilt on
 * start-up from a snapshot plus the batches after it.
 *
 * <p>Not thread-safe: owned by the partition's writer (the request handler thread).
 */
public final class ProducerStateTable {
    /** Kafka clients keep at most five batches in flight per partition. */
    static final int CACHED_BATCHES = 5;

    private static final int SNAPSHOT_VERSION = 1;
    public static final long NO_PRODUCER_ID = -1L;
    private static final long NO_TXN = -1L;

    /** A stored batch as the producer sent it. */
    record BatchMeta(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}

    /** One producer's state. */
    static final class Entry {
        short epoch;
        long lastTimestamp;
        int coordinatorEpoch = -1;
        /** First offset of the producer's open transaction in this partition, or {@link #NO_TXN}. */
        long txnFirstOffset = NO_TXN;

        final ArrayDeque<BatchMeta> batches = new ArrayDeque<>(CACHED_BATCHES);

        int lastSeq() {
            BatchMeta last = batches.peekLast();
            return last == null ? -1 : last.lastSeq();
        }
    }

    /** The outcome of checking a batch against the table. */
    public sealed interface Check permits Accept, Duplicate, Reject {}

    /** Append the batch. */
    public record Accept() implements Check {}

    /** The batch was stored before, at these offsets; do not append it again. */
    public record Duplicate(long firstOffset, long lastOffset) implements Check {}

    /** Refuse the batch with this error. */
    public record Reject(Reason reason, String message) implements Check {}

    /** Why a batch or marker is refused; the kernel maps each to Kafka's error code of the same name. */
    public enum Reason {
        OUT_OF_ORDER_SEQUENCE_NUMBER,
        INVALID_PRODUCER_EPOCH,
        TRANSACTION_COORDINATOR_FENCED,
        INVALID_TXN_STATE
    }

    /** A transaction ended by a marker: its data spans {@code [firstOffset, lastOffset]}, the marker included. */
    public record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted) {}

    private static final Accept ACCEPT = new Accept();

    private final Map<Long, Entry> producers = new HashMap<>();
    /** Open transactions by first offset (the smallest bounds the last stable offset). */
    private final TreeMap<Long, Long> openTxns = new TreeMap<>();

    /** The sequence number after {@code seq} plus {@code delta}, wrapping past Integer.MAX_VALUE to 0. */
    static int incrementSequence(int seq, int delta) {
        if (seq > Integer.MAX_VALUE - delta) {
            return delta - (Integer.MAX_VALUE - seq) - 1;
        }
        return seq + delta;
    }

    /**
     * Checks a batch of an idempotent or transactional producer. An epoch older than the
     * producer's current one gets INVALID_PRODUCER_EPOCH, transactional or not: Kafka answers
     * produce requests so since 2.7 (KIP-588), letting a transactional producer abort and carry on
     * rather than die; fencing a zombie is the coordinator's answer (PRODUCER_FENCED).
     *
     * @param lastOffsetDelta the batch's last offset delta (records - 1)
     */
    public Check check(long producerId, short epoch, int firstSeq, int lastOffsetDelta) {
        Entry e = producers.get(producerId);
        if (e == null) {
            // Unknown producer (new, or its state expired): accept, as Kafka does since KIP-360.
            return ACCEPT;
        }
        if (epoch < e.epoch) {
            return new Reject(
                    Reason.INVALID_PRODUCER_EPOCH,
                    "Producer " + producerId + "'s epoch " + epoch + " is older than the current epoch " + e.epoch);
        }
        int lastSeq = incrementSequence(firstSeq, lastOffsetDelta);
        if (epoch > e.epoch) {
            if (firstSeq != 0) {
                return new Reject(
                        Reason.OUT_OF_ORDER_SEQUENCE_NUMBER,
                        "Invalid sequence " + firstSeq + " for new epoch " + epoch + " of producer " + producerId
                                + "; expected 0");
            }
            return ACCEPT;
        }
        for (BatchMeta b : e.batches) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return new Duplicate(b.firstOffset(), b.lastOffset());
            }
        }
        int current = e.lastSeq();
        if (current != -1 && firstSeq != incrementSequence(current, 1)) {
            return new Reject(
                    Reason.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "Out of order sequence number for producer " + producerId + ": " + firstSeq
                            + " (incoming seq. number), " + current + " (current end sequence number)");
        }
        return ACCEPT;
    }

    /**
     * Records a stored batch (after {@link #check} accepted it, or while rebuilding from the log).
     * A transactional batch opens the producer's transaction here if none is open.
     */
    public void update(
            long producerId,
            short epoch,
            int firstSeq,
            int lastOffsetDelta,
            long firstOffset,
            long timestamp,
            boolean transactional) {
        Entry e = producers.computeIfAbsent(producerId, id -> new Entry());
        if (epoch != e.epoch) {
            e.batches.clear();
            e.epoch = epoch;
        }
        if (firstSeq >= 0) {
            if (e.batches.size() == CACHED_BATCHES) {
                e.batches.pollFirst();
            }
            e.batches.addLast(new BatchMeta(
                    firstSeq,
                    incrementSequence(firstSeq, lastOffsetDelta),
                    firstOffset,
                    firstOffset + lastOffsetDelta,
                    timestamp));
        }
        if (transactional && e.txnFirstOffset == NO_TXN) {
            e.txnFirstOffset = firstOffset;
            openTxns.put(firstOffset, producerId);
        }
        e.lastTimestamp = Math.max(e.lastTimestamp, timestamp);
    }

    /** {@link #update(long, short, int, int, long, long, boolean)} for a non-transactional batch. */
    public void update(
            long producerId, short epoch, int firstSeq, int lastOffsetDelta, long firstOffset, long timestamp) {
        update(producerId, epoch, firstSeq, lastOffsetDelta, firstOffset, timestamp, false);
    }

    /**
     * Checks a transaction marker (commit or abort) before it is written: the producer epoch may
     * not go back, nor may the coordinator epoch.
     */
    public Optional<Reject> checkMarker(long producerId, short epoch, int coordinatorEpoch) {
        Entry e = producers.get(producerId);
        if (e == null) {
            return Optional.empty();
        }
        if (epoch < e.epoch) {
            return Optional.of(new Reject(
                    Reason.INVALID_PRODUCER_EPOCH,
                    "Marker for producer " + producerId + " has epoch " + epoch + ", older than " + e.epoch));
        }
        if (coordinatorEpoch < e.coordinatorEpoch) {
            return Optional.of(new Reject(
                    Reason.TRANSACTION_COORDINATOR_FENCED,
                    "Marker from coordinator epoch " + coordinatorEpoch + " but " + e.coordinatorEpoch
                            + " already wrote one"));
        }
        return Optional.empty();
    }

    /**
     * Records a stored transaction marker and closes the producer's open transaction.
     *
     * @return the transaction the marker ended, or empty if none was open (a marker for a
     *     transaction with no data in this partition)
     */
    public Optional<CompletedTxn> completeTxn(
            long producerId, short epoch, int coordinatorEpoch, long markerOffset, long timestamp, boolean commit) {
        Entry e = producers.computeIfAbsent(producerId, id -> new Entry());
        if (epoch != e.epoch) {
            e.batches.clear();
            e.epoch = epoch;
        }
        e.coordinatorEpoch = Math.max(e.coordinatorEpoch, coordinatorEpoch);
        e.lastTimestamp = Math.max(e.lastTimestamp, timestamp);
        if (e.txnFirstOffset == NO_TXN) {
            return Optional.empty();
        }
        long first = e.txnFirstOffset;
        openTxns.remove(first);
        e.txnFirstOffset = NO_TXN;
        return Optional.of(new CompletedTxn(producerId, first, markerOffset, !commit));
    }

    /** The first offset of the oldest open transaction, or empty when none is open. */
    public Optional<Long> firstUnstableOffset() {
        return openTxns.isEmpty() ? Optional.empty() : Optional.of(openTxns.firstKey());
    }

    /** Whether {@code producerId} has a transaction open in this partition. */
    public boolean hasOpenTransaction(long producerId) {
        Entry e = producers.get(producerId);
        return e != null && e.txnFirstOffset != NO_TXN;
    }

    /**
     * Whether {@code producerId} has a transaction open in this partition that it started with
     * {@code epoch}: its next batches need no new check with the transaction coordinator.
     */
    public boolean hasOpenTransaction(long producerId, short epoch) {
        Entry e = producers.get(producerId);
        return e != null && e.txnFirstOffset != NO_TXN && e.epoch == epoch;
    }

    /** Drops producers idle for longer than {@code expirationMs}, except those with an open transaction. */
    public int expire(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<Entry> it = producers.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.txnFirstOffset == NO_TXN && nowMs - e.lastTimestamp > expirationMs) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /** Removes batches and transactions at or after {@code offset} (after the log was truncated). */
    public void truncateTo(long offset) {
        for (Iterator<Entry> it = producers.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            e.batches.removeIf(b -> b.lastOffset() >= offset);
            if (e.txnFirstOffset >= offset) {
                openTxns.remove(e.txnFirstOffset);
                e.txnFirstOffset = NO_TXN;
            }
            if (e.batches.isEmpty() && e.txnFirstOffset == NO_TXN) {
                it.remove();
            }
        }
    }

    public int size() {
        return producers.size();
    }

    public void clear() {
        producers.clear();
        openTxns.clear();
    }

    /** A read-only view of one producer, for DescribeProducers. */
    public record ProducerView(
            long producerId,
            short epoch,
            int lastSequence,
            long lastTimestamp,
            int coordinatorEpoch,
            long currentTxnStartOffset) {}

    /**
     * Each producer's last stored batch: its last offset. Compaction keeps that batch (emptied if
     * need be) so the producer's sequence number and epoch survive a restart.
     */
    public Map<Long, Long> lastBatchOffsets() {
        Map<Long, Long> out = new HashMap<>();
        for (Map.Entry<Long, Entry> me : producers.entrySet()) {
            BatchMeta last = me.getValue().batches.peekLast();
            if (last != null) {
                out.put(me.getKey(), last.lastOffset());
            }
        }
        return out;
    }

    /** Every producer's state, by producer id, for DescribeProducers. */
    public java.util.List<ProducerView> view() {
        java.util.List<ProducerView> out = new java.util.ArrayList<>(producers.size());
        for (Map.Entry<Long, Entry> me : producers.entrySet()) {
            Entry e = me.getValue();
            out.add(new ProducerView(
                    me.getKey(), e.epoch, e.lastSeq(), e.lastTimestamp, e.coordinatorEpoch, e.txnFirstOffset));
        }
        out.sort(java.util.Comparator.comparingLong(ProducerView::producerId));
        return out;
    }

    /** Serializes the table (versioned, with a CRC32C). */
    public ByteBuffer snapshot() {
        int size = 4 + 2 + 4;
        for (Entry e : producers.values()) {
            size += 8 + 2 + 8 + 4 + 8 + 4 + e.batches.size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(0); // crc placeholder
        buf.putShort((short) SNAPSHOT_VERSION);
        buf.putInt(producers.size());
        for (Map.Entry<Long, Entry> me : producers.entrySet()) {
            Entry e = me.getValue();
            buf.putLong(me.getKey());
            buf.putShort(e.epoch);
            buf.putLong(e.lastTimestamp);
            buf.putInt(e.coordinatorEpoch);
            buf.putLong(e.txnFirstOffset);
            buf.putInt(e.batches.size());
            for (BatchMeta b : e.batches) {
                buf.putInt(b.firstSeq());
                buf.putInt(b.lastSeq());
                buf.putLong(b.firstOffset());
                buf.putLong(b.lastOffset());
                buf.putLong(b.timestamp());
            }
        }
        buf.flip();
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(4, buf.limit() - 4));
        buf.putInt(0, (int) crc.getValue());
        return buf;
    }

    /**
     * Replaces the table with a snapshot's content.
     *
     * @throws IllegalArgumentException if the snapshot is corrupt or of an unknown version
     */
    public void restore(ByteBuffer snapshot) {
        ByteBuffer buf = snapshot.duplicate();
        if (buf.remaining() < 10) {
            throw new IllegalArgumentException("producer snapshot too short");
        }
        int stored = buf.getInt();
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate());
        if ((int) crc.getValue() != stored) {
            throw new IllegalArgumentException("producer snapshot CRC mismatch");
        }
        short version = buf.getShort();
        if (version != SNAPSHOT_VERSION) {
            throw new IllegalArgumentException("unknown producer snapshot version " + version);
        }
        clear();
        int count = buf.getInt();
        for (int i = 0; i < count; i++) {
            long id = buf.getLong();
            Entry e = new Entry();
            e.epoch = buf.getShort();
            e.lastTimestamp = buf.getLong();
            e.coordinatorEpoch = buf.getInt();
            e.txnFirstOffset = buf.getLong();
            int n = buf.getInt();
            for (int j = 0; j < n; j++) {
                e.batches.addLast(
                        new BatchMeta(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            producers.put(id, e);
            if (e.txnFirstOffset != NO_TXN) {
                openTxns.put(e.txnFirstOffset, id);
            }
        }
    }
}

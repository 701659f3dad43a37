package io.tributary.kernel.partition;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Idempotent-producer state of one partition: for each producer id its epoch and the metadata
 * of its last five batches, so a retried batch is recognised as a duplicate (answered with the
 * offsets it got the first time) and a gap in sequence numbers is refused. Rebuilt on start-up
 * from a snapshot plus the batches after it.
 *
 * <p>Not thread-safe: owned by the partition's writer (the request handler thread).
 */
public final class ProducerStateTable {
    /** Kafka clients keep at most five batches in flight per partition. */
    static final int CACHED_BATCHES = 5;

    private static final int SNAPSHOT_VERSION = 1;
    public static final long NO_PRODUCER_ID = -1L;

    /** A stored batch as the producer sent it. */
    record BatchMeta(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}

    /** One producer's state. */
    static final class Entry {
        short epoch;
        long lastTimestamp;
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

    /** Why a batch is refused; the kernel maps each to Kafka's error code of the same name. */
    public enum Reason {
        OUT_OF_ORDER_SEQUENCE_NUMBER,
        INVALID_PRODUCER_EPOCH
    }

    private static final Accept ACCEPT = new Accept();

    private final Map<Long, Entry> producers = new HashMap<>();

    /** The sequence number after {@code seq} plus {@code delta}, wrapping past Integer.MAX_VALUE to 0. */
    static int incrementSequence(int seq, int delta) {
        if (seq > Integer.MAX_VALUE - delta) {
            return delta - (Integer.MAX_VALUE - seq) - 1;
        }
        return seq + delta;
    }

    /**
     * Checks a batch of an idempotent producer.
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
        boolean inSequence =
                current == -1 ? firstSeq == 0 || e.batches.isEmpty() : firstSeq == incrementSequence(current, 1);
        if (!inSequence) {
            return new Reject(
                    Reason.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "Out of order sequence number for producer " + producerId + ": " + firstSeq
                            + " (incoming seq. number), " + current + " (current end sequence number)");
        }
        return ACCEPT;
    }

    /** Records a stored batch (after {@link #check} accepted it, or while rebuilding from the log). */
    public void update(
            long producerId, short epoch, int firstSeq, int lastOffsetDelta, long firstOffset, long timestamp) {
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
        e.lastTimestamp = Math.max(e.lastTimestamp, timestamp);
    }

    /** Drops producers idle for longer than {@code expirationMs}. */
    public int expire(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<Entry> it = producers.values().iterator(); it.hasNext(); ) {
            if (nowMs - it.next().lastTimestamp > expirationMs) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /** Removes batches at or after {@code offset} (after the log was truncated). */
    public void truncateTo(long offset) {
        for (Iterator<Entry> it = producers.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            e.batches.removeIf(b -> b.lastOffset() >= offset);
            if (e.batches.isEmpty()) {
                it.remove();
            }
        }
    }

    public int size() {
        return producers.size();
    }

    /**
     * One producer as DescribeProducers reports it.
     *
     * @param lastSequence the last sequence number stored, -1 when none is cached
     * @param lastTimestamp the largest timestamp of its batches
     */
    public record ProducerInfo(long producerId, short epoch, int lastSequence, long lastTimestamp) {}

    /** The producers with state in this partition, by producer id. */
    public java.util.List<ProducerInfo> activeProducers() {
        java.util.List<ProducerInfo> out = new java.util.ArrayList<>(producers.size());
        producers.forEach((id, e) -> out.add(new ProducerInfo(id, e.epoch, e.lastSeq(), e.lastTimestamp)));
        out.sort(java.util.Comparator.comparingLong(ProducerInfo::producerId));
        return out;
    }

    public void clear() {
        producers.clear();
    }

    /** Serializes the table (versioned, with a CRC32C). */
    public ByteBuffer snapshot() {
        int size = 4 + 2 + 4;
        for (Entry e : producers.values()) {
            size += 8 + 2 + 8 + 4 + e.batches.size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer buf = ByteBuffer.allocate(size + 4);
        buf.putInt(0); // crc placeholder
        buf.putShort((short) SNAPSHOT_VERSION);
        buf.putInt(producers.size());
        for (Map.Entry<Long, Entry> me : producers.entrySet()) {
            Entry e = me.getValue();
            buf.putLong(me.getKey());
            buf.putShort(e.epoch);
            buf.putLong(e.lastTimestamp);
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
        producers.clear();
        int count = buf.getInt();
        for (int i = 0; i < count; i++) {
            long id = buf.getLong();
            Entry e = new Entry();
            e.epoch = buf.getShort();
            e.lastTimestamp = buf.getLong();
            int n = buf.getInt();
            for (int j = 0; j < n; j++) {
                e.batches.addLast(
                        new BatchMeta(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            producers.put(id, e);
        }
    }
}

package io.tributary.storage.mmap;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Compaction's key map: for each key met in the dirty part of a log, the offset of its last
 * record. Keys are stored as their MD5 digest (16 bytes, as Kafka's cleaner does), with the
 * offset, in an open-addressing table of fixed capacity: 24 bytes a key, nothing allocated per
 * key. Two keys with the same digest would be taken for one (a 2^-128 chance per pair).
 * Not thread-safe; one per compaction pass.
 */
final class OffsetMap {
    /** Bytes a slot takes: two longs of digest and one of offset. */
    static final int SLOT_BYTES = 24;

    private static final double LOAD_FACTOR = 0.9;

    private final long[] hashHigh;
    private final long[] hashLow;
    private final long[] offsets;
    private final int mask;
    private final int maxEntries;
    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private int entries;

    /**
     * @param maxBytes memory the table may take
     * @param wanted how many keys the caller expects at most (the table is no bigger than that needs)
     */
    OffsetMap(long maxBytes, long wanted) {
        long bySize = Long.highestOneBit(Math.max(2, maxBytes / SLOT_BYTES));
        long byNeed = Long.highestOneBit(Math.max(16, (long) (wanted / LOAD_FACTOR)) * 2 - 1);
        int capacity = (int) Math.min(Math.min(bySize, byNeed), 1 << 30);
        hashHigh = new long[capacity];
        hashLow = new long[capacity];
        offsets = new long[capacity];
        java.util.Arrays.fill(offsets, -1);
        mask = capacity - 1;
        maxEntries = Math.max(1, (int) (capacity * LOAD_FACTOR));
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** Keys the map can take before it is full. */
    int capacity() {
        return maxEntries;
    }

    int size() {
        return entries;
    }

    /** Whether {@code more} further keys surely fit. */
    boolean hasRoomFor(int more) {
        return entries + more <= maxEntries;
    }

    /**
     * Records {@code offset} as the last offset of the key {@code keyLength} bytes at {@code
     * keyPosition} in {@code buf} (later offsets replace earlier ones).
     *
     * @return false when the map is full and the key was not in it
     */
    boolean put(ByteBuffer buf, int keyPosition, int keyLength, long offset) {
        hash(buf, keyPosition, keyLength);
        long hi = high();
        long lo = low();
        int i = (int) lo & mask;
        while (offsets[i] >= 0) {
            if (hashHigh[i] == hi && hashLow[i] == lo) {
                offsets[i] = Math.max(offsets[i], offset);
                return true;
            }
            i = (i + 1) & mask;
        }
        if (entries >= maxEntries) {
            return false;
        }
        hashHigh[i] = hi;
        hashLow[i] = lo;
        offsets[i] = offset;
        entries++;
        return true;
    }

    /** The last offset recorded for the key, or -1 when it is not in the map. */
    long get(ByteBuffer buf, int keyPosition, int keyLength) {
        hash(buf, keyPosition, keyLength);
        long hi = high();
        long lo = low();
        int i = (int) lo & mask;
        while (offsets[i] >= 0) {
            if (hashHigh[i] == hi && hashLow[i] == lo) {
                return offsets[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private void hash(ByteBuffer buf, int position, int length) {
        ByteBuffer key = buf.duplicate().limit(position + length).position(position);
        md5.update(key);
        try {
            md5.digest(digest, 0, 16);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private long high() {
        return ((long) (digest[0] & 0xFF) << 56)
                | ((long) (digest[1] & 0xFF) << 48)
                | ((long) (digest[2] & 0xFF) << 40)
                | ((long) (digest[3] & 0xFF) << 32)
                | ((long) (digest[4] & 0xFF) << 24)
                | ((digest[5] & 0xFF) << 16)
                | ((digest[6] & 0xFF) << 8)
                | (digest[7] & 0xFF);
    }

    private long low() {
        return ((long) (digest[8] & 0xFF) << 56)
                | ((long) (digest[9] & 0xFF) << 48)
                | ((long) (digest[10] & 0xFF) << 40)
                | ((long) (digest[11] & 0xFF) << 32)
                | ((long) (digest[12] & 0xFF) << 24)
                | ((digest[13] & 0xFF) << 16)
                | ((digest[14] & 0xFF) << 8)
                | (digest[15] & 0xFF);
    }
}

package io.tributary.storage.mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two sparse indexes of a segment, kept in lockstep (entry {@code i} of both describes the
 * same batch {@code B_i}):
 *
 * <ul>
 *   <li>offset index ({@code .index}): {@code (int relativeBaseOffset, int position)} of
 *       {@code B_i}, 8 bytes;
 *   <li>time index ({@code .timeindex}): {@code (long timestamp, int relativeBaseOffset)}, 12
 *       bytes, where {@code timestamp} is the largest batch max-timestamp <em>before</em> {@code
 *       B_i} in the segment. It never decreases, and every batch before {@code B_i} is at or
 *       below it, so a lookup scans at most one index interval.
 * </ul>
 *
 * A batch is indexed when more than {@code index.interval.bytes} were appended since the last
 * entry (Kafka's rule), so the first batch of a segment is never indexed: lookups below the
 * first entry start at position 0. Each file starts with an 8-byte header: a magic number and
 * the format version. Multi-byte values are big-endian.
 */
final class IndexFormat {
    static final int HEADER = 8;
    static final int VERSION = 1;
    static final int OFFSET_ENTRY = 8;
    static final int TIME_ENTRY = 12;
    /** "TIDX" */
    static final int OFFSET_MAGIC = 0x54494458;
    /** "TTIX" */
    static final int TIME_MAGIC = 0x54544958;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private IndexFormat() {}

    /** Entries a segment's indexes may hold: the time index (bigger entries) is the bound. */
    static int capacity(int segmentIndexBytes) {
        return segmentIndexBytes / TIME_ENTRY;
    }

    static long offsetFileSize(int entries) {
        return HEADER + (long) entries * OFFSET_ENTRY;
    }

    static long timeFileSize(int entries) {
        return HEADER + (long) entries * TIME_ENTRY;
    }

    static ByteBuffer header(int magic) {
        return ByteBuffer.allocate(HEADER).putInt(magic).putInt(VERSION).flip();
    }

    static boolean hasHeader(MemorySegment m, int magic) {
        return m.byteSize() >= HEADER && m.get(INT, 0) == magic && m.get(INT, 4) == VERSION;
    }

    static int relOffset(MemorySegment m, int i) {
        return m.get(INT, HEADER + (long) i * OFFSET_ENTRY);
    }

    static int position(MemorySegment m, int i) {
        return m.get(INT, HEADER + (long) i * OFFSET_ENTRY + 4);
    }

    static long timestamp(MemorySegment m, int i) {
        return m.get(LONG, HEADER + (long) i * TIME_ENTRY);
    }

    static int timeRelOffset(MemorySegment m, int i) {
        return m.get(INT, HEADER + (long) i * TIME_ENTRY + 8);
    }

    static void writeOffsetEntry(MemorySegment m, int i, int relOffset, int position) {
        long at = HEADER + (long) i * OFFSET_ENTRY;
        m.set(INT, at, relOffset);
        m.set(INT, at + 4, position);
    }

    static void writeTimeEntry(MemorySegment m, int i, long timestamp, int relOffset) {
        long at = HEADER + (long) i * TIME_ENTRY;
        m.set(LONG, at, timestamp);
        m.set(INT, at + 8, relOffset);
    }

    /** The last entry whose relative offset is at or below {@code rel}, or -1. */
    static int floorByOffset(MemorySegment m, int count, long rel) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (relOffset(m, mid) <= rel) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The last entry whose position is at or below {@code position}, or -1. */
    static int floorByPosition(MemorySegment m, int count, long position) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (position(m, mid) <= position) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The last time entry whose timestamp is below {@code timestamp}, or -1. */
    static int lastBelow(MemorySegment m, int count, long timestamp) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamp(m, mid) < timestamp) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The first time entry whose timestamp is at or above {@code timestamp}, or {@code count}. */
    static int firstAtLeast(MemorySegment m, int count, long timestamp) {
        return lastBelow(m, count, timestamp) + 1;
    }

    /** Index files rebuilt from scratch, as {@link IndexBuilder} produced them. */
    static ByteBuffer offsetFile(IndexBuilder b) {
        ByteBuffer buf = ByteBuffer.allocate((int) offsetFileSize(b.count()));
        buf.putInt(OFFSET_MAGIC).putInt(VERSION);
        for (int i = 0; i < b.count(); i++) {
            buf.putInt(b.relOffset(i)).putInt(b.position(i));
        }
        return buf.flip();
    }

    static ByteBuffer timeFile(IndexBuilder b) {
        ByteBuffer buf = ByteBuffer.allocate((int) timeFileSize(b.count()));
        buf.putInt(TIME_MAGIC).putInt(VERSION);
        for (int i = 0; i < b.count(); i++) {
            buf.putLong(b.timestamp(i)).putInt(b.relOffset(i));
        }
        return buf.flip();
    }
}

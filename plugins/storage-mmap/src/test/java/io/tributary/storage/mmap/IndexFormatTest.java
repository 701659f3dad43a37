package io.tributary.storage.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class IndexFormatTest {

    /** Offsets 10, 20, 30, 40 at positions 100, 200, 300, 400. */
    private static MemorySegment offsets() {
        MemorySegment m = MemorySegment.ofArray(new byte[(int) IndexFormat.offsetFileSize(4)]);
        for (int i = 0; i < 4; i++) {
            IndexFormat.writeOffsetEntry(m, i, 10 * (i + 1), 100 * (i + 1));
        }
        return m;
    }

    @Test
    void shouldFindTheLastEntryAtOrBelowAnOffset() {
        MemorySegment m = offsets();

        assertEquals(-1, IndexFormat.floorByOffset(m, 4, 9));
        assertEquals(0, IndexFormat.floorByOffset(m, 4, 10));
        assertEquals(0, IndexFormat.floorByOffset(m, 4, 19));
        assertEquals(2, IndexFormat.floorByOffset(m, 4, 30));
        assertEquals(3, IndexFormat.floorByOffset(m, 4, Long.MAX_VALUE));
        assertEquals(-1, IndexFormat.floorByOffset(m, 0, 100));
        assertEquals(1, IndexFormat.floorByOffset(m, 2, 100));
    }

    @Test
    void shouldFindTheLastEntryAtOrBelowAPosition() {
        MemorySegment m = offsets();

        assertEquals(-1, IndexFormat.floorByPosition(m, 4, 99));
        assertEquals(0, IndexFormat.floorByPosition(m, 4, 100));
        assertEquals(2, IndexFormat.floorByPosition(m, 4, 399));
        assertEquals(3, IndexFormat.floorByPosition(m, 4, 1 << 30));
    }

    @Test
    void shouldFindTheLastTimeEntryBelowATimestampWithRepeatedTimestamps() {
        MemorySegment m = MemorySegment.ofArray(new byte[(int) IndexFormat.timeFileSize(5)]);
        long[] ts = {5, 7, 7, 7, 9};
        for (int i = 0; i < ts.length; i++) {
            IndexFormat.writeTimeEntry(m, i, ts[i], i);
        }

        assertEquals(-1, IndexFormat.lastBelow(m, 5, 5));
        assertEquals(0, IndexFormat.lastBelow(m, 5, 7));
        assertEquals(3, IndexFormat.lastBelow(m, 5, 8));
        assertEquals(4, IndexFormat.lastBelow(m, 5, 100));
        assertEquals(1, IndexFormat.firstAtLeast(m, 5, 7));
        assertEquals(5, IndexFormat.firstAtLeast(m, 5, 10));
        assertEquals(3, IndexFormat.timeRelOffset(m, 3));
    }

    @Test
    void shouldWriteVersionedHeaders() {
        ByteBuffer h = IndexFormat.header(IndexFormat.OFFSET_MAGIC);

        assertTrue(IndexFormat.hasHeader(MemorySegment.ofBuffer(h), IndexFormat.OFFSET_MAGIC));
        assertFalse(IndexFormat.hasHeader(MemorySegment.ofBuffer(h), IndexFormat.TIME_MAGIC));
        assertEquals(IndexFormat.VERSION, h.getInt(4));
    }

    @Test
    void shouldNeverIndexTheFirstBatchAndIndexOncePerInterval() {
        IndexBuilder b = new IndexBuilder(1000, 100);
        boolean[] indexed = new boolean[6];
        int position = 0;
        for (int i = 0; i < 6; i++) {
            indexed[i] = b.add(1000 + i, 1000 + i, position, 60, 50 + i, 0);
            position += 60;
        }

        // 60 bytes: not yet over 100; 120: over, so batch 2 is indexed; and so on
        assertEquals("[false, false, true, false, true, false]", java.util.Arrays.toString(indexed));
        assertEquals(2, b.count());
        assertEquals(2, b.relOffset(0));
        assertEquals(120, b.position(0));
        assertEquals(51, b.timestamp(0), "the largest timestamp before the indexed batch");
        assertEquals(53, b.timestamp(1));
        assertEquals(55, b.maxTimestamp());
        assertEquals(1005, b.offsetOfMaxTimestamp());
    }

    @Test
    void shouldIndexEveryBatchButTheFirstWithAZeroInterval() {
        IndexBuilder b = new IndexBuilder(0, 0);
        for (int i = 0; i < 4; i++) {
            b.add(i, i, i * 70, 70, i, 0);
        }

        assertEquals(3, b.count());
    }
}

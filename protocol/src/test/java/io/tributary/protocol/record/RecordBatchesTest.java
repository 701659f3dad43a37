package io.tributary.protocol.record;

import static io.tributary.protocol.record.TestBatches.sampleRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.record.TestBatches.BatchSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class RecordBatchesTest {

    /** Three batches of different codecs back to back, and where each one starts. */
    private static final List<Integer> STARTS = new ArrayList<>();

    private static ByteBuf threeBatches() {
        STARTS.clear();
        ByteBuf all = Unpooled.buffer();
        long offset = 0;
        for (CompressionType codec : List.of(CompressionType.NONE, CompressionType.LZ4, CompressionType.ZSTD)) {
            STARTS.add(all.writerIndex());
            ByteBuf batch = BatchSpec.of(codec, sampleRecords(offset, 4).subList(0, 2))
                    .withBaseOffset(offset)
                    .buildOurs();
            all.writeBytes(batch);
            offset += 2;
        }
        STARTS.add(all.writerIndex());
        return all;
    }

    @Test
    void shouldIterateConcatenatedBatches() {
        ByteBuf all = threeBatches();
        List<Long> baseOffsets = new ArrayList<>();
        for (RecordBatch batch : RecordBatches.of(all)) {
            batch.ensureValid();
            baseOffsets.add(batch.baseOffset());
        }
        assertEquals(List.of(0L, 2L, 4L), baseOffsets);
        assertEquals(all.readableBytes(), RecordBatches.of(all).validBytes());
        assertEquals(0, RecordBatches.of(all).partialBatchBytes());
        assertEquals(0, all.readerIndex());
    }

    @Test
    void shouldTreatATruncatedLastBatchAsPartialAtEveryLength() {
        ByteBuf all = threeBatches();
        for (int cut = 0; cut <= all.readableBytes(); cut++) {
            RecordBatches batches = RecordBatches.of(all.slice(0, cut));
            int complete = 0;
            while (STARTS.get(complete + 1) <= cut) {
                complete++;
                if (complete == 3) {
                    break;
                }
            }
            int count = 0;
            for (RecordBatch batch : batches) {
                batch.ensureValid();
                count++;
            }
            assertEquals(complete, count, "cut at " + cut);
            assertEquals(STARTS.get(complete), batches.validBytes(), "cut at " + cut);
            assertEquals(cut - STARTS.get(complete), batches.partialBatchBytes(), "cut at " + cut);
            assertEquals(cut != STARTS.get(complete), batches.hasPartialBatch(), "cut at " + cut);
        }
    }

    @Test
    void shouldIterateARegionOfTheBuffer() {
        ByteBuf all = threeBatches();
        RecordBatches middle = RecordBatches.of(all, STARTS.get(1), STARTS.get(2) - STARTS.get(1));
        Iterator<RecordBatch> it = middle.iterator();
        RecordBatch batch = it.next();
        assertEquals(2L, batch.baseOffset());
        assertEquals(STARTS.get(1), batch.index());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertThrows(IndexOutOfBoundsException.class, () -> RecordBatches.of(all, 10, all.writerIndex()));
    }

    @Test
    void shouldRejectAnImpossibleBatchLengthAsCorrupt() {
        ByteBuf all = threeBatches();
        all.setInt(STARTS.get(1) + RecordBatch.LENGTH_OFFSET, 10);
        Iterator<RecordBatch> it = RecordBatches.of(all).iterator();
        it.next();
        CorruptRecordException e = assertThrows(CorruptRecordException.class, it::hasNext);
        assertTrue(e.getMessage().contains("at index " + STARTS.get(1)), e.getMessage());
        assertThrows(CorruptRecordException.class, () -> RecordBatches.of(all).validBytes());
    }

    @Test
    void shouldRejectALegacyMagicEvenInAPartialBatch() {
        ByteBuf all = threeBatches();
        all.setByte(STARTS.get(2) + RecordBatch.MAGIC_OFFSET, 1);
        ByteBuf cut = all.slice(0, STARTS.get(2) + 20);
        Iterator<RecordBatch> it = RecordBatches.of(cut).iterator();
        it.next();
        it.next();
        assertThrows(InvalidRecordException.class, it::hasNext);
    }

    @Test
    void shouldFindNoBatchesInAnEmptyRegion() {
        RecordBatches none = RecordBatches.of(Unpooled.EMPTY_BUFFER);
        assertFalse(none.iterator().hasNext());
        assertEquals(0, none.validBytes());
        assertFalse(none.hasPartialBatch());
        assertEquals(0, none.sizeInBytes());
    }
}

package io.tributary.storage.mmap;

import static io.tributary.tck.storage.BatchBuilder.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.CorruptRecordException;
import io.tributary.spi.storage.RecordBatchLayout;
import io.tributary.tck.storage.BatchBuilder;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BatchListTest {
    private final BatchList list = new BatchList();

    @Test
    void shouldParseSeveralBatchesRelativeToThePosition() {
        ByteBuffer a = batch().record("a", 1).record("b", 2).build();
        ByteBuffer b = batch().record("c", 9).build();
        ByteBuffer both = ByteBuffer.allocate(10 + a.remaining() + b.remaining());
        both.position(10);
        both.put(a.duplicate()).put(b.duplicate()).flip().position(10);

        list.parse(both);

        assertEquals(2, list.count());
        assertEquals(0, list.position(0));
        assertEquals(a.remaining(), list.position(1));
        assertEquals(a.remaining() + b.remaining(), list.bytes(0, 2));
        assertEquals(2, list.maxTimestamp(0));
        assertEquals(10, both.position());
    }

    @Test
    void shouldAssignConsecutiveOffsetsAndTheEpoch() {
        list.parse(BatchBuilder.concat(BatchBuilder.records("x", 3, 1), BatchBuilder.records("y", 2, 1)));

        list.assignOffsets(100, 7);

        assertEquals(100, list.baseOffset(0));
        assertEquals(102, list.lastOffset(0));
        assertEquals(103, list.baseOffset(1));
        assertEquals(104, list.lastOffset(1));
        assertEquals(7, list.epoch(1));
    }

    @Test
    void shouldRejectMalformedInputWithAReason() {
        ByteBuffer good = BatchBuilder.records("x", 2, 1);
        ByteBuffer badMagic = BatchBuilder.records("x", 2, 1);
        badMagic.put(RecordBatchLayout.MAGIC, (byte) 0);
        ByteBuffer badLength = BatchBuilder.records("x", 2, 1);
        badLength.putInt(RecordBatchLayout.BATCH_LENGTH, 10);
        ByteBuffer negativeDelta = BatchBuilder.records("x", 2, 1);
        negativeDelta.putInt(RecordBatchLayout.LAST_OFFSET_DELTA, -1);

        assertTrue(assertThrows(CorruptRecordException.class, () -> list.parse(ByteBuffer.allocate(0)))
                .getMessage()
                .contains("No record batch"));
        assertTrue(assertThrows(CorruptRecordException.class, () -> list.parse(good.slice(0, 30)))
                .getMessage()
                .contains("Truncated"));
        assertTrue(assertThrows(CorruptRecordException.class, () -> list.parse(good.slice(0, good.remaining() - 1)))
                .getMessage()
                .contains("declares length"));
        assertTrue(assertThrows(CorruptRecordException.class, () -> list.parse(badMagic))
                .getMessage()
                .contains("magic 0"));
        assertThrows(CorruptRecordException.class, () -> list.parse(badLength));
        assertThrows(CorruptRecordException.class, () -> list.parse(negativeDelta));
    }

    @Test
    void shouldCheckFollowerOffsetsAgainstTheLogEndAndEachOther() {
        list.parse(BatchBuilder.concat(
                batch().baseOffset(10).record("a", 1).build(),
                batch().baseOffset(12).record("b", 1).build()));
        list.checkFollowerOffsets(10);
        list.checkFollowerOffsets(8);

        assertThrows(CorruptRecordException.class, () -> list.checkFollowerOffsets(11));
        list.parse(BatchBuilder.concat(
                batch().baseOffset(10).record("a", 1).record("b", 1).build(),
                batch().baseOffset(11).record("c", 1).build()));
        assertThrows(CorruptRecordException.class, () -> list.checkFollowerOffsets(0));
    }
}

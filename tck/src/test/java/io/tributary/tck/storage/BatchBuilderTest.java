package io.tributary.tck.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.RecordBatchLayout;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchBuilderTest {

    @Test
    void shouldWriteAValidV2BatchThatDecodesBack() {
        ByteBuffer b = BatchBuilder.batch()
                .baseOffset(42)
                .leaderEpoch(3)
                .producer(7, (short) 1, 10)
                .transactional()
                .record("first", 1000)
                .record("second", 1005)
                .build();

        assertTrue(RecordBatchLayout.isValidBatch(b, 0, b.limit()));
        assertEquals(b.limit(), RecordBatchLayout.totalSize(b, 0));
        assertEquals(43, RecordBatchLayout.lastOffset(b, 0));
        assertEquals(1005, RecordBatchLayout.maxTimestamp(b, 0));
        assertEquals(7, RecordBatchLayout.producerId(b, 0));
        assertEquals(10, RecordBatchLayout.baseSequence(b, 0));
        StoredBatch decoded = StoredBatch.parseAll(b).getFirst();
        assertEquals(List.of("first", "second"), decoded.values());
        assertEquals(3, decoded.leaderEpoch());
        assertTrue(decoded.isTransactional());
        assertFalse(decoded.isControl());
    }

    @Test
    void shouldKeepTheCrcValidWhenOnlyOffsetAndEpochChange() {
        ByteBuffer b = BatchBuilder.records("v", 3, 1);

        RecordBatchLayout.setBaseOffset(b, 0, 1_000_000);
        RecordBatchLayout.setPartitionLeaderEpoch(b, 0, 99);

        assertTrue(StoredBatch.parseAll(b).getFirst().crcValid());
        b.put(RecordBatchLayout.HEADER_SIZE + 2, (byte) 0x7F);
        assertFalse(StoredBatch.parseAll(b).getFirst().crcValid());
    }

    @Test
    void shouldEncodeLargeAndNegativeVarints() {
        ByteBuffer b = BatchBuilder.batch()
                .record("a", 5_000_000_000L)
                .record("b".repeat(300), 0)
                .build();

        StoredBatch decoded = StoredBatch.parseAll(b).getFirst();

        assertTrue(decoded.crcValid());
        assertEquals(List.of("a", "b".repeat(300)), decoded.values());
        assertEquals(5_000_000_000L, decoded.maxTimestamp());
    }

    @Test
    void shouldConcatenateBatchesAndRejectAPartialOne() {
        ByteBuffer two = BatchBuilder.concat(BatchBuilder.records("x", 1, 1), BatchBuilder.records("y", 2, 1));

        assertEquals(2, StoredBatch.parseAll(two).size());
        assertThrows(IllegalArgumentException.class, () -> StoredBatch.parseAll(two.slice(0, two.limit() - 1)));
    }

    @Test
    void shouldOnlyMoveTimeForward() {
        ManualTime time = new ManualTime(100);

        assertEquals(150, time.advance(50));
        assertEquals(150_000_000L, time.nanoseconds());
        assertThrows(IllegalArgumentException.class, () -> time.advance(-1));
    }
}

package io.tributary.kernel.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {
    private final ProducerStateTable table = new ProducerStateTable();

    @Test
    void shouldListActiveProducersWithTheirLastSequenceAndTimestamp() {
        table.update(9, (short) 2, 0, 4, 0, 50);
        table.update(7, (short) 0, 0, 9, 5, 40);
        table.update(7, (short) 0, 10, 4, 15, 30);
        assertEquals(
                java.util.List.of(
                        new ProducerStateTable.ProducerView(7, (short) 0, 14, 40, -1, -1),
                        new ProducerStateTable.ProducerView(9, (short) 2, 4, 50, -1, -1)),
                table.view());
    }

    @Test
    void shouldAcceptAnUnknownProducer() {
        assertInstanceOf(ProducerStateTable.Accept.class, table.check(7, (short) 0, 0, 9));
    }

    @Test
    void shouldRecogniseARetriedBatchAsADuplicateWithItsOriginalOffsets() {
        table.update(7, (short) 0, 0, 9, 100, 1);
        table.update(7, (short) 0, 10, 4, 110, 2);
        ProducerStateTable.Check check = table.check(7, (short) 0, 0, 9);
        assertEquals(new ProducerStateTable.Duplicate(100, 109), check);
        assertEquals(new ProducerStateTable.Duplicate(110, 114), table.check(7, (short) 0, 10, 4));
        assertInstanceOf(ProducerStateTable.Accept.class, table.check(7, (short) 0, 15, 0));
    }

    @Test
    void shouldReportEachProducersLastBatchForCompaction() {
        table.update(7, (short) 0, 0, 9, 100, 1);
        table.update(7, (short) 0, 10, 4, 110, 2);
        table.update(8, (short) 0, 0, 0, 120, 3);

        assertEquals(java.util.Map.of(7L, 114L, 8L, 120L), table.lastBatchOffsets());
    }

    @Test
    void shouldRefuseAGapInSequences() {
        table.update(7, (short) 0, 0, 9, 100, 1);
        ProducerStateTable.Check check = table.check(7, (short) 0, 12, 0);
        assertEquals(
                ProducerStateTable.Reason.OUT_OF_ORDER_SEQUENCE_NUMBER, ((ProducerStateTable.Reject) check).reason());
    }

    @Test
    void shouldFenceAnOlderEpochAndRequireSequenceZeroForANewOne() {
        table.update(7, (short) 3, 0, 0, 0, 1);
        assertEquals(
                ProducerStateTable.Reason.INVALID_PRODUCER_EPOCH,
                ((ProducerStateTable.Reject) table.check(7, (short) 2, 1, 0)).reason());
        assertEquals(
                ProducerStateTable.Reason.OUT_OF_ORDER_SEQUENCE_NUMBER,
                ((ProducerStateTable.Reject) table.check(7, (short) 4, 5, 0)).reason());
        assertInstanceOf(ProducerStateTable.Accept.class, table.check(7, (short) 4, 0, 0));
    }

    @Test
    void shouldWrapSequencesPastIntegerMaxValue() {
        assertEquals(0, ProducerStateTable.incrementSequence(Integer.MAX_VALUE, 1));
        assertEquals(4, ProducerStateTable.incrementSequence(Integer.MAX_VALUE - 5, 10));
        table.update(7, (short) 0, Integer.MAX_VALUE - 4, 4, 0, 1);
        assertInstanceOf(ProducerStateTable.Accept.class, table.check(7, (short) 0, 0, 9));
        table.update(7, (short) 0, 0, 9, 5, 1);
        assertEquals(new ProducerStateTable.Duplicate(5, 14), table.check(7, (short) 0, 0, 9));
    }

    @Test
    void shouldKeepOnlyTheLastFiveBatches() {
        for (int i = 0; i < 7; i++) {
            table.update(7, (short) 0, i * 10, 9, i * 10L, 1);
        }
        assertEquals(new ProducerStateTable.Duplicate(20, 29), table.check(7, (short) 0, 20, 9));
        assertInstanceOf(ProducerStateTable.Reject.class, table.check(7, (short) 0, 0, 9));
    }

    @Test
    void shouldRoundTripThroughASnapshot() {
        table.update(7, (short) 1, 0, 9, 100, 1);
        table.update(8, (short) 0, 5, 0, 110, 2);
        ProducerStateTable restored = new ProducerStateTable();
        restored.restore(table.snapshot());
        assertEquals(new ProducerStateTable.Duplicate(100, 109), restored.check(7, (short) 1, 0, 9));
        assertEquals(new ProducerStateTable.Duplicate(110, 110), restored.check(8, (short) 0, 5, 0));
        assertEquals(2, restored.size());
    }

    @Test
    void shouldRejectACorruptSnapshot() {
        table.update(7, (short) 1, 0, 9, 100, 1);
        ByteBuffer snap = table.snapshot();
        snap.put(snap.limit() - 1, (byte) (snap.get(snap.limit() - 1) ^ 1));
        assertThrows(IllegalArgumentException.class, () -> new ProducerStateTable().restore(snap));
    }

    @Test
    void shouldForgetBatchesAfterTruncation() {
        table.update(7, (short) 0, 0, 9, 100, 1);
        table.update(7, (short) 0, 10, 9, 110, 1);
        table.truncateTo(110);
        assertInstanceOf(ProducerStateTable.Accept.class, table.check(7, (short) 0, 10, 9));
    }

    @Test
    void shouldHoldTheLastStableOffsetAtAnOpenTransactionUntilItsMarker() {
        table.update(7, (short) 2, 0, 4, 100, 1, true);
        table.update(7, (short) 2, 5, 4, 105, 1, true);
        table.update(8, (short) 0, 0, 0, 110, 1, true);
        assertEquals(java.util.Optional.of(100L), table.firstUnstableOffset());
        assertEquals(true, table.hasOpenTransaction(7, (short) 2));
        assertEquals(false, table.hasOpenTransaction(7, (short) 3), "a new epoch's writes need a new check");

        ProducerStateTable restored = new ProducerStateTable();
        restored.restore(table.snapshot());
        assertEquals(
                java.util.Optional.of(100L), restored.firstUnstableOffset(), "open transactions survive a snapshot");

        assertEquals(
                java.util.Optional.of(new ProducerStateTable.CompletedTxn(7, 100, 111, true)),
                table.completeTxn(7, (short) 3, 5, 111, 2, false));
        assertEquals(java.util.Optional.of(110L), table.firstUnstableOffset());
        assertEquals(
                ProducerStateTable.Reason.INVALID_PRODUCER_EPOCH,
                ((ProducerStateTable.Reject) table.check(7, (short) 2, 10, 0)).reason(),
                "the marker's bumped epoch fences late writes of the aborted transaction");
        assertEquals(
                ProducerStateTable.Reason.TRANSACTION_COORDINATOR_FENCED,
                table.checkMarker(7, (short) 3, 4).orElseThrow().reason());
        table.completeTxn(8, (short) 0, 5, 112, 2, true);
        assertEquals(java.util.Optional.empty(), table.firstUnstableOffset());
    }

    @Test
    void shouldNeverExpireAProducerWithAnOpenTransaction() {
        table.update(7, (short) 0, 0, 0, 100, 1, true);
        table.update(8, (short) 0, 0, 0, 101, 1);
        assertEquals(1, table.expire(1_000_000, 1000));
        assertEquals(true, table.hasOpenTransaction(7));
    }
}

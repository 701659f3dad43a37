package io.tributary.kernel.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.tributary.kernel.partition.TopicPartitionKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TxnRecordsTest {

    @Test
    void shouldRoundTripEveryFieldOfATransaction() {
        TxnMetadata m = new TxnMetadata(
                42,
                41,
                43,
                (short) 7,
                (short) 6,
                30_000,
                TransactionState.PREPARE_COMMIT,
                Set.of(
                        new TopicPartitionKey("orders", 3),
                        new TopicPartitionKey("orders", 1),
                        new TopicPartitionKey("__consumer_offsets", 12)),
                1_000,
                2_000,
                (byte) 2);
        TxnRecords.Entry e = TxnRecords.of("app", m);
        assertEquals("app", TxnRecords.decodeKey(Unpooled.wrappedBuffer(e.key())));
        assertEquals(m, TxnRecords.decodeValue(Unpooled.wrappedBuffer(e.value())));
    }

    @Test
    void shouldWriteATombstoneForAnExpiredId() {
        TxnRecords.Entry e = TxnRecords.tombstone("gone");
        assertEquals("gone", TxnRecords.decodeKey(Unpooled.wrappedBuffer(e.key())));
        assertNull(e.value());
    }

    @Test
    void shouldSkipKeysOfUnknownTypesAndRejectUnknownValueVersions() {
        assertNull(TxnRecords.decodeKey(Unpooled.wrappedBuffer(new byte[] {0, 9, 0, 1, 'x'})));
        byte[] value = TxnRecords.of("app", TxnMetadata.fresh(1, 1000, 5)).value();
        value[1] = 9;
        assertThrows(IllegalArgumentException.class, () -> TxnRecords.decodeValue(Unpooled.wrappedBuffer(value)));
        assertThrows(
                IllegalArgumentException.class,
                () -> TxnRecords.decodeValue(Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 2})));
    }

    @Test
    void shouldNameStatesAsKafkaDoes() {
        assertEquals("PrepareEpochFence", TransactionState.PREPARE_EPOCH_FENCE.label());
        assertEquals(
                TransactionState.COMPLETE_ABORT,
                TransactionState.ofLabel("CompleteAbort").orElseThrow());
        assertEquals(java.util.Optional.empty(), TransactionState.ofLabel("ongoing"));
    }
}

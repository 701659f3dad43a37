package io.tributary.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBatchBuilderTest {

    @Test
    void shouldRefuseToBuildAnEmptyBatch() {
        assertThrows(IllegalStateException.class, () -> new RecordBatchBuilder().build());
    }

    @Test
    void shouldRefuseATransactionalBatchWithoutAProducerId() {
        RecordBatchBuilder builder =
                new RecordBatchBuilder().transactional(true).append(1L, null, null);
        assertThrows(IllegalStateException.class, builder::build);
    }

    @Test
    void shouldRejectALevelOutsideTheCodecsRange() {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        assertThrows(IllegalArgumentException.class, () -> builder.compression(CompressionType.ZSTD, 23));
        assertThrows(IllegalArgumentException.class, () -> builder.compression(CompressionType.SNAPPY, 3));
    }

    @Test
    void shouldBuildTheSameBytesEachTimeAndStayUsable() {
        RecordBatchBuilder builder = new RecordBatchBuilder()
                .compression(CompressionType.GZIP, 1)
                .append(5L, new byte[] {1}, new byte[] {2});
        ByteBuf first = builder.build();
        assertArrayEquals(TestBatches.bytes(first), TestBatches.bytes(builder.build()));
        builder.append(6L, new byte[] {3}, null);
        assertEquals(2, builder.recordCount());
        assertEquals(2, RecordBatch.wrap(builder.build()).recordsCount());
    }

    @Test
    void shouldBuildIntoTheCallersAllocatorAndHandOverOwnership() {
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(false);
        ByteBuf buf = new RecordBatchBuilder().append(5L, null, new byte[] {2}).build(allocator);
        assertSame(allocator, buf.alloc());
        assertEquals(1, buf.refCnt());
        RecordBatch.wrap(buf).ensureValid();
        assertTrue(buf.release());
    }

    @Test
    void shouldCopyKeysValuesAndHeadersWhenAppending() {
        byte[] key = {1};
        ByteBuf value = Unpooled.wrappedBuffer(new byte[] {9, 8, 7});
        value.readerIndex(1);
        byte[] headerValue = {4};
        RecordBatchBuilder builder = new RecordBatchBuilder()
                .append(1L, Unpooled.wrappedBuffer(key), value, List.of(RecordHeader.of("h", headerValue)));
        assertEquals(1, value.readerIndex(), "the caller's buffer is not consumed");
        key[0] = 100;
        value.setByte(1, 100);
        headerValue[0] = 100;
        List<Record> records = new ArrayList<>();
        RecordBatch.wrap(builder.build()).forEachRecord(records::add);
        assertArrayEquals(new byte[] {1}, records.get(0).keyBytes());
        assertArrayEquals(new byte[] {8, 7}, records.get(0).valueBytes());
        assertArrayEquals(new byte[] {4}, records.get(0).headers().get(0).valueBytes());
    }

    @Test
    void shouldUseTheFirstTimestampAsBaseAndTheLargestAsMax() {
        RecordBatch batch = RecordBatch.wrap(new RecordBatchBuilder()
                .append(500L, null, null)
                .append(100L, null, null)
                .append(900L, null, null)
                .build());
        assertEquals(500L, batch.baseTimestamp());
        assertEquals(900L, batch.maxTimestamp());
        List<Long> timestamps = new ArrayList<>();
        batch.forEachRecord(r -> timestamps.add(r.timestamp()));
        assertEquals(List.of(500L, 100L, 900L), timestamps);
    }

    @Test
    void shouldStampLogAppendTimeAndGoBackToCreateTime() {
        RecordBatchBuilder builder =
                new RecordBatchBuilder().logAppendTime(7_000L).append(500L, null, null);
        RecordBatch logAppend = RecordBatch.wrap(builder.build());
        assertEquals(TimestampType.LOG_APPEND_TIME, logAppend.timestampType());
        assertEquals(7_000L, logAppend.maxTimestamp());
        logAppend.forEachRecord(r -> assertEquals(7_000L, r.timestamp()));

        RecordBatch create = RecordBatch.wrap(builder.createTime().build());
        assertEquals(TimestampType.CREATE_TIME, create.timestampType());
        assertEquals(500L, create.maxTimestamp());
    }

    @Test
    void shouldBuildAnEndTxnMarkerBatch() {
        RecordBatch batch =
                RecordBatch.wrap(RecordBatchBuilder.endTxnMarker(EndTxnMarker.abort(8), 99L, (short) 4, 123L)
                        .baseOffset(40L)
                        .partitionLeaderEpoch(2)
                        .build());
        batch.ensureValid();
        assertTrue(batch.isControl());
        assertTrue(batch.isTransactional());
        assertEquals(99L, batch.producerId());
        assertEquals(4, batch.producerEpoch());
        assertEquals(RecordBatch.NO_SEQUENCE, batch.baseSequence());
        assertEquals(40L, batch.baseOffset());
        assertEquals(2, batch.partitionLeaderEpoch());
        assertEquals(1, batch.recordsCount());
        assertEquals(123L, batch.maxTimestamp());
        batch.forEachRecord(r -> {
            assertEquals(
                    new ControlRecordKey((short) 0, ControlRecordType.ABORT.id()), ControlRecordKey.parse(r.key()));
            assertEquals(EndTxnMarker.abort(8), EndTxnMarker.read(r));
        });
    }

    @Test
    void shouldRejectMalformedControlRecords() {
        assertThrows(CorruptRecordException.class, () -> ControlRecordKey.parse(Unpooled.wrappedBuffer(new byte[3])));
        assertThrows(CorruptRecordException.class, () -> ControlRecordKey.parse(null));
        assertThrows(
                CorruptRecordException.class,
                () -> ControlRecordKey.parse(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, 0, 0, 1})));
        assertEquals(ControlRecordType.UNKNOWN, new ControlRecordKey((short) 0, (short) 42).type());
        assertThrows(
                IllegalArgumentException.class, () -> new EndTxnMarker(ControlRecordType.LEADER_CHANGE, (short) 0, 1));

        RecordBatch shortValue = RecordBatch.wrap(new RecordBatchBuilder()
                .control(true)
                .append(1L, ControlRecordKey.encode(ControlRecordType.COMMIT), new byte[] {0, 0, 1})
                .build());
        shortValue.forEachRecord(r -> assertThrows(CorruptRecordException.class, () -> EndTxnMarker.read(r)));
        RecordBatch leaderChange = RecordBatch.wrap(new RecordBatchBuilder()
                .control(true)
                .append(1L, ControlRecordKey.encode(ControlRecordType.LEADER_CHANGE), new byte[6])
                .build());
        leaderChange.forEachRecord(r -> assertThrows(InvalidRecordException.class, () -> EndTxnMarker.read(r)));
    }

    @Test
    void shouldReadANewerMarkerVersionAsVersionZero() {
        RecordBatch batch = RecordBatch.wrap(new RecordBatchBuilder()
                .control(true)
                .append(1L, ControlRecordKey.encode(ControlRecordType.COMMIT), new byte[] {0, 1, 0, 0, 0, 5, 77})
                .build());
        batch.forEachRecord(
                r -> assertEquals(new EndTxnMarker(ControlRecordType.COMMIT, (short) 1, 5), EndTxnMarker.read(r)));
    }
}

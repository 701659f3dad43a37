package io.tributary.protocol.record;

import static io.tributary.protocol.record.TestBatches.nio;
import static io.tributary.protocol.record.TestBatches.onlyKafkaBatch;
import static io.tributary.protocol.record.TestBatches.sampleRecords;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.record.TestBatches.BatchSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordBatchTest {

    private static ByteBuf sampleBatch(CompressionType codec) {
        return new RecordBatchBuilder()
                .compression(codec)
                .baseOffset(100)
                .partitionLeaderEpoch(4)
                .producer(12L, (short) 2, 30)
                .transactional(true)
                .append(1_000L, "k0".getBytes(StandardCharsets.UTF_8), "v0".getBytes(StandardCharsets.UTF_8))
                .append(
                        1_500L,
                        null,
                        "v1".getBytes(StandardCharsets.UTF_8),
                        List.of(RecordHeader.of("h", new byte[] {1, 2}), RecordHeader.of("n", null)))
                .append(900L, "k2".getBytes(StandardCharsets.UTF_8), null)
                .build();
    }

    @Test
    void shouldReadEveryHeaderFieldTheBuilderWrote() {
        ByteBuf buf = sampleBatch(CompressionType.GZIP);
        RecordBatch batch = RecordBatch.wrap(buf);
        assertEquals(100L, batch.baseOffset());
        assertEquals(buf.readableBytes(), batch.sizeInBytes());
        assertEquals(buf.readableBytes() - RecordBatch.LOG_OVERHEAD, batch.batchLength());
        assertEquals(4, batch.partitionLeaderEpoch());
        assertEquals(RecordBatch.MAGIC, batch.magic());
        assertEquals(batch.computeCrc(), batch.crc());
        assertEquals(CompressionType.GZIP, batch.compressionType());
        assertTrue(batch.isCompressed());
        assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
        assertTrue(batch.isTransactional());
        assertFalse(batch.isControl());
        assertFalse(batch.hasDeleteHorizon());
        assertEquals(OptionalLong.empty(), batch.deleteHorizonMs());
        assertEquals(2, batch.lastOffsetDelta());
        assertEquals(102L, batch.lastOffset());
        assertEquals(103L, batch.nextOffset());
        assertEquals(1_000L, batch.baseTimestamp());
        assertEquals(1_500L, batch.maxTimestamp());
        assertEquals(12L, batch.producerId());
        assertTrue(batch.hasProducerId());
        assertEquals(2, batch.producerEpoch());
        assertEquals(30, batch.baseSequence());
        assertEquals(32, batch.lastSequence());
        assertEquals(3, batch.recordsCount());
        assertTrue(batch.isValid());
        assertEquals(0x10 | CompressionType.GZIP.id(), batch.attributes());
    }

    @Test
    void shouldReadRecordsWithNullKeysValuesAndHeaders() {
        List<Record> records = new ArrayList<>();
        RecordBatch.wrap(sampleBatch(CompressionType.NONE)).forEachRecord(records::add);
        assertEquals(3, records.size());
        Record second = records.get(1);
        assertEquals(101L, second.offset());
        assertEquals(1_500L, second.timestamp());
        assertEquals(31, second.sequence());
        assertFalse(second.hasKey());
        assertNull(second.key());
        assertNull(second.keyBytes());
        assertEquals(-1, second.keySize());
        assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), second.valueBytes());
        assertEquals(2, second.headers().size());
        assertEquals("h", second.headers().get(0).key());
        assertArrayEquals(new byte[] {1, 2}, second.headers().get(0).valueBytes());
        assertNull(second.headers().get(1).value());
        Record third = records.get(2);
        assertEquals(900L, third.timestamp());
        assertFalse(third.hasValue());
        assertNull(third.value());
        assertEquals(List.of(), third.headers());
    }

    @Test
    void shouldViewUncompressedKeysAndValuesWithoutCopying() {
        ByteBuf buf = sampleBatch(CompressionType.NONE);
        try (RecordIterator records = RecordBatch.wrap(buf).records()) {
            Record first = records.next();
            ByteBuf key = first.key();
            assertEquals('k', key.getByte(0));
            // Patch the batch's own bytes: the view sees it, so it is not a copy.
            int keyIndex = TestBatches.bytes(buf).length - 1;
            for (int i = 0; i < buf.readableBytes(); i++) {
                if (buf.getByte(i) == 'k' && buf.getByte(i + 1) == '0') {
                    keyIndex = i;
                    break;
                }
            }
            buf.setByte(keyIndex, 'X');
            assertEquals('X', key.getByte(0));
            assertTrue(key.isReadOnly());
        }
    }

    @Test
    void shouldPatchBaseOffsetAndLeaderEpochWithoutTouchingTheCrc() {
        ByteBuf buf = sampleBatch(CompressionType.LZ4);
        RecordBatch batch = RecordBatch.wrap(buf);
        int crc = batch.crc();
        batch.setBaseOffset(9_876_543_210L);
        batch.setPartitionLeaderEpoch(77);
        assertEquals(9_876_543_210L, batch.baseOffset());
        assertEquals(77, batch.partitionLeaderEpoch());
        assertEquals(crc, batch.crc());
        batch.ensureValid();
        try (RecordIterator records = batch.records()) {
            assertEquals(9_876_543_210L, records.next().offset());
        }
        MutableRecordBatch kafka = onlyKafkaBatch(nio(buf));
        kafka.ensureValid();
        assertEquals(9_876_543_210L, kafka.baseOffset());
        assertEquals(77, kafka.partitionLeaderEpoch());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldFailValidationForEveryFlippedBitInTheCrcCoveredRegion(CompressionType codec) {
        // Two small records (no large value), so that every bit can be tried.
        ByteBuf buf = BatchSpec.of(codec, sampleRecords(5, 2)).buildOurs();
        RecordBatch batch = RecordBatch.wrap(buf);
        for (int i = RecordBatch.ATTRIBUTES_OFFSET; i < buf.readableBytes(); i++) {
            for (int bit = 0; bit < 8; bit++) {
                buf.setByte(i, buf.getByte(i) ^ (1 << bit));
                assertFalse(batch.isValid(), "byte " + i + " bit " + bit);
                assertThrows(CorruptRecordException.class, batch::ensureValid, "byte " + i + " bit " + bit);
                assertThrows(
                        CorruptRecordException.class,
                        () -> RecordValidator.validateProduce(buf, ValidationOptions.CLIENT_PRODUCE),
                        "byte " + i + " bit " + bit);
                buf.setByte(i, buf.getByte(i) ^ (1 << bit));
            }
        }
        // Flipping the stored CRC itself is caught the same way.
        for (int i = RecordBatch.CRC_OFFSET; i < RecordBatch.ATTRIBUTES_OFFSET; i++) {
            buf.setByte(i, buf.getByte(i) ^ 0x01);
            assertThrows(CorruptRecordException.class, batch::ensureValid);
            buf.setByte(i, buf.getByte(i) ^ 0x01);
        }
        batch.ensureValid();
    }

    @Test
    void shouldReportTheCrcsInTheError() {
        ByteBuf buf = sampleBatch(CompressionType.NONE);
        buf.setByte(buf.writerIndex() - 1, buf.getByte(buf.writerIndex() - 1) ^ 0x40);
        CorruptRecordException e = assertThrows(
                CorruptRecordException.class, () -> RecordBatch.wrap(buf).ensureValid());
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        assertTrue(e.getMessage().contains("base offset 100"), e.getMessage());
        assertEquals(RecordException.NO_RECORD, e.recordIndex());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldSetLogAppendTimeAndRewriteTheCrc(CompressionType codec) {
        ByteBuf buf = sampleBatch(codec);
        RecordBatch batch = RecordBatch.wrap(buf);
        int oldCrc = batch.crc();
        batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, 5_555L);
        assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
        assertEquals(5_555L, batch.maxTimestamp());
        assertTrue(oldCrc != batch.crc());
        batch.ensureValid();
        batch.forEachRecord(r -> assertEquals(5_555L, r.timestamp()));
        // The other attribute bits survive.
        assertTrue(batch.isTransactional());
        assertEquals(codec, batch.compressionType());

        MutableRecordBatch kafka = onlyKafkaBatch(nio(buf));
        kafka.ensureValid();
        assertEquals(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, kafka.timestampType());
        kafka.forEach(r -> assertEquals(5_555L, r.timestamp()));

        batch.setMaxTimestamp(TimestampType.CREATE_TIME, 1_500L);
        assertEquals(oldCrc, batch.crc());
    }

    @Test
    void shouldLeaveTheBatchAloneWhenTheMaxTimestampIsAlreadyRight() {
        ByteBuf buf = sampleBatch(CompressionType.NONE);
        // Break the CRC on purpose: a no-op must not "repair" it.
        buf.setByte(buf.writerIndex() - 1, buf.getByte(buf.writerIndex() - 1) ^ 1);
        RecordBatch batch = RecordBatch.wrap(buf);
        int crc = batch.crc();
        batch.setMaxTimestamp(TimestampType.CREATE_TIME, 1_500L);
        assertEquals(crc, batch.crc());
        assertFalse(batch.isValid());
    }

    @Test
    void shouldWrapAtAnIndexWithoutMovingTheBufferIndexes() {
        ByteBuf first = sampleBatch(CompressionType.NONE);
        ByteBuf second = sampleBatch(CompressionType.ZSTD);
        ByteBuf both = Unpooled.wrappedBuffer(TestBatches.bytes(first), TestBatches.bytes(second));
        RecordBatch batch = RecordBatch.wrap(both, first.readableBytes());
        assertEquals(CompressionType.ZSTD, batch.compressionType());
        assertEquals(first.readableBytes(), batch.index());
        assertEquals(0, both.readerIndex());
        assertArrayEquals(TestBatches.bytes(second), TestBatches.bytes(batch.slice()));
        batch.ensureValid();
    }

    @Test
    void shouldRejectBytesThatCannotBeABatchWhenWrapping() {
        ByteBuf buf = sampleBatch(CompressionType.NONE);
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(buf.slice(0, 60)));
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(buf.slice(0, buf.readableBytes() - 1)));
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(Unpooled.EMPTY_BUFFER));
        assertThrows(IndexOutOfBoundsException.class, () -> RecordBatch.wrap(buf, buf.writerIndex() + 1));

        ByteBuf shortLength = buf.copy();
        shortLength.setInt(RecordBatch.LENGTH_OFFSET, 48);
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(shortLength));
        ByteBuf negativeLength = buf.copy();
        negativeLength.setInt(RecordBatch.LENGTH_OFFSET, -100);
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(negativeLength));
        ByteBuf hugeLength = buf.copy();
        hugeLength.setInt(RecordBatch.LENGTH_OFFSET, Integer.MAX_VALUE);
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(hugeLength));

        for (int magic : new int[] {0, 1}) {
            ByteBuf legacy = buf.copy();
            legacy.setByte(RecordBatch.MAGIC_OFFSET, magic);
            InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> RecordBatch.wrap(legacy));
            assertTrue(e.getMessage().contains("magic " + magic), e.getMessage());
        }
        for (int magic : new int[] {3, -1, 127}) {
            ByteBuf unknown = buf.copy();
            unknown.setByte(RecordBatch.MAGIC_OFFSET, magic);
            assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(unknown));
        }
    }

    @Test
    void shouldRejectAnUnknownCompressionCodec() {
        ByteBuf buf = sampleBatch(CompressionType.NONE);
        buf.setShort(RecordBatch.ATTRIBUTES_OFFSET, 0x05);
        TestBatches.rewriteCrc(buf, 0);
        RecordBatch batch = RecordBatch.wrap(buf);
        assertFalse(batch.isValid());
        assertThrows(CorruptRecordException.class, batch::ensureValid);
        assertThrows(CorruptRecordException.class, batch::compressionType);
        assertThrows(CorruptRecordException.class, batch::records);
    }

    @Test
    void shouldWrapSequencesPastIntegerMaxValue() {
        ByteBuf buf = new RecordBatchBuilder()
                .producer(1L, (short) 0, Integer.MAX_VALUE - 1)
                .append(1L, null, new byte[1])
                .append(1L, null, new byte[1])
                .append(1L, null, new byte[1])
                .append(1L, null, new byte[1])
                .build();
        RecordBatch batch = RecordBatch.wrap(buf);
        assertEquals(1, batch.lastSequence());
        List<Integer> sequences = new ArrayList<>();
        batch.forEachRecord(r -> sequences.add(r.sequence()));
        assertEquals(List.of(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0, 1), sequences);
        assertEquals(1, onlyKafkaBatch(nio(buf)).lastSequence());
    }

    @Test
    void shouldReportNoSequenceWithoutAProducer() {
        RecordBatch batch =
                RecordBatch.wrap(new RecordBatchBuilder().append(1L, null, null).build());
        assertEquals(RecordBatch.NO_SEQUENCE, batch.lastSequence());
        assertFalse(batch.hasProducerId());
        batch.forEachRecord(r -> assertEquals(-1, r.sequence()));
    }

    @Test
    void shouldReadTheDeleteHorizonFlag() {
        ByteBuf buf = sampleBatch(CompressionType.NONE);
        buf.setShort(RecordBatch.ATTRIBUTES_OFFSET, buf.getShort(RecordBatch.ATTRIBUTES_OFFSET) | 0x40);
        TestBatches.rewriteCrc(buf, 0);
        RecordBatch batch = RecordBatch.wrap(buf);
        assertTrue(batch.hasDeleteHorizon());
        assertEquals(OptionalLong.of(1_000L), batch.deleteHorizonMs());
        assertEquals(onlyKafkaBatch(nio(buf)).deleteHorizonMs(), batch.deleteHorizonMs());
    }

    @ParameterizedTest
    @EnumSource(names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldDecompressOnlyAsFarAsTheCallerReads(CompressionType codec) {
        // Records up front, then garbage at the end of the decompressed stream: a reader that
        // stops early never reaches it; one that goes on fails there.
        TestBatches.RecordWriter writer = new TestBatches.RecordWriter();
        for (int i = 0; i < 3; i++) {
            writer.record(i, 0, new byte[] {(byte) i}, TestBatches.text(new java.util.Random(i), 50_000));
        }
        writer.raw(0x7F, 0x7F, 0x7F);
        ByteBuf buf = TestBatches.rawBatch(codec, writer.toArray(), 3, 2);
        RecordBatch batch = RecordBatch.wrap(buf);
        try (RecordIterator records = batch.records()) {
            assertEquals(0, records.next().keyBytes()[0]);
        }
        try (RecordIterator records = batch.records()) {
            for (int i = 0; i < 3; i++) {
                assertEquals(i, records.next().keyBytes()[0]);
            }
            CorruptRecordException e = assertThrows(CorruptRecordException.class, records::hasNext);
            assertTrue(e.getMessage().contains("continues after the last"), e.getMessage());
            assertFalse(records.hasNext());
        }
    }

    @Test
    void shouldDescribeTheBatch() {
        String text = RecordBatch.wrap(sampleBatch(CompressionType.NONE)).toString();
        assertTrue(text.contains("baseOffset=100"), text);
        assertTrue(text.contains("records=3"), text);
    }

    @ParameterizedTest
    @EnumSource(names = {"NONE", "SNAPPY"})
    void shouldReadBatchesFromDirectAndCompositeBuffers(CompressionType codec) {
        byte[] bytes = TestBatches.bytes(sampleBatch(codec));
        ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        // Split in the middle of the records, so the CRC and the records span two components.
        int split = bytes.length - 10;
        ByteBuf composite = Unpooled.wrappedBuffer(
                Unpooled.directBuffer().writeBytes(bytes, 0, split), Unpooled.wrappedBuffer(bytes, split, 10));
        for (ByteBuf buf : List.of(direct, composite)) {
            RecordBatch batch = RecordBatch.wrap(buf);
            batch.ensureValid();
            assertEquals(
                    3,
                    RecordValidator.validateProduce(buf, ValidationOptions.CLIENT_PRODUCE)
                            .recordCount());
            List<Record> records = new ArrayList<>();
            batch.forEachRecord(records::add);
            assertArrayEquals(
                    "k2".getBytes(StandardCharsets.UTF_8), records.get(2).keyBytes());
            assertArrayEquals(new byte[] {1, 2}, records.get(1).headers().get(0).valueBytes());
            buf.release();
        }
    }
}

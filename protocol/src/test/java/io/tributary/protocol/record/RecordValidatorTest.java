package io.tributary.protocol.record;

import static io.tributary.protocol.record.TestBatches.rawBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.record.TestBatches.BatchSpec;
import io.tributary.protocol.record.TestBatches.RecordWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordValidatorTest {
    private static final ValidationOptions CLIENT = ValidationOptions.CLIENT_PRODUCE;

    private static ByteBuf batch(CompressionType codec) {
        return new RecordBatchBuilder()
                .compression(codec)
                .producer(5L, (short) 1, 0)
                .append(2_000L, new byte[] {1}, new byte[100])
                .append(3_000L, new byte[] {2}, null)
                .append(2_500L, new byte[] {3}, new byte[] {9})
                .append(3_000L, new byte[] {4}, new byte[0])
                .build();
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldAcceptAWellFormedBatchAndReportWhatItRead(CompressionType codec) {
        ByteBuf buf = batch(codec);
        ValidatedBatch result = RecordValidator.validateProduce(buf, CLIENT);
        assertEquals(4, result.recordCount());
        assertEquals(3_000L, result.maxTimestamp());
        assertEquals(1, result.offsetDeltaOfMaxTimestamp());
        assertSame(buf, result.batch().buffer());
        assertEquals(buf.readerIndex(), result.batch().index());
        int recordBytes = 0;
        try (RecordIterator records = result.batch().records()) {
            while (records.hasNext()) {
                recordBytes += records.next().sizeInBytes();
            }
        }
        assertEquals(recordBytes, result.uncompressedBytes());
    }

    @Test
    void shouldValidateAtTheReaderIndex() {
        ByteBuf prefixed = Unpooled.buffer();
        prefixed.writeBytes(new byte[17]);
        prefixed.writeBytes(batch(CompressionType.NONE));
        prefixed.readerIndex(17);
        assertEquals(
                17, RecordValidator.validateProduce(prefixed, CLIENT).batch().index());
    }

    @Test
    void shouldRejectAnEmptyPayload() {
        InvalidRecordException e = assertThrows(
                InvalidRecordException.class, () -> RecordValidator.validateProduce(Unpooled.EMPTY_BUFFER, CLIENT));
        assertTrue(e.getMessage().contains("exactly one record batch"), e.getMessage());
    }

    @Test
    void shouldRejectTwoBatchesInOnePartition() {
        ByteBuf two = Unpooled.wrappedBuffer(batch(CompressionType.NONE), batch(CompressionType.GZIP));
        InvalidRecordException e =
                assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(two, CLIENT));
        assertTrue(e.getMessage().contains("exactly one record batch"), e.getMessage());
    }

    @Test
    void shouldRejectGarbageAfterTheBatch() {
        ByteBuf trailing = Unpooled.wrappedBuffer(batch(CompressionType.NONE), Unpooled.wrappedBuffer(new byte[5]));
        assertThrows(CorruptRecordException.class, () -> RecordValidator.validateProduce(trailing, CLIENT));
    }

    @Test
    void shouldRejectADeclaredLengthLongerThanThePayload() {
        ByteBuf buf = batch(CompressionType.NONE);
        buf.setInt(RecordBatch.LENGTH_OFFSET, buf.getInt(RecordBatch.LENGTH_OFFSET) + 1);
        CorruptRecordException e =
                assertThrows(CorruptRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shouldRejectLegacyMagicAsInvalidAndUnknownMagicAsCorrupt() {
        ByteBuf legacy = batch(CompressionType.NONE);
        legacy.setByte(RecordBatch.MAGIC_OFFSET, 1);
        assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(legacy, CLIENT));
        ByteBuf unknown = batch(CompressionType.NONE);
        unknown.setByte(RecordBatch.MAGIC_OFFSET, 9);
        assertThrows(CorruptRecordException.class, () -> RecordValidator.validateProduce(unknown, CLIENT));
    }

    @Test
    void shouldRejectABatchWithBadCrc() {
        ByteBuf buf = batch(CompressionType.NONE);
        buf.setInt(RecordBatch.CRC_OFFSET, buf.getInt(RecordBatch.CRC_OFFSET) + 1);
        assertThrows(CorruptRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT));
    }

    @Test
    void shouldRejectControlBatchesFromClients() {
        ByteBuf marker = RecordBatchBuilder.endTxnMarker(EndTxnMarker.commit(1), 5L, (short) 1, 10L)
                .build();
        InvalidRecordException e =
                assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(marker, CLIENT));
        assertTrue(e.getMessage().contains("control"), e.getMessage());
        RecordValidator.validateProduce(marker, CLIENT.withAllowControlBatches(true));
    }

    @Test
    void shouldRequireKeysWhenAsked() {
        ByteBuf buf = new RecordBatchBuilder()
                .append(1L, new byte[] {1}, new byte[] {1})
                .append(1L, null, new byte[] {2})
                .build();
        RecordValidator.validateProduce(buf, CLIENT);
        InvalidRecordException e = assertThrows(
                InvalidRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT.withRequireKeys(true)));
        assertEquals(1, e.recordIndex());
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
    }

    @Test
    void shouldAcceptAnEmptyKeyOnACompactedTopic() {
        ByteBuf buf = new RecordBatchBuilder().append(1L, new byte[0], null).build();
        RecordValidator.validateProduce(buf, CLIENT.withRequireKeys(true));
    }

    @ParameterizedTest
    @EnumSource(names = {"NONE", "ZSTD"})
    void shouldRejectTimestampsOutsideTheRange(CompressionType codec) {
        ByteBuf buf = batch(codec);
        RecordValidator.validateProduce(buf, CLIENT.withTimestampRange(2_000L, 3_000L));
        InvalidTimestampException tooNew = assertThrows(
                InvalidTimestampException.class,
                () -> RecordValidator.validateProduce(buf, CLIENT.withTimestampRange(0L, 2_999L)));
        assertEquals(1, tooNew.recordIndex());
        InvalidTimestampException tooOld = assertThrows(
                InvalidTimestampException.class,
                () -> RecordValidator.validateProduce(buf, CLIENT.withTimestampRange(2_001L, 9_999L)));
        assertEquals(0, tooOld.recordIndex());
    }

    @Test
    void shouldCheckTheRangeAgainstTheAppendTimeOfLogAppendTimeBatches() {
        ByteBuf buf = new RecordBatchBuilder()
                .logAppendTime(50L)
                .append(1L, null, null)
                .build();
        ValidatedBatch result = RecordValidator.validateProduce(buf, CLIENT.withTimestampRange(50L, 50L));
        assertEquals(50L, result.maxTimestamp());
    }

    @Test
    void shouldRejectAZeroRecordCount() {
        ByteBuf buf = rawBatch(CompressionType.NONE, new byte[0], 0, -1);
        assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT));
    }

    @Test
    void shouldRejectALastOffsetDeltaThatDisagreesWithTheCount() {
        byte[] records = new RecordWriter()
                .record(0, 0, null, null)
                .record(1, 0, null, null)
                .toArray();
        ByteBuf buf = rawBatch(CompressionType.NONE, records, 2, 5);
        InvalidRecordException e =
                assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT));
        assertTrue(e.getMessage().contains("lastOffsetDelta 5"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectOffsetDeltasOutOfOrder(CompressionType codec) {
        byte[] records = new RecordWriter()
                .record(0, 0, null, null)
                .record(2, 0, null, null)
                .record(1, 0, null, null)
                .toArray();
        ByteBuf buf = rawBatch(codec, records, 3, 2);
        InvalidRecordException e =
                assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT));
        assertEquals(1, e.recordIndex());
        assertTrue(e.getMessage().contains("offset delta 2"), e.getMessage());
    }

    @Test
    void shouldRejectAProducerIdWithoutASequence() {
        ByteBuf buf = new RecordBatchBuilder()
                .producer(5L, (short) 0, RecordBatch.NO_SEQUENCE)
                .append(1L, null, null)
                .build();
        assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT));
    }

    @Test
    void shouldRejectATransactionalBatchWithoutAProducerId() {
        ByteBuf buf = new RecordBatchBuilder().append(1L, null, null).build();
        buf.setShort(RecordBatch.ATTRIBUTES_OFFSET, RecordBatch.TRANSACTIONAL_FLAG);
        TestBatches.rewriteCrc(buf, 0);
        assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(buf, CLIENT));
    }

    @ParameterizedTest
    @EnumSource(names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldStopDecompressingPastTheConfiguredLimit(CompressionType codec) {
        ByteBuf buf = new RecordBatchBuilder()
                .compression(codec)
                .append(1L, null, new byte[3_000_000])
                .build();
        assertTrue(buf.readableBytes() < 200_000, "compresses well: " + buf.readableBytes());
        InvalidRecordException e = assertThrows(
                InvalidRecordException.class,
                () -> RecordValidator.validateProduce(buf, CLIENT.withMaxUncompressedBytes(1_000_000)));
        assertTrue(e.getMessage().contains("1000000"), e.getMessage());
        RecordValidator.validateProduce(buf, CLIENT.withMaxUncompressedBytes(3_100_000));
    }

    @Test
    void shouldRejectInconsistentOptions() {
        assertThrows(IllegalArgumentException.class, () -> CLIENT.withTimestampRange(5L, 4L));
        assertThrows(IllegalArgumentException.class, () -> CLIENT.withMaxUncompressedBytes(0));
    }

    @Test
    void shouldValidateBatchesOfKafkasBuilderWithEveryCodec() {
        for (CompressionType codec : CompressionType.values()) {
            BatchSpec spec =
                    BatchSpec.of(codec, TestBatches.sampleRecords(9, 20)).withProducer(3L, (short) 0, 7);
            ByteBuf kafka = TestBatches.wrap(spec.buildKafka());
            assertEquals(20, RecordValidator.validateProduce(kafka, CLIENT).recordCount());
        }
    }

    /**
     * Validating an uncompressed batch allocates nothing per record: a batch of 20,000 records
     * costs the same few objects as a batch of 10.
     */
    @Test
    void shouldNotAllocatePerRecordForUncompressedBatches() {
        ByteBuf small = manyRecords(10);
        ByteBuf large = manyRecords(20_000);
        for (int warmUp = 0; warmUp < 200; warmUp++) {
            RecordValidator.validateProduce(small, CLIENT);
            RecordValidator.validateProduce(large, CLIENT);
        }
        long smallBytes = TestBatches.allocatedBy(() -> RecordValidator.validateProduce(small, CLIENT));
        long largeBytes = TestBatches.allocatedBy(() -> RecordValidator.validateProduce(large, CLIENT));
        assertTrue(largeBytes - smallBytes < 1024, "allocated " + smallBytes + " vs " + largeBytes + " bytes");
    }

    private static ByteBuf manyRecords(int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < count; i++) {
            builder.append(i, new byte[] {(byte) i}, new byte[8], List.of(RecordHeader.of("h", new byte[2])));
        }
        return builder.build();
    }
}

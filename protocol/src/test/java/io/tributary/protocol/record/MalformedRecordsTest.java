package io.tributary.protocol.record;

import static io.tributary.protocol.record.TestBatches.rawBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.record.TestBatches.BatchSpec;
import io.tributary.protocol.record.TestBatches.RecordWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile and damaged input must end in a typed {@link RecordException}, never an
 * IndexOutOfBoundsException, NegativeArraySizeException or OutOfMemoryError, for the produce
 * validator and for record iteration alike.
 */
class MalformedRecordsTest {
    private static final ValidationOptions CLIENT = ValidationOptions.CLIENT_PRODUCE;

    /** Both readers must refuse the batch as corrupt. */
    private static CorruptRecordException assertCorrupt(ByteBuf batch) {
        assertThrows(
                CorruptRecordException.class,
                () -> RecordBatch.wrap(batch).forEachRecord(TestBatches::readFully),
                "iteration");
        return assertThrows(
                CorruptRecordException.class, () -> RecordValidator.validateProduce(batch, CLIENT), "validation");
    }

    /** A record whose body is the given bytes, prefixed with their true length. */
    private static byte[] recordWithBody(RecordWriter body) {
        byte[] b = body.toArray();
        return new RecordWriter().varint(b.length).bytes(b).toArray();
    }

    private static RecordWriter bodyStart() {
        return new RecordWriter().raw(0).varlong(0).varint(0);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectAPayloadTruncatedAtEveryLength(CompressionType codec) {
        ByteBuf full = BatchSpec.of(codec, TestBatches.sampleRecords(1, 2)).buildOurs();
        for (int cut = 1; cut < full.readableBytes(); cut++) {
            ByteBuf truncated = full.slice(0, cut);
            assertThrows(CorruptRecordException.class, () -> RecordValidator.validateProduce(truncated, CLIENT));
            assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(truncated));
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectRecordsTruncatedAtEveryLengthBehindAConsistentHeader(CompressionType codec) {
        ByteBuf full = BatchSpec.of(codec, TestBatches.sampleRecords(2, 2)).buildOurs();
        for (int cut = RecordBatch.HEADER_SIZE; cut < full.readableBytes(); cut++) {
            // The header agrees with the cut (length and CRC), so only the records are short.
            ByteBuf truncated = Unpooled.copiedBuffer(full.slice(0, cut));
            truncated.setInt(RecordBatch.LENGTH_OFFSET, cut - RecordBatch.LOG_OVERHEAD);
            TestBatches.rewriteCrc(truncated, 0);
            CorruptRecordException e = assertCorrupt(truncated);
            assertTrue(e.getMessage().startsWith("Record batch at index 0"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectNegativeLengths(CompressionType codec) {
        byte[][] cases = {
            new RecordWriter().varint(-5).raw(0, 0, 0, 1, 1, 0).toArray(),
            recordWithBody(bodyStart().varint(-2).varint(-1).varint(0)),
            recordWithBody(bodyStart().varint(-1).varint(-3).varint(0)),
            recordWithBody(bodyStart().varint(-1).varint(-1).varint(-1)),
            recordWithBody(
                    bodyStart().varint(-1).varint(-1).varint(1).varint(-1).varint(-1)),
            recordWithBody(bodyStart()
                    .varint(-1)
                    .varint(-1)
                    .varint(1)
                    .varint(1)
                    .raw('k')
                    .varint(-2)),
            recordWithBody(bodyStart().varint(Integer.MIN_VALUE).varint(-1).varint(0)),
        };
        for (byte[] record : cases) {
            assertCorrupt(rawBatch(codec, record, 1, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectLengthsRunningPastTheRecord(CompressionType codec) {
        byte[][] cases = {
            recordWithBody(bodyStart().varint(1000).raw(1, 2, 3).varint(-1).varint(0)),
            recordWithBody(bodyStart().varint(-1).varint(4).raw(1, 2, 3).varint(0)),
            recordWithBody(bodyStart()
                    .varint(-1)
                    .varint(-1)
                    .varint(1)
                    .varint(50)
                    .raw('k')
                    .varint(-1)),
            recordWithBody(bodyStart()
                    .varint(-1)
                    .varint(-1)
                    .varint(1)
                    .varint(1)
                    .raw('k')
                    .varint(9)
                    .raw(1)),
            // The record claims more than it has: its last field reaches into the next record.
            new RecordWriter().varint(6).raw(0, 0, 0, 1, 1).toArray(),
            // The record claims less than its fields take.
            new RecordWriter().varint(7).raw(0, 0, 0, 1, 1, 0, 0, 0).toArray(),
        };
        for (byte[] record : cases) {
            assertCorrupt(rawBatch(codec, record, 1, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectVarintsLongerThanAllowed(CompressionType codec) {
        byte[] sixByteLength =
                new RecordWriter().raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x01).toArray();
        CorruptRecordException e = assertCorrupt(rawBatch(codec, sixByteLength, 1, 0));
        assertTrue(e.getMessage().contains("longer than 5 bytes"), e.getMessage());

        byte[] elevenByteTimestamp = recordWithBody(new RecordWriter()
                .raw(0)
                .raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)
                .varint(0)
                .varint(-1)
                .varint(-1)
                .varint(0));
        e = assertCorrupt(rawBatch(codec, elevenByteTimestamp, 1, 0));
        assertTrue(e.getMessage().contains("longer than 10 bytes"), e.getMessage());

        byte[] sixByteKeyLength = recordWithBody(
                bodyStart().raw(0x81, 0x80, 0x80, 0x80, 0x80, 0x00).varint(-1).varint(0));
        assertCorrupt(rawBatch(codec, sixByteKeyLength, 1, 0));
    }

    @Test
    void shouldAcceptAFiveByteVarintWithoutComplaint() {
        // Non-minimal encodings are legal: Kafka reads them, so must we.
        byte[] record = recordWithBody(new RecordWriter()
                .raw(0)
                .raw(0x80, 0x80, 0x00)
                .raw(0x80, 0x80, 0x80, 0x80, 0x00)
                .varint(-1)
                .varint(-1)
                .varint(0));
        ByteBuf batch = rawBatch(CompressionType.NONE, record, 1, 0);
        RecordValidator.validateProduce(batch, CLIENT);
        RecordBatch.wrap(batch).forEachRecord(r -> assertEquals(0L, r.offset()));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectFewerRecordsThanDeclared(CompressionType codec) {
        byte[] two = new RecordWriter()
                .record(0, 0, null, null)
                .record(1, 0, null, null)
                .toArray();
        CorruptRecordException e = assertCorrupt(rawBatch(codec, two, 3, 2));
        assertTrue(e.getMessage().contains("declares 3 records"), e.getMessage());
        assertEquals(2, e.recordIndex());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectMoreRecordsThanDeclared(CompressionType codec) {
        byte[] two = new RecordWriter()
                .record(0, 0, null, null)
                .record(1, 0, null, null)
                .toArray();
        assertCorrupt(rawBatch(codec, two, 1, 0));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectTrailingGarbageAfterTheLastRecord(CompressionType codec) {
        byte[] records =
                new RecordWriter().record(0, 0, new byte[] {1}, null).raw(0).toArray();
        CorruptRecordException e = assertCorrupt(rawBatch(codec, records, 1, 0));
        assertTrue(
                e.getMessage().contains("after the last") || e.getMessage().contains("follow the last"),
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldRejectACompressedPayloadThatDecompressesToGarbage(CompressionType codec) {
        Random random = new Random(11);
        for (int attempt = 0; attempt < 50; attempt++) {
            byte[] garbage = new byte[1 + random.nextInt(500)];
            random.nextBytes(garbage);
            int count = 1 + random.nextInt(5);
            assertCorrupt(rawBatch(codec, garbage, count, count - 1));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldRejectACompressedPayloadThatIsGarbage(CompressionType codec) {
        Random random = new Random(12);
        for (int attempt = 0; attempt < 50; attempt++) {
            byte[] garbage = new byte[1 + random.nextInt(500)];
            random.nextBytes(garbage);
            ByteBuf batch = rawBatch(CompressionType.NONE, garbage, 1, 0);
            batch.setShort(RecordBatch.ATTRIBUTES_OFFSET, codec.id());
            TestBatches.rewriteCrc(batch, 0);
            CorruptRecordException e = assertCorrupt(batch);
            assertTrue(e.getMessage().startsWith("Record batch at index 0"), e.getMessage());
        }
    }

    /** A record claiming 2 GiB with a handful of bytes behind it costs nothing but an error. */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectARecordClaimingAHugeSizeWithoutAllocatingIt(CompressionType codec) {
        byte[] bomb = new RecordWriter()
                .varint(Integer.MAX_VALUE)
                .raw(0, 0, 0)
                .varint(-1)
                .varint(10)
                .raw(1, 2, 3)
                .toArray();
        ByteBuf batch = rawBatch(codec, bomb, 1, 0);
        long allocated = TestBatches.allocatedBy(
                () -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertCorrupt(batch)));
        assertTrue(allocated < 8 << 20, "allocated " + allocated + " bytes");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectAHugeHeaderCountWithoutAllocatingForIt(CompressionType codec) {
        byte[] record = recordWithBody(bodyStart()
                .varint(-1)
                .varint(-1)
                .varint(Integer.MAX_VALUE)
                .varint(0)
                .varint(-1));
        CorruptRecordException e = assertCorrupt(rawBatch(codec, record, 1, 0));
        assertTrue(e.getMessage().contains("header count"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRejectAHugeRecordCountWithoutAllocatingForIt(CompressionType codec) {
        byte[] one = new RecordWriter().record(0, 0, null, null).toArray();
        ByteBuf batch = rawBatch(codec, one, Integer.MAX_VALUE, Integer.MAX_VALUE - 1);
        CorruptRecordException e = assertCorrupt(batch);
        assertEquals(1, e.recordIndex());
    }

    @Test
    void shouldRejectANegativeRecordCount() {
        byte[] one = new RecordWriter().record(0, 0, null, null).toArray();
        ByteBuf batch = rawBatch(CompressionType.NONE, one, -1, 0);
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(batch).records());
        assertThrows(InvalidRecordException.class, () -> RecordValidator.validateProduce(batch, CLIENT));
    }

    @Test
    void shouldRejectANegativeBatchLength() {
        ByteBuf batch = new RecordBatchBuilder().append(1L, null, null).build();
        batch.setInt(RecordBatch.LENGTH_OFFSET, -1);
        assertThrows(CorruptRecordException.class, () -> RecordValidator.validateProduce(batch, CLIENT));
        assertThrows(
                CorruptRecordException.class,
                () -> RecordBatches.of(batch).iterator().hasNext());
    }

    /**
     * A real bomb: 128 MiB of zeros in one record, a few KiB compressed. Validation streams
     * through it, skipping the value, so it allocates almost nothing.
     */
    @Test
    void shouldValidateAHighlyCompressedRecordWithoutHoldingItInMemory() throws IOException {
        int valueSize = 128 << 20;
        byte[] head = new RecordWriter()
                .raw(0)
                .varlong(0)
                .varint(0)
                .varint(-1)
                .varint(valueSize)
                .toArray();
        byte[] tail = new RecordWriter().varint(0).toArray();
        int bodySize = head.length + valueSize + tail.length;
        ByteBuf compressed = Unpooled.buffer();
        try (OutputStream out = CompressionType.ZSTD.wrapForOutput(new ByteBufOutputStream(compressed))) {
            out.write(new RecordWriter().varint(bodySize).bytes(head).toArray());
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < valueSize / zeros.length; i++) {
                out.write(zeros);
            }
            out.write(tail);
        }
        ByteBuf batch = rawBatch(CompressionType.NONE, TestBatches.bytes(compressed), 1, 0);
        batch.setShort(RecordBatch.ATTRIBUTES_OFFSET, CompressionType.ZSTD.id());
        TestBatches.rewriteCrc(batch, 0);
        assertTrue(batch.readableBytes() < 64 << 10, "compressed to " + batch.readableBytes());

        ValidatedBatch[] result = new ValidatedBatch[1];
        long allocated = TestBatches.allocatedBy(() -> result[0] = RecordValidator.validateProduce(batch, CLIENT));
        assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
        assertTrue(result[0].uncompressedBytes() > valueSize);

        InvalidRecordException e = assertThrows(
                InvalidRecordException.class,
                () -> RecordValidator.validateProduce(batch, CLIENT.withMaxUncompressedBytes(16 << 20)));
        assertTrue(e.getMessage().contains("decompress to more than"), e.getMessage());
    }

    /**
     * Random damage behind a valid CRC (as a buggy or hostile client would send): whatever the
     * readers make of it, they either accept it or throw a RecordException.
     */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldSurviveRandomDamageWithOnlyTypedErrors(CompressionType codec) {
        ByteBuf original = BatchSpec.of(codec, TestBatches.sampleRecords(3, 6).subList(0, 5))
                .buildOurs();
        Random random = new Random(codec.ordinal());
        int rejected = 0;
        for (int attempt = 0; attempt < 400; attempt++) {
            ByteBuf damaged = Unpooled.copiedBuffer(original);
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                // Mostly the records, sometimes the counts in the header.
                int index = random.nextInt(5) == 0
                        ? RecordBatch.LAST_OFFSET_DELTA_OFFSET + random.nextInt(4)
                        : RecordBatch.HEADER_SIZE + random.nextInt(damaged.readableBytes() - RecordBatch.HEADER_SIZE);
                damaged.setByte(index, random.nextInt(256));
            }
            TestBatches.rewriteCrc(damaged, 0);
            RecordException validation = outcome(() -> RecordValidator.validateProduce(damaged, CLIENT));
            RecordException iteration = outcome(() -> RecordBatch.wrap(damaged).forEachRecord(TestBatches::readFully));
            if (validation != null) {
                rejected++;
            }
            if (iteration != null) {
                assertInstanceOf(CorruptRecordException.class, iteration, iteration.getMessage());
            }
        }
        assertTrue(rejected > 0, "random damage was never noticed");
    }

    /** The RecordException {@code action} throws, or null; any other exception fails the test. */
    private static RecordException outcome(Runnable action) {
        try {
            action.run();
            return null;
        } catch (RecordException e) {
            return e;
        }
    }
}

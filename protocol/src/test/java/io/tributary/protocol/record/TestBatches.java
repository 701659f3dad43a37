package io.tributary.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/**
 * Test support: batch descriptions that both kafka-clients (the oracle) and our builder can
 * build, sample records, comparisons between Kafka's view of a batch and ours, and raw batch
 * surgery for malformed-input tests.
 */
final class TestBatches {
    private TestBatches() {}

    record TestHeader(String key, byte[] value) {}

    record TestRecord(long timestamp, byte[] key, byte[] value, List<TestHeader> headers) {}

    /** A batch as both builders can express it; logAppendTime -1 means CreateTime. */
    record BatchSpec(
            CompressionType codec,
            int level,
            long baseOffset,
            int leaderEpoch,
            long producerId,
            short producerEpoch,
            int baseSequence,
            boolean transactional,
            long logAppendTime,
            List<TestRecord> records) {

        static BatchSpec of(CompressionType codec, List<TestRecord> records) {
            return new BatchSpec(codec, codec.defaultLevel(), 0L, -1, -1L, (short) -1, -1, false, -1L, records);
        }

        BatchSpec withBaseOffset(long offset) {
            return new BatchSpec(
                    codec,
                    level,
                    offset,
                    leaderEpoch,
                    producerId,
                    producerEpoch,
                    baseSequence,
                    transactional,
                    logAppendTime,
                    records);
        }

        BatchSpec withLevel(int newLevel) {
            return new BatchSpec(
                    codec,
                    newLevel,
                    baseOffset,
                    leaderEpoch,
                    producerId,
                    producerEpoch,
                    baseSequence,
                    transactional,
                    logAppendTime,
                    records);
        }

        BatchSpec withLeaderEpoch(int epoch) {
            return new BatchSpec(
                    codec,
                    level,
                    baseOffset,
                    epoch,
                    producerId,
                    producerEpoch,
                    baseSequence,
                    transactional,
                    logAppendTime,
                    records);
        }

        BatchSpec withProducer(long id, short epoch, int sequence) {
            return new BatchSpec(
                    codec, level, baseOffset, leaderEpoch, id, epoch, sequence, transactional, logAppendTime, records);
        }

        BatchSpec withTransactional(boolean value) {
            return new BatchSpec(
                    codec,
                    level,
                    baseOffset,
                    leaderEpoch,
                    producerId,
                    producerEpoch,
                    baseSequence,
                    value,
                    logAppendTime,
                    records);
        }

        BatchSpec withLogAppendTime(long time) {
            return new BatchSpec(
                    codec,
                    level,
                    baseOffset,
                    leaderEpoch,
                    producerId,
                    producerEpoch,
                    baseSequence,
                    transactional,
                    time,
                    records);
        }

        ByteBuf buildOurs() {
            RecordBatchBuilder builder = new RecordBatchBuilder()
                    .compression(codec, level)
                    .baseOffset(baseOffset)
                    .partitionLeaderEpoch(leaderEpoch)
                    .producer(producerId, producerEpoch, baseSequence)
                    .transactional(transactional);
            if (logAppendTime >= 0) {
                builder.logAppendTime(logAppendTime);
            }
            for (TestRecord r : records) {
                List<RecordHeader> headers = r.headers().stream()
                        .map(h -> RecordHeader.of(h.key(), h.value()))
                        .toList();
                builder.append(r.timestamp(), r.key(), r.value(), headers);
            }
            return builder.build();
        }

        ByteBuffer buildKafka() {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            MemoryRecordsBuilder builder = MemoryRecords.builder(
                    buffer,
                    (byte) 2,
                    kafkaCompression(codec, level),
                    logAppendTime >= 0
                            ? org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
                            : org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                    baseOffset,
                    logAppendTime >= 0 ? logAppendTime : RecordBatch.NO_TIMESTAMP,
                    producerId,
                    producerEpoch,
                    baseSequence,
                    transactional,
                    leaderEpoch);
            for (TestRecord r : records) {
                Header[] headers = r.headers().stream()
                        .map(h -> new org.apache.kafka.common.header.internals.RecordHeader(h.key(), h.value()))
                        .toArray(Header[]::new);
                builder.append(r.timestamp(), r.key(), r.value(), headers);
            }
            return builder.build().buffer();
        }
    }

    static Compression kafkaCompression(CompressionType codec, int level) {
        return switch (codec) {
            case NONE -> Compression.NONE;
            case GZIP -> Compression.gzip().level(level).build();
            case SNAPPY -> Compression.snappy().build();
            case LZ4 -> Compression.lz4().level(level).build();
            case ZSTD -> Compression.zstd().level(level).build();
        };
    }

    /**
     * Records with what tends to break codecs and parsers: null and empty keys and values,
     * headers with null values and non-ASCII keys, timestamps below the first, and values
     * larger than a snappy chunk (32 KiB) and an lz4 block (64 KiB).
     */
    static List<TestRecord> sampleRecords(long seed, int count) {
        Random random = new Random(seed);
        List<TestRecord> records = new ArrayList<>();
        long timestamp = 1_700_000_000_000L + random.nextInt(1000);
        for (int i = 0; i < count; i++) {
            byte[] key = i % 5 == 3 ? null : i % 11 == 4 ? new byte[0] : text(random, 1 + random.nextInt(20));
            byte[] value = i % 7 == 5 ? null : i % 13 == 6 ? new byte[0] : text(random, random.nextInt(300));
            if (i == count / 2 && count > 2) {
                value = text(random, 100_000);
            }
            List<TestHeader> headers = new ArrayList<>();
            for (int h = 0; h < i % 4; h++) {
                headers.add(new TestHeader(
                        h == 1 ? "héader-✓" : "h" + h, h == 2 ? null : text(random, random.nextInt(30))));
            }
            records.add(new TestRecord(timestamp + random.nextInt(2000) - 500, key, value, headers));
        }
        return records;
    }

    /** Compressible, varied bytes: words from a small vocabulary plus random bytes. */
    static byte[] text(Random random, int length) {
        String[] words = {"tributary", "kafka", "record", "batch", "offset", "{\"id\":", "}", " ", "\n"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(
                    random.nextInt(10) == 0 ? (char) ('A' + random.nextInt(26)) : words[random.nextInt(words.length)]);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(bytes, length);
    }

    static MutableRecordBatch onlyKafkaBatch(ByteBuffer buffer) {
        Iterator<MutableRecordBatch> batches =
                MemoryRecords.readableRecords(buffer.duplicate()).batches().iterator();
        MutableRecordBatch batch = batches.next();
        assertFalse(batches.hasNext(), "one batch expected");
        return batch;
    }

    static ByteBuf wrap(ByteBuffer buffer) {
        return Unpooled.wrappedBuffer(buffer.duplicate());
    }

    static ByteBuffer nio(ByteBuf buf) {
        ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
        buf.getBytes(buf.readerIndex(), copy);
        return copy.flip();
    }

    /** Every header field and every record field of the two views must agree. */
    static void assertSameBatch(org.apache.kafka.common.record.internal.RecordBatch kafka, RecordBatch ours) {
        assertEquals(kafka.baseOffset(), ours.baseOffset(), "baseOffset");
        assertEquals(kafka.sizeInBytes(), ours.sizeInBytes(), "sizeInBytes");
        assertEquals(kafka.sizeInBytes() - 12, ours.batchLength(), "batchLength");
        assertEquals(kafka.partitionLeaderEpoch(), ours.partitionLeaderEpoch(), "partitionLeaderEpoch");
        assertEquals(kafka.magic(), ours.magic(), "magic");
        assertEquals(kafka.checksum(), Integer.toUnsignedLong(ours.crc()), "crc");
        assertEquals(kafka.isValid(), ours.isValid(), "isValid");
        assertEquals(kafka.compressionType().id, ours.compressionType().id(), "compression id");
        assertEquals(kafka.compressionType().name, ours.compressionType().kafkaName(), "compression name");
        assertEquals(kafka.timestampType().name, ours.timestampType().kafkaName(), "timestampType");
        assertEquals(kafka.isTransactional(), ours.isTransactional(), "isTransactional");
        assertEquals(kafka.isControlBatch(), ours.isControl(), "isControl");
        assertEquals(kafka.deleteHorizonMs().isPresent(), ours.hasDeleteHorizon(), "hasDeleteHorizon");
        assertEquals(kafka.lastOffset() - kafka.baseOffset(), ours.lastOffsetDelta(), "lastOffsetDelta");
        assertEquals(kafka.lastOffset(), ours.lastOffset(), "lastOffset");
        assertEquals(kafka.nextOffset(), ours.nextOffset(), "nextOffset");
        assertEquals(((DefaultRecordBatch) kafka).baseTimestamp(), ours.baseTimestamp(), "baseTimestamp");
        assertEquals(kafka.maxTimestamp(), ours.maxTimestamp(), "maxTimestamp");
        assertEquals(kafka.producerId(), ours.producerId(), "producerId");
        assertEquals(kafka.hasProducerId(), ours.hasProducerId(), "hasProducerId");
        assertEquals(kafka.producerEpoch(), ours.producerEpoch(), "producerEpoch");
        assertEquals(kafka.baseSequence(), ours.baseSequence(), "baseSequence");
        assertEquals(kafka.lastSequence(), ours.lastSequence(), "lastSequence");
        assertEquals(kafka.countOrNull(), ours.recordsCount(), "recordsCount");
        assertEquals(kafka.isCompressed(), ours.isCompressed(), "isCompressed");

        int count = 0;
        try (RecordIterator records = ours.records()) {
            for (org.apache.kafka.common.record.internal.Record expected : kafka) {
                assertTrue(records.hasNext(), "record " + count + " missing");
                assertSameRecord(expected, records.next(), count);
                count++;
            }
            assertFalse(records.hasNext(), "more records than Kafka reads");
        }
        assertEquals(kafka.countOrNull(), count);
    }

    static void assertSameRecord(org.apache.kafka.common.record.internal.Record kafka, Record ours, int index) {
        String at = "record " + index + ": ";
        assertEquals(kafka.offset(), ours.offset(), at + "offset");
        assertEquals(kafka.timestamp(), ours.timestamp(), at + "timestamp");
        assertEquals(kafka.sequence(), ours.sequence(), at + "sequence");
        assertEquals(kafka.sizeInBytes(), ours.sizeInBytes(), at + "sizeInBytes");
        assertEquals(kafka.hasKey(), ours.hasKey(), at + "hasKey");
        assertEquals(kafka.keySize(), ours.keySize(), at + "keySize");
        assertArrayEquals(bytes(kafka.key()), ours.keyBytes(), at + "key");
        assertArrayEquals(bytes(kafka.key()), bytes(ours.key()), at + "key view");
        assertEquals(kafka.hasValue(), ours.hasValue(), at + "hasValue");
        assertEquals(kafka.valueSize(), ours.valueSize(), at + "valueSize");
        assertArrayEquals(bytes(kafka.value()), ours.valueBytes(), at + "value");
        assertArrayEquals(bytes(kafka.value()), bytes(ours.value()), at + "value view");
        Header[] kafkaHeaders = kafka.headers();
        assertEquals(kafkaHeaders.length, ours.headers().size(), at + "header count");
        for (int h = 0; h < kafkaHeaders.length; h++) {
            assertEquals(kafkaHeaders[h].key(), ours.headers().get(h).key(), at + "header key " + h);
            assertArrayEquals(kafkaHeaders[h].value(), ours.headers().get(h).valueBytes(), at + "header value " + h);
        }
    }

    /** Our record against the spec it was built from. */
    static void assertRecordMatches(TestRecord expected, Record actual) {
        assertArrayEquals(expected.key(), actual.keyBytes());
        assertArrayEquals(expected.value(), actual.valueBytes());
        assertEquals(expected.headers().size(), actual.headers().size());
        for (int h = 0; h < expected.headers().size(); h++) {
            assertEquals(
                    expected.headers().get(h).key(), actual.headers().get(h).key());
            assertArrayEquals(
                    expected.headers().get(h).value(), actual.headers().get(h).valueBytes());
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    static byte[] bytes(ByteBuf buf) {
        if (buf == null) {
            return null;
        }
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    static byte[] compress(CompressionType codec, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressor = codec.wrapForOutput(out)) {
            compressor.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A batch around hand-written record bytes, with a correct CRC unless the test breaks it:
     * the way to feed the readers records that no builder would write.
     */
    static ByteBuf rawBatch(CompressionType codec, byte[] recordBytes, int recordsCount, int lastOffsetDelta) {
        byte[] payload = codec == CompressionType.NONE ? recordBytes : compress(codec, recordBytes);
        ByteBuf out = Unpooled.buffer(RecordBatch.HEADER_SIZE + payload.length);
        out.writeLong(0L); // base offset
        out.writeInt(RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD + payload.length);
        out.writeInt(-1); // partition leader epoch
        out.writeByte(RecordBatch.MAGIC);
        out.writeInt(0); // crc, set below
        out.writeShort(codec.id());
        out.writeInt(lastOffsetDelta);
        out.writeLong(1_000L); // base timestamp
        out.writeLong(1_000L); // max timestamp
        out.writeLong(-1L);
        out.writeShort(-1);
        out.writeInt(-1);
        out.writeInt(recordsCount);
        out.writeBytes(payload);
        rewriteCrc(out, 0);
        return out;
    }

    static void rewriteCrc(ByteBuf buf, int index) {
        RecordBatch batch = RecordBatch.wrap(buf, index);
        buf.setInt(index + RecordBatch.CRC_OFFSET, batch.computeCrc());
    }

    /** Writes record fields by hand, including ones no encoder would produce. */
    static final class RecordWriter {
        private final ByteBuf out = Unpooled.buffer();

        RecordWriter varint(int value) {
            Varints.writeVarint(out, value);
            return this;
        }

        RecordWriter varlong(long value) {
            Varints.writeVarlong(out, value);
            return this;
        }

        RecordWriter raw(int... bytes) {
            for (int b : bytes) {
                out.writeByte(b);
            }
            return this;
        }

        RecordWriter bytes(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** A well-formed record: length prefix, then the body. */
        RecordWriter record(int offsetDelta, long timestampDelta, byte[] key, byte[] value) {
            RecordWriter body =
                    new RecordWriter().raw(0).varlong(timestampDelta).varint(offsetDelta);
            body.field(key).field(value).varint(0);
            byte[] b = body.toArray();
            return varint(b.length).bytes(b);
        }

        RecordWriter field(byte[] bytes) {
            if (bytes == null) {
                return varint(-1);
            }
            return varint(bytes.length).bytes(bytes);
        }

        byte[] toArray() {
            byte[] b = new byte[out.readableBytes()];
            out.getBytes(0, b);
            return b;
        }
    }

    /**
     * Heap bytes the current thread allocates while running {@code action}. Through reflection
     * because the tests run inside our module, which does not read java.management.
     */
    static long allocatedBy(Runnable action) {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean")
                    .invoke(null);
            java.lang.reflect.Method allocated =
                    Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            long before = (long) allocated.invoke(threads);
            action.run();
            return (long) allocated.invoke(threads) - before;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the JDK's allocation counter is not available", e);
        }
    }

    /** Reads everything a consumer would: keys, values, headers. */
    static void readFully(Record record) {
        record.keyBytes();
        record.valueBytes();
        record.headers().forEach(RecordHeader::valueBytes);
    }
}

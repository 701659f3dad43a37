package io.tributary.protocol.record;

import static io.tributary.protocol.record.TestBatches.assertSameBatch;
import static io.tributary.protocol.record.TestBatches.nio;
import static io.tributary.protocol.record.TestBatches.onlyKafkaBatch;
import static io.tributary.protocol.record.TestBatches.sampleRecords;
import static io.tributary.protocol.record.TestBatches.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.tributary.protocol.record.TestBatches.BatchSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** kafka-clients 4.4 is the oracle: batches go both ways and must read back identically. */
class KafkaInteropTest {

    /** Every codec, at its default and its extreme levels, with every header flag. */
    static Stream<Arguments> specs() {
        List<Arguments> specs = new ArrayList<>();
        int seed = 0;
        for (CompressionType codec : CompressionType.values()) {
            List<Integer> levels = codec.hasLevels()
                    ? List.of(codec.defaultLevel(), codec.minLevel(), codec.maxLevel())
                    : List.of(codec.defaultLevel());
            if (codec == CompressionType.ZSTD) {
                levels = List.of(codec.defaultLevel(), -5, 19); // -131072 and 22 are slow and add nothing
            }
            for (int level : levels) {
                BatchSpec plain = BatchSpec.of(codec, sampleRecords(seed++, 12)).withLevel(level);
                specs.add(Arguments.of(codec + "/" + level + " plain", plain));
                if (level != codec.defaultLevel()) {
                    continue;
                }
                specs.add(Arguments.of(
                        codec + " base offset and leader epoch",
                        plain.withBaseOffset(1_234_567_890_123L).withLeaderEpoch(42)));
                specs.add(Arguments.of(codec + " idempotent", plain.withProducer(77L, (short) 3, 1000)));
                specs.add(Arguments.of(
                        codec + " idempotent, sequence wrapping",
                        plain.withProducer(77L, (short) 3, Integer.MAX_VALUE - 4)));
                specs.add(Arguments.of(
                        codec + " transactional",
                        plain.withProducer(9_000_000_000L, (short) 0, 0).withTransactional(true)));
                specs.add(Arguments.of(codec + " LogAppendTime", plain.withLogAppendTime(1_800_000_000_000L)));
                specs.add(Arguments.of(codec + " one record", BatchSpec.of(codec, sampleRecords(seed++, 1))));
                specs.add(Arguments.of(
                        codec + " many small records",
                        BatchSpec.of(codec, sampleRecords(seed++, 500).subList(0, 200))));
            }
        }
        return specs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void shouldReadKafkaBatchesIdentically(String name, BatchSpec spec) {
        ByteBuffer kafkaBytes = spec.buildKafka();
        MutableRecordBatch kafka = onlyKafkaBatch(kafkaBytes);
        kafka.ensureValid();

        RecordBatch ours = RecordBatch.wrap(wrap(kafkaBytes));
        ours.ensureValid();
        assertSameBatch(kafka, ours);
        ValidatedBatch validated = RecordValidator.validate(ours, ValidationOptions.CLIENT_PRODUCE);
        assertEquals(spec.records().size(), validated.recordCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void shouldWriteBatchesKafkaReadsIdentically(String name, BatchSpec spec) {
        ByteBuf ours = spec.buildOurs();
        MutableRecordBatch kafka = onlyKafkaBatch(nio(ours));
        kafka.ensureValid();
        assertSameBatch(kafka, RecordBatch.wrap(ours));

        // And against the spec itself, so that a shared mistake cannot pass unseen.
        try (RecordIterator records = RecordBatch.wrap(ours).records()) {
            for (TestBatches.TestRecord expected : spec.records()) {
                Record actual = records.next();
                TestBatches.assertRecordMatches(expected, actual);
                assertEquals(
                        spec.logAppendTime() >= 0 ? spec.logAppendTime() : expected.timestamp(), actual.timestamp());
            }
            assertFalse(records.hasNext());
        }
    }

    /**
     * The same batch from both builders is the same bytes: header, record encoding and codec
     * framing (lz4 block size and flags, snappy chunking, gzip and zstd streams) all match.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void shouldWriteTheSameBytesAsKafka(String name, BatchSpec spec) {
        assertArrayEquals(TestBatches.bytes(spec.buildKafka()), TestBatches.bytes(spec.buildOurs()));
    }

    @ParameterizedTest
    @EnumSource(names = {"COMMIT", "ABORT"})
    void shouldReadKafkaTransactionMarkers(ControlRecordType type) {
        org.apache.kafka.common.record.internal.ControlRecordType kafkaType =
                org.apache.kafka.common.record.internal.ControlRecordType.valueOf(type.name());
        MemoryRecords kafkaRecords = MemoryRecords.withEndTransactionMarker(
                500L, 1_700_000_000_000L, 7, 4242L, (short) 5, new EndTransactionMarker(kafkaType, 19));
        ByteBuffer kafkaBytes = kafkaRecords.buffer();
        MutableRecordBatch kafka = onlyKafkaBatch(kafkaBytes);

        RecordBatch ours = RecordBatch.wrap(wrap(kafkaBytes));
        ours.ensureValid();
        assertSameBatch(kafka, ours);
        assertTrue(ours.isControl());
        assertTrue(ours.isTransactional());
        try (RecordIterator records = ours.records()) {
            Record record = records.next();
            ControlRecordKey key = ControlRecordKey.parse(record.key());
            assertEquals(new ControlRecordKey((short) 0, type.id()), key);
            assertEquals(type, key.type());
            assertEquals(new EndTxnMarker(type, (short) 0, 19), EndTxnMarker.read(record));
            assertFalse(records.hasNext());
        }
        RecordValidator.validate(ours, ValidationOptions.CLIENT_PRODUCE.withAllowControlBatches(true));
    }

    @ParameterizedTest
    @EnumSource(names = {"COMMIT", "ABORT"})
    void shouldWriteTransactionMarkersKafkaReads(ControlRecordType type) {
        EndTxnMarker marker = type == ControlRecordType.COMMIT ? EndTxnMarker.commit(19) : EndTxnMarker.abort(19);
        ByteBuf ours = RecordBatchBuilder.endTxnMarker(marker, 4242L, (short) 5, 1_700_000_000_000L)
                .baseOffset(500L)
                .partitionLeaderEpoch(7)
                .build();
        MutableRecordBatch kafka = onlyKafkaBatch(nio(ours));
        kafka.ensureValid();
        assertSameBatch(kafka, RecordBatch.wrap(ours));
        org.apache.kafka.common.record.internal.Record kafkaRecord =
                kafka.iterator().next();
        EndTransactionMarker kafkaMarker = EndTransactionMarker.deserialize(kafkaRecord);
        assertEquals(type.name(), kafkaMarker.controlType().name());
        assertEquals(19, kafkaMarker.coordinatorEpoch());

        // Byte for byte what Kafka's own coordinator writes.
        ByteBuffer expected = MemoryRecords.withEndTransactionMarker(
                        500L,
                        1_700_000_000_000L,
                        7,
                        4242L,
                        (short) 5,
                        new EndTransactionMarker(
                                org.apache.kafka.common.record.internal.ControlRecordType.valueOf(type.name()), 19))
                .buffer();
        assertArrayEquals(TestBatches.bytes(expected), TestBatches.bytes(ours));
    }

    @Test
    void shouldReadSeveralKafkaBatchesBackToBack() {
        List<ByteBuffer> parts = new ArrayList<>();
        long offset = 0;
        int seed = 100;
        for (CompressionType codec : CompressionType.values()) {
            BatchSpec spec = BatchSpec.of(codec, sampleRecords(seed++, 5)).withBaseOffset(offset);
            parts.add(spec.buildKafka());
            offset += 5;
        }
        parts.add(MemoryRecords.withEndTransactionMarker(
                        offset,
                        1L,
                        3,
                        11L,
                        (short) 1,
                        new EndTransactionMarker(org.apache.kafka.common.record.internal.ControlRecordType.COMMIT, 2))
                .buffer());
        int total = parts.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(total);
        parts.forEach(p -> all.put(p.duplicate()));
        all.flip();

        Iterator<MutableRecordBatch> kafka =
                MemoryRecords.readableRecords(all.duplicate()).batches().iterator();
        RecordBatches ours = RecordBatches.of(wrap(all));
        int count = 0;
        for (RecordBatch batch : ours) {
            assertSameBatch(kafka.next(), batch);
            count++;
        }
        assertFalse(kafka.hasNext());
        assertEquals(parts.size(), count);
        assertEquals(total, ours.validBytes());
        assertFalse(ours.hasPartialBatch());
    }
}

package io.tributary.tck.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.BatchCodec;
import io.tributary.spi.storage.BatchRewriter;
import io.tributary.spi.storage.CorruptRecordException;
import io.tributary.spi.storage.RecordBatchLayout;
import io.tributary.spi.storage.RecordCursor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SPI's batch rewriter, checked against the TCK's own (independent) batch parser. */
class BatchRewriterTest {

    private static ByteBuffer section(ByteBuffer batch) {
        int size = RecordBatchLayout.totalSize(batch, 0);
        return batch.slice(RecordBatchLayout.HEADER_SIZE, size - RecordBatchLayout.HEADER_SIZE);
    }

    /** Keeps the records whose index is in {@code keep}. */
    private static ByteBuffer rewrite(ByteBuffer batch, ByteBuffer section, List<Integer> keep, long horizon)
            throws IOException {
        BatchRewriter rewriter = new BatchRewriter().begin(batch, 0, section);
        RecordCursor cursor = new RecordCursor().reset(section, RecordBatchLayout.recordsCount(batch, 0));
        int i = 0;
        while (cursor.next()) {
            if (keep.contains(i)) {
                rewriter.keep(cursor);
            }
            i++;
        }
        return rewriter.finish(horizon, BatchCodec.GZIP_ONLY);
    }

    @Test
    void shouldKeepOffsetsTimestampsAndTheLastOffsetDeltaOfTheRecordsItKeeps() throws IOException {
        ByteBuffer batch = BatchBuilder.batch()
                .baseOffset(100)
                .leaderEpoch(4)
                .producer(9, (short) 2, 50)
                .record("a", "1", 1_000)
                .record("b", "2", 1_007)
                .record("c", "3", 1_003)
                .build();

        StoredBatch out = StoredBatch.parseAll(rewrite(batch, section(batch), List.of(1, 2), -1))
                .getFirst();

        assertTrue(out.crcValid());
        assertEquals(100, out.baseOffset());
        assertEquals(102, out.lastOffset(), "the batch still ends where it ended");
        assertEquals(4, out.leaderEpoch());
        assertEquals(9, out.producerId());
        assertEquals(2, out.recordCount());
        assertEquals(
                List.of("101:b=2@1007", "102:c=3@1003"),
                out.records().stream()
                        .map(r -> r.offset() + ":" + r.key() + "=" + r.value() + "@" + r.timestamp())
                        .toList());
        assertEquals(1_007, out.maxTimestamp());
        assertEquals(-1, out.deleteHorizonMs());
    }

    @Test
    void shouldStampADeleteHorizonAndKeepRecordTimestamps() throws IOException {
        ByteBuffer batch = BatchBuilder.batch()
                .record("a", null, 5_000)
                .record("b", "x", 5_010)
                .build();

        StoredBatch out = StoredBatch.parseAll(rewrite(batch, section(batch), List.of(0, 1), 90_000))
                .getFirst();

        assertTrue(out.crcValid());
        assertEquals(90_000, out.deleteHorizonMs());
        assertEquals(5_000, out.records().get(0).timestamp(), "timestamps re-based on the horizon");
        assertEquals(null, out.records().get(0).value());
        assertEquals(5_010, out.records().get(1).timestamp());
        assertEquals(5_010, out.maxTimestamp());
    }

    @Test
    void shouldRecompressAGzipBatch() throws IOException {
        ByteBuffer batch = BatchBuilder.batch()
                .gzip()
                .record("a", "1", 1)
                .record("b", "2", 2)
                .build();
        ByteBuffer records = BatchCodec.GZIP_ONLY.decompress(1, section(batch));

        StoredBatch out =
                StoredBatch.parseAll(rewrite(batch, records, List.of(0), -1)).getFirst();

        assertTrue(out.crcValid());
        assertEquals(1, out.compression());
        assertEquals(List.of("1"), out.values());
    }

    @Test
    void shouldWriteAnEmptyBatchThatKeepsTheProducerFields() {
        ByteBuffer batch = BatchBuilder.batch()
                .baseOffset(7)
                .producer(3, (short) 1, 20)
                .gzip()
                .record("a", "1", 10)
                .record("b", "2", 30)
                .build();

        ByteBuffer empty = BatchRewriter.emptyBatch(batch, 0);

        StoredBatch out = StoredBatch.parseAll(empty).getFirst();
        assertTrue(out.crcValid());
        assertEquals(7, out.baseOffset());
        assertEquals(8, out.lastOffset());
        assertEquals(0, out.recordCount());
        assertEquals(0, out.compression());
        assertEquals(20, RecordBatchLayout.baseSequence(empty, 0));
        assertEquals(30, out.maxTimestamp());
    }

    @Test
    void shouldRejectARecordThatRunsPastItsSection() {
        ByteBuffer batch = BatchBuilder.batch().record("a", "value", 1).build();
        ByteBuffer cut = section(batch).slice(0, section(batch).limit() - 2);

        RecordCursor cursor = new RecordCursor().reset(cut, 1);

        assertThrows(CorruptRecordException.class, cursor::next);
    }
}

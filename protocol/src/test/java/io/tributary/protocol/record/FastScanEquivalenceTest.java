package io.tributary.protocol.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast scan of uncompressed batches must decide exactly as the full parser does: same
 * result for every batch it accepts, and it must never accept one the parser rejects. Checked
 * over random batches (null and empty keys and values, headers, large timestamp deltas, varints
 * of several bytes), each also damaged at random places with a fresh CRC so that the damage
 * reaches the record walk, under random policies.
 */
class FastScanEquivalenceTest {
    private static final int BATCHES = 3_000;

    @Test
    void shouldDecideEveryBatchExactlyAsTheFullParser() {
        SplittableRandom random = new SplittableRandom(20261126);
        int accepted = 0;
        int rejected = 0;
        for (int n = 0; n < BATCHES; n++) {
            ByteBuf buf = randomBatch(random);
            if (n % 4 != 0) {
                damage(buf, random);
            }
            ValidationOptions options = randomOptions(random);
            Outcome slow = outcome(buf, options, false);
            Outcome fast = outcome(buf, options, true);
            assertEquals(slow, fast, "batch " + n);
            if (slow.error() == null) {
                accepted++;
            } else {
                rejected++;
            }
        }
        // Both kinds must be well represented, or the comparison proves little.
        assertTrue(accepted > BATCHES / 5, "accepted " + accepted);
        assertTrue(rejected > BATCHES / 5, "rejected " + rejected);
    }

    private record Outcome(int count, long maxTimestamp, int offsetDeltaOfMax, long bytes, String error) {}

    private static Outcome outcome(ByteBuf buf, ValidationOptions options, boolean fastScan) {
        try {
            ValidatedBatch v = RecordValidator.validate(RecordBatch.wrap(buf.duplicate(), 0), options, fastScan);
            return new Outcome(
                    v.recordCount(), v.maxTimestamp(), v.offsetDeltaOfMaxTimestamp(), v.uncompressedBytes(), null);
        } catch (RecordException e) {
            return new Outcome(0, 0, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static ByteBuf randomBatch(SplittableRandom random) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        long base = 1_700_000_000_000L;
        int records = 1 + random.nextInt(random.nextBoolean() ? 4 : 40);
        for (int i = 0; i < records; i++) {
            long timestamp = base + (random.nextInt(8) == 0 ? random.nextLong(1L << 40) : random.nextInt(200));
            List<RecordHeader> headers = new ArrayList<>();
            int headerCount = random.nextInt(5) == 0 ? 1 + random.nextInt(3) : 0;
            for (int h = 0; h < headerCount; h++) {
                headers.add(RecordHeader.of("h" + random.nextInt(1000), bytes(random)));
            }
            builder.append(timestamp, bytes(random), bytes(random), headers);
        }
        return builder.build();
    }

    /** Null, empty, short, or long enough for a two-byte length varint. */
    private static byte[] bytes(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> new byte[70 + random.nextInt(200)];
            default -> new byte[1 + random.nextInt(12)];
        };
    }

    /** Overwrites, truncates or grows the records part, then rewrites the length and CRC. */
    private static void damage(ByteBuf buf, SplittableRandom random) {
        int recordsStart = RecordBatch.HEADER_SIZE;
        int size = buf.writerIndex();
        switch (random.nextInt(4)) {
            case 0, 1 -> {
                int changes = 1 + random.nextInt(3);
                for (int c = 0; c < changes; c++) {
                    int at = recordsStart + random.nextInt(size - recordsStart);
                    int value = random.nextBoolean() ? random.nextInt(256) : (random.nextBoolean() ? 0x80 : 0x01);
                    buf.setByte(at, value);
                }
            }
            case 2 -> buf.writerIndex(recordsStart + random.nextInt(size - recordsStart));
            default -> {
                int extra = 1 + random.nextInt(4);
                for (int e = 0; e < extra; e++) {
                    buf.writeByte(random.nextInt(256));
                }
            }
        }
        buf.setInt(RecordBatch.LENGTH_OFFSET, buf.writerIndex() - RecordBatch.LOG_OVERHEAD);
        TestBatches.rewriteCrc(buf, 0);
    }

    private static ValidationOptions randomOptions(SplittableRandom random) {
        ValidationOptions options = ValidationOptions.CLIENT_PRODUCE.withRequireKeys(random.nextInt(4) == 0);
        if (random.nextInt(4) == 0) {
            long min = 1_700_000_000_000L + random.nextInt(100);
            options = options.withTimestampRange(min, min + random.nextInt(1_000_000));
        }
        return options;
    }
}

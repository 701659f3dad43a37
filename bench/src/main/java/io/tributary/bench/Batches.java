package io.tributary.bench;

import io.netty.buffer.ByteBuf;
import io.tributary.protocol.record.CompressionType;
import io.tributary.protocol.record.RecordBatchBuilder;
import java.util.Random;

/** Record batches shaped like the perf workloads: 100-byte random values, no keys. */
final class Batches {
    private Batches() {}

    /** A batch of {@code count} records of {@code valueSize} bytes, as a producer with idempotence sends it. */
    static ByteBuf batch(int count, int valueSize, CompressionType codec) {
        Random random = new Random(42);
        RecordBatchBuilder b = new RecordBatchBuilder().compression(codec).producer(1000L, (short) 0, 0);
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueSize];
            for (int j = 0; j < valueSize; j++) {
                value[j] = (byte) ('A' + random.nextInt(26));
            }
            b.append(now, null, value);
        }
        return b.build();
    }
}

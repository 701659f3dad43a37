package io.tributary.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

class VarintsTest {
    private static final long[] EDGES = {
        0,
        1,
        -1,
        63,
        64,
        -64,
        -65,
        8191,
        8192,
        Short.MAX_VALUE,
        Short.MIN_VALUE,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        Integer.MAX_VALUE + 1L,
        Integer.MIN_VALUE - 1L,
        Long.MAX_VALUE,
        Long.MIN_VALUE
    };

    private static LongStream samples() {
        return LongStream.concat(
                LongStream.of(EDGES), new Random(1).longs(2_000).map(v -> v >> (v & 63)));
    }

    @Test
    void shouldEncodeVarintsAsKafkaDoes() {
        samples().mapToInt(v -> (int) v).forEach(value -> {
            ByteBuf ours = Unpooled.buffer();
            Varints.writeVarint(ours, value);
            ByteBuffer kafka = ByteBuffer.allocate(5);
            ByteUtils.writeVarint(value, kafka);
            assertArrayEquals(TestBatches.bytes(kafka.flip()), TestBatches.bytes(ours), "value " + value);
            assertEquals(ByteUtils.sizeOfVarint(value), Varints.sizeOfVarint(value), "size of " + value);
            long packed = Varints.readCheckedVarint(ours, 0);
            assertEquals(value, Varints.value(packed));
            assertEquals(ours.readableBytes(), Varints.length(packed));
        });
    }

    @Test
    void shouldEncodeVarlongsAsKafkaDoes() {
        samples().forEach(value -> {
            ByteBuf ours = Unpooled.buffer();
            Varints.writeVarlong(ours, value);
            ByteBuffer kafka = ByteBuffer.allocate(10);
            ByteUtils.writeVarlong(value, kafka);
            assertArrayEquals(TestBatches.bytes(kafka.flip()), TestBatches.bytes(ours), "value " + value);
            assertEquals(ByteUtils.sizeOfVarlong(value), Varints.sizeOfVarlong(value), "size of " + value);
        });
    }

    @Test
    void shouldZigZagSmallMagnitudesToSmallNumbers() {
        assertEquals(0, Varints.zigZag(0));
        assertEquals(1, Varints.zigZag(-1));
        assertEquals(2, Varints.zigZag(1));
        assertEquals(-1, Varints.zigZag(Integer.MIN_VALUE));
        assertEquals(Integer.MIN_VALUE, Varints.unZigZag(-1));
        assertEquals(Long.MIN_VALUE, Varints.unZigZag(-1L));
    }
}

package io.tributary.kernel.cleaner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolBatchCodecTest {

    @Test
    void shouldRoundTripEveryCodecTheBrokerAccepts() throws IOException {
        byte[] records = "records section ".repeat(500).getBytes(StandardCharsets.UTF_8);
        for (int codec = 1; codec <= 4; codec++) {
            assertTrue(ProtocolBatchCodec.INSTANCE.supports(codec));
            ByteBuffer compressed = ProtocolBatchCodec.INSTANCE.compress(codec, ByteBuffer.wrap(records));
            assertTrue(compressed.remaining() < records.length, "codec " + codec + " compresses");

            ByteBuffer back = ProtocolBatchCodec.INSTANCE.decompress(codec, compressed);

            byte[] out = new byte[back.remaining()];
            back.get(out);
            assertArrayEquals(records, out, "codec " + codec);
        }
    }

    @Test
    void shouldRefuseUnknownCodecsAndDamagedData() {
        assertFalse(ProtocolBatchCodec.INSTANCE.supports(0));
        assertFalse(ProtocolBatchCodec.INSTANCE.supports(5));
        assertThrows(
                IOException.class,
                () -> ProtocolBatchCodec.INSTANCE.decompress(1, ByteBuffer.wrap(new byte[] {1, 2, 3, 4})));
    }
}

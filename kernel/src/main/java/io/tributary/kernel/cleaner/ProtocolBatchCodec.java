package io.tributary.kernel.cleaner;

import io.tributary.protocol.record.CompressionType;
import io.tributary.spi.storage.BatchCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The kernel's {@link BatchCodec}: every codec the broker accepts on produce (gzip, snappy, lz4,
 * zstd), through the protocol module's {@link CompressionType}, so storage engines can compact
 * compressed batches without depending on the codec libraries. Recompression uses each codec's
 * default level. Thread-safe (stateless).
 */
public final class ProtocolBatchCodec implements BatchCodec {
    public static final ProtocolBatchCodec INSTANCE = new ProtocolBatchCodec();

    private ProtocolBatchCodec() {}

    @Override
    public boolean supports(int codec) {
        return codec >= 1 && codec <= 4;
    }

    @Override
    public ByteBuffer decompress(int codec, ByteBuffer compressed) throws IOException {
        try (InputStream in = CompressionType.forId(codec).wrapForInput(new ByteArrayInputStream(bytes(compressed)))) {
            return ByteBuffer.wrap(in.readAllBytes());
        }
    }

    @Override
    public ByteBuffer compress(int codec, ByteBuffer records) throws IOException {
        byte[] raw = bytes(records);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
        try (OutputStream c = CompressionType.forId(codec).wrapForOutput(out)) {
            c.write(raw);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public String toString() {
        return "gzip, snappy, lz4, zstd";
    }
}

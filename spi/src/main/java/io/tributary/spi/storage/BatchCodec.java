package io.tributary.spi.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Decompresses and compresses the records section of a v2 batch, for engines that must look
 * inside batches (compaction reads keys and rewrites batches). The codec ids are the batch
 * attribute's compression bits (1 gzip, 2 snappy, 3 lz4, 4 zstd). The kernel passes one that
 * knows every codec it accepts on produce; {@link #GZIP_ONLY} needs nothing beyond {@code
 * java.base}. Implementations are thread-safe.
 */
public interface BatchCodec {

    /** Whether {@link #decompress} and {@link #compress} handle {@code codec}. */
    boolean supports(int codec);

    /**
     * The records of a batch compressed with {@code codec}, uncompressed.
     *
     * @param compressed the records section as stored (position to limit; not changed)
     * @throws IOException if the bytes do not decompress
     */
    ByteBuffer decompress(int codec, ByteBuffer compressed) throws IOException;

    /**
     * Compresses a records section with {@code codec}.
     *
     * @param records uncompressed records (position to limit; not changed)
     */
    ByteBuffer compress(int codec, ByteBuffer records) throws IOException;

    /** gzip only, from {@code java.util.zip}: what an engine can do without the kernel's help. */
    BatchCodec GZIP_ONLY = new BatchCodec() {
        private static final int GZIP = 1;

        @Override
        public boolean supports(int codec) {
            return codec == GZIP;
        }

        @Override
        public ByteBuffer decompress(int codec, ByteBuffer compressed) throws IOException {
            check(codec);
            byte[] in = new byte[compressed.remaining()];
            compressed.duplicate().get(in);
            try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                return ByteBuffer.wrap(gz.readAllBytes());
            }
        }

        @Override
        public ByteBuffer compress(int codec, ByteBuffer records) throws IOException {
            check(codec);
            byte[] in = new byte[records.remaining()];
            records.duplicate().get(in);
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(in);
            }
            return ByteBuffer.wrap(out.toByteArray());
        }

        private void check(int codec) {
            if (codec != GZIP) {
                throw new IllegalArgumentException("Only gzip (1) is supported here, not codec " + codec);
            }
        }

        @Override
        public String toString() {
            return "gzip only";
        }
    };
}

package io.tributary.protocol.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xerial.snappy.Snappy;

class CompressionTypeTest {
    private static final byte[] DATA = TestBatches.text(new Random(7), 300_000);

    @Test
    void shouldUseKafkasIdsAndNames() {
        String[] names = {"none", "gzip", "snappy", "lz4", "zstd"};
        for (int id = 0; id < names.length; id++) {
            CompressionType type = CompressionType.forId(id);
            assertEquals(id, type.id());
            assertEquals(names[id], type.kafkaName());
            assertEquals(names[id], type.toString());
            assertEquals(type, CompressionType.forName(names[id]));
            org.apache.kafka.common.record.internal.CompressionType kafka =
                    org.apache.kafka.common.record.internal.CompressionType.forId(id);
            assertEquals(kafka.name, type.kafkaName());
        }
    }

    @Test
    void shouldRejectUnknownIdsAndNames() {
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forId(5));
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forId(-1));
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forName("GZIP"));
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forName("producer"));
    }

    @Test
    void shouldUseKafkasCompressionLevelRanges() {
        assertLevels(CompressionType.GZIP, 1, 9, -1);
        assertLevels(CompressionType.LZ4, 1, 17, 9);
        assertLevels(CompressionType.ZSTD, -131072, 22, 3);
        assertFalse(CompressionType.NONE.hasLevels());
        assertFalse(CompressionType.SNAPPY.hasLevels());
        assertTrue(CompressionType.GZIP.isValidLevel(-1));
        assertFalse(CompressionType.GZIP.isValidLevel(0));
        assertFalse(CompressionType.GZIP.isValidLevel(10));
        assertFalse(CompressionType.LZ4.isValidLevel(0));
        assertFalse(CompressionType.LZ4.isValidLevel(18));
        assertFalse(CompressionType.ZSTD.isValidLevel(23));
        assertFalse(CompressionType.SNAPPY.isValidLevel(1));
        assertThrows(
                IllegalArgumentException.class,
                () -> CompressionType.GZIP.wrapForOutput(new ByteArrayOutputStream(), 10));
    }

    private static void assertLevels(CompressionType type, int min, int max, int defaultLevel) {
        assertTrue(type.hasLevels());
        assertEquals(min, type.minLevel());
        assertEquals(max, type.maxLevel());
        assertEquals(defaultLevel, type.defaultLevel());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldRoundTripAtEveryEndOfTheLevelRange(CompressionType codec) throws IOException {
        int[] levels = codec == CompressionType.ZSTD
                ? new int[] {-131072, -1, 3, 12}
                : new int[] {codec.minLevel(), codec.defaultLevel(), codec.maxLevel()};
        for (int level : levels) {
            byte[] compressed = compress(codec, level, DATA);
            assertArrayEquals(DATA, decompress(codec, compressed), codec + " level " + level);
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldDecompressWhatKafkaCompresses(CompressionType codec) throws IOException {
        ByteBufferOutputStream kafkaOut = new ByteBufferOutputStream(1024);
        try (var out = TestBatches.kafkaCompression(codec, codec.defaultLevel()).wrapForOutput(kafkaOut, (byte) 2)) {
            out.write(DATA);
        }
        ByteBuffer compressed = kafkaOut.buffer().flip();
        assertArrayEquals(DATA, decompress(codec, TestBatches.bytes(compressed)));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldWriteWhatKafkaDecompresses(CompressionType codec) throws IOException {
        byte[] compressed = compress(codec, codec.defaultLevel(), DATA);
        try (InputStream in = TestBatches.kafkaCompression(codec, codec.defaultLevel())
                .wrapForInput(ByteBuffer.wrap(compressed), (byte) 2, BufferSupplier.NO_CACHING)) {
            assertArrayEquals(DATA, in.readAllBytes());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"LZ4", "GZIP", "ZSTD", "SNAPPY"})
    void shouldWriteTheSameStreamAsKafkaAtNonDefaultLevels(CompressionType codec) throws IOException {
        int level = codec.hasLevels() ? codec.minLevel() + 1 : codec.defaultLevel();
        ByteBufferOutputStream kafkaOut = new ByteBufferOutputStream(1024);
        try (var out = TestBatches.kafkaCompression(codec, level).wrapForOutput(kafkaOut, (byte) 2)) {
            out.write(DATA);
        }
        assertArrayEquals(TestBatches.bytes(kafkaOut.buffer().flip()), compress(codec, level, DATA));
    }

    @Test
    void shouldWriteLz4FramesWithIndependent64KiBBlocksAndNoChecksums() throws IOException {
        byte[] frame = compress(CompressionType.LZ4, 9, DATA);
        assertArrayEquals(new byte[] {0x04, 0x22, 0x4D, 0x18}, Arrays.copyOf(frame, 4), "magic");
        assertEquals(0x60, frame[4] & 0xFF, "FLG: version 01, independent blocks, no checksums, no size");
        assertEquals(0x40, frame[5] & 0xFF, "BD: 64 KiB maximum block size");
    }

    @Test
    void shouldReadARawSnappyBlockAsLibrdkafkaWritesIt() throws IOException {
        byte[] raw = Snappy.compress(DATA);
        assertArrayEquals(DATA, decompress(CompressionType.SNAPPY, raw));
    }

    @Test
    void shouldReadConcatenatedSnappyStreams() throws IOException {
        byte[] first = compress(CompressionType.SNAPPY, 0, Arrays.copyOf(DATA, 1000));
        byte[] second = compress(CompressionType.SNAPPY, 0, Arrays.copyOfRange(DATA, 1000, 5000));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertArrayEquals(Arrays.copyOf(DATA, 5000), decompress(CompressionType.SNAPPY, both));
    }

    @Test
    void shouldRejectASnappyChunkLongerThanTheStreamWithoutAllocatingIt() {
        byte[] stream = Arrays.copyOf(compress(CompressionType.SNAPPY, 0, new byte[10]), 16 + 4 + 10);
        // A chunk that claims 512 MiB, followed by 10 bytes.
        stream[16] = 0x20;
        stream[17] = 0;
        stream[18] = 0;
        stream[19] = 0;
        IOException e = assertThrows(IOException.class, () -> decompress(CompressionType.SNAPPY, stream));
        assertTrue(e.getMessage().contains("536870912"), e.getMessage());
    }

    @Test
    void shouldRejectASnappyBlockClaimingMoreOutputThanSnappyCanEncode() {
        // A raw block whose length preamble claims 2^31 - 1 bytes, with almost nothing behind it.
        byte[] block = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x00, 0x61};
        IOException e = assertThrows(IOException.class, () -> decompress(CompressionType.SNAPPY, block));
        assertTrue(e.getMessage().contains("cannot hold"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldReportGarbageAsAnIOException(CompressionType codec) {
        byte[] garbage = new byte[200];
        new Random(3).nextBytes(garbage);
        assertThrows(IOException.class, () -> decompress(codec, garbage));
    }

    @ParameterizedTest
    @EnumSource(names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldReportTruncatedDataAsAnIOException(CompressionType codec) {
        byte[] compressed = compress(codec, codec.defaultLevel(), DATA);
        // zstd-jni reads no input at all as no output, so the cuts start at one byte.
        for (int cut : new int[] {1, 5, compressed.length / 2, compressed.length - 1}) {
            byte[] truncated = Arrays.copyOf(compressed, cut);
            assertThrows(IOException.class, () -> decompress(codec, truncated), codec + " cut at " + cut);
        }
    }

    static byte[] compress(CompressionType codec, int level, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var compressor = codec.wrapForOutput(out, level)) {
            compressor.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    static byte[] decompress(CompressionType codec, byte[] data) throws IOException {
        try (InputStream in = codec.wrapForInput(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }
}

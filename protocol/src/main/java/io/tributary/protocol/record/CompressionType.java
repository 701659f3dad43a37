package io.tributary.protocol.record;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyOutputStream;

/**
 * The compression codec of a v2 record batch (attribute bits 0-2), with streams that read and
 * write the formats Kafka itself reads and writes:
 *
 * <ul>
 *   <li>{@link #GZIP}: the JDK's gzip streams.
 *   <li>{@link #SNAPPY}: snappy-java's framing ({@code SnappyOutputStream}, 32 KiB blocks). Input
 *       also accepts a single raw snappy block, as librdkafka writes, like Kafka does.
 *   <li>{@link #LZ4}: the LZ4 frame format with independent 64 KiB blocks and no checksums or
 *       content size, byte for byte what Kafka writes (lz4-java's frame streams).
 *   <li>{@link #ZSTD}: zstd-jni's streams (one zstd frame).
 * </ul>
 *
 * <p>Levels follow Kafka's {@code compression.gzip.level} (1..9, or -1 for zlib's default),
 * {@code compression.lz4.level} (1..17, default 9) and {@code compression.zstd.level}
 * (-131072..22, default 3); snappy and none have no level. The streams are not thread-safe;
 * closing a wrapper closes the stream it wraps.
 */
public enum CompressionType {
    NONE(0, "none", 0, 0, 0),
    GZIP(1, "gzip", 1, 9, Deflater.DEFAULT_COMPRESSION),
    SNAPPY(2, "snappy", 0, 0, 0),
    LZ4(3, "lz4", 1, 17, 9),
    ZSTD(4, "zstd", -131072, 22, 3);

    private static final CompressionType[] BY_ID = values();
    // Kafka's buffer sizes: 8 KiB for the deflater, 16 KiB of buffering in front of the encoders.
    private static final int GZIP_BUFFER = 8 * 1024;
    private static final int OUTPUT_BUFFER = 16 * 1024;

    private final int id;
    private final String kafkaName;
    private final int minLevel;
    private final int maxLevel;
    private final int defaultLevel;

    CompressionType(int id, String kafkaName, int minLevel, int maxLevel, int defaultLevel) {
        this.id = id;
        this.kafkaName = kafkaName;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.defaultLevel = defaultLevel;
    }

    /** The codec id stored in attribute bits 0-2. */
    public int id() {
        return id;
    }

    /** Kafka's name, as in {@code compression.type}: none, gzip, snappy, lz4, zstd. */
    public String kafkaName() {
        return kafkaName;
    }

    /** Whether the codec takes a level ({@code compression.<codec>.level}). */
    public boolean hasLevels() {
        return minLevel != maxLevel;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /** Whether {@code level} is accepted by {@link #wrapForOutput(OutputStream, int)}. */
    public boolean isValidLevel(int level) {
        if (!hasLevels()) {
            return level == defaultLevel;
        }
        return (level >= minLevel && level <= maxLevel) || level == defaultLevel;
    }

    /**
     * The codec with this attribute id.
     *
     * @throws IllegalArgumentException for ids other than 0-4
     */
    public static CompressionType forId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalArgumentException("Unknown compression codec id " + id);
        }
        return BY_ID[id];
    }

    /**
     * The codec with this Kafka name (lower case, as in {@code compression.type}).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static CompressionType forName(String name) {
        for (CompressionType type : BY_ID) {
            if (type.kafkaName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException(String.format(
                Locale.ROOT, "Unknown compression type '%s'; known: none, gzip, snappy, lz4, zstd", name));
    }

    /** Compresses into {@code out} at the default level. */
    public OutputStream wrapForOutput(OutputStream out) throws IOException {
        return wrapForOutput(out, defaultLevel);
    }

    /**
     * A stream that compresses what is written to it into {@code out}; closing it finishes the
     * compressed data and closes {@code out}.
     *
     * @param level the codec's level; see {@link #isValidLevel(int)}
     * @throws IllegalArgumentException if the level is out of the codec's range
     */
    public OutputStream wrapForOutput(OutputStream out, int level) throws IOException {
        if (!isValidLevel(level)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "Compression level %d is not valid for %s (%d..%d, default %d)",
                    level,
                    kafkaName,
                    minLevel,
                    maxLevel,
                    defaultLevel));
        }
        return switch (this) {
            // A filter, so that closing the result closes out, as for the other codecs.
            case NONE ->
                new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }
                };
            case GZIP -> new BufferedOutputStream(new LeveledGzipOutputStream(out, level), OUTPUT_BUFFER);
            case SNAPPY -> new SnappyOutputStream(out);
            case LZ4 -> lz4Output(out, level);
            case ZSTD ->
                new BufferedOutputStream(
                        new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE, level), OUTPUT_BUFFER);
        };
    }

    /**
     * A stream of the bytes decompressed from {@code in}; closing it closes {@code in} and frees
     * the decoder (zstd's is native memory: always close). Damaged input surfaces as an {@link
     * IOException} from the constructor or from a read.
     *
     * <p>Memory is bounded whatever the data claims: gzip uses fixed buffers; snappy grows with
     * the input actually read (at most 22 output bytes per input byte); lz4 allocates at most
     * two blocks of the size the frame declares (at most 4 MiB each); zstd allocates the window
     * the frame declares, natively, up to zstd's default limit of 128 MiB.
     */
    public InputStream wrapForInput(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, GZIP_BUFFER);
            case SNAPPY -> new XerialSnappyInputStream(in);
            case LZ4 -> new LZ4FrameInputStream(in);
            case ZSTD -> new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
        };
    }

    @Override
    public String toString() {
        return kafkaName;
    }

    private static OutputStream lz4Output(OutputStream out, int level) throws IOException {
        // Kafka uses the fast compressor at its default level and the HC one for any other.
        LZ4Factory factory = LZ4Factory.fastestInstance();
        LZ4Compressor compressor = level == LZ4.defaultLevel ? factory.fastCompressor() : factory.highCompressor(level);
        return new LZ4FrameOutputStream(
                out,
                LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                -1L,
                compressor,
                XXHashFactory.fastestInstance().hash32(),
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
    }

    /** GZIPOutputStream does not take a level; its deflater is reachable by subclasses. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, GZIP_BUFFER);
            def.setLevel(level);
        }
    }
}

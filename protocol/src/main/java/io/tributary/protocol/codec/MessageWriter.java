package io.tributary.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The output of an encoding: an ordered list of parts, each a {@link ByteBuf} or a {@link FileRegion}, written to a
 * channel one after the other. Large in-memory records join as a retained slice and file records as a region, so
 * they are never copied; everything else is written into buffers taken from the allocator.
 *
 * <p>Ownership: the writer owns its parts until they are handed over, either to a channel (write every part of
 * {@link #parts()}; the channel releases them) or to the buffer returned by {@link #toByteBuf()}. On an error path
 * before that, call {@link #release()}. Not thread-safe.
 *
 * <p>Multi-byte numbers are big-endian, as everywhere in the Kafka protocol.
 */
public final class MessageWriter {
    /** Records of at least this many bytes are appended as a retained slice instead of being copied. */
    public static final int ZERO_COPY_THRESHOLD = 1024;

    private static final int MAX_STRING_BYTES = Short.MAX_VALUE;

    private final ByteBufAllocator alloc;
    private final int chunkCapacity;
    private final List<Object> parts = new ArrayList<>(2);
    private final ByteBuf first;
    /** The buffer that receives the next write; null after a zero-copy part until something is written. */
    private ByteBuf current;
    /** The bytes of every part before {@link #current}: no part before it grows any more. */
    private long sealedBytes;

    /**
     * @param alloc where buffers come from
     * @param initialCapacity the capacity of the first buffer (it grows as needed)
     */
    public MessageWriter(ByteBufAllocator alloc, int initialCapacity) {
        this.alloc = alloc;
        this.chunkCapacity = Math.max(64, Math.min(initialCapacity, 4096));
        this.first = alloc.buffer(initialCapacity);
        this.current = first;
        parts.add(first);
    }

    private ByteBuf current() {
        ByteBuf c = current;
        if (c == null) {
            c = alloc.buffer(chunkCapacity);
            parts.add(c);
            current = c;
        }
        return c;
    }

    public void writeByte(int value) {
        current().writeByte(value);
    }

    public void writeBoolean(boolean value) {
        current().writeByte(value ? 1 : 0);
    }

    public void writeShort(int value) {
        current().writeShort(value);
    }

    public void writeInt(int value) {
        current().writeInt(value);
    }

    public void writeLong(long value) {
        current().writeLong(value);
    }

    public void writeDouble(double value) {
        current().writeDouble(value);
    }

    /** Writes the UUID's most significant 64 bits, then its least significant ones. */
    public void writeUuid(UUID value) {
        ByteBuf b = current();
        b.writeLong(value.getMostSignificantBits());
        b.writeLong(value.getLeastSignificantBits());
    }

    /** An unsigned LEB128 varint of 1 to 5 bytes (the value read as an unsigned 32-bit number). */
    public void writeUnsignedVarint(int value) {
        ByteBuf b = current();
        int v = value;
        while ((v & 0xffffff80) != 0) {
            b.writeByte((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b.writeByte(v);
    }

    /** A zig-zag encoded signed varint, as in record batches. */
    public void writeVarint(int value) {
        writeUnsignedVarint((value << 1) ^ (value >> 31));
    }

    /** A zig-zag encoded signed 64-bit varint, as in record batches. */
    public void writeVarlong(long value) {
        ByteBuf b = current();
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xffffffffffffff80L) != 0) {
            b.writeByte(((int) v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b.writeByte((int) v);
    }

    /** Writes the bytes as they are, without a length. */
    public void writeBytes(byte[] bytes) {
        current().writeBytes(bytes);
    }

    /** Copies the readable bytes of {@code bytes}, without a length; does not move its reader index. */
    public void writeBytes(ByteBuf bytes) {
        current().writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
    }

    /**
     * A STRING or NULLABLE_STRING: int16 length (-1 for null), then UTF-8.
     *
     * @throws ProtocolException if the UTF-8 form is longer than 32767 bytes
     */
    public void writeString(String value) {
        ByteBuf b = current();
        if (value == null) {
            b.writeShort(-1);
            return;
        }
        int length = utf8Length(value);
        b.writeShort(length);
        ByteBufUtil.reserveAndWriteUtf8(b, value, length);
    }

    /**
     * A COMPACT_STRING or COMPACT_NULLABLE_STRING: unsigned varint length + 1 (0 for null), then UTF-8.
     *
     * @throws ProtocolException if the UTF-8 form is longer than 32767 bytes
     */
    public void writeCompactString(String value) {
        if (value == null) {
            writeUnsignedVarint(0);
            return;
        }
        int length = utf8Length(value);
        writeUnsignedVarint(length + 1);
        ByteBufUtil.reserveAndWriteUtf8(current(), value, length);
    }

    /** BYTES or NULLABLE_BYTES: int32 length (-1 for null), then the bytes. */
    public void writeByteArray(byte[] value) {
        ByteBuf b = current();
        if (value == null) {
            b.writeInt(-1);
        } else {
            b.writeInt(value.length);
            b.writeBytes(value);
        }
    }

    /** COMPACT_BYTES or COMPACT_NULLABLE_BYTES: unsigned varint length + 1 (0 for null), then the bytes. */
    public void writeCompactByteArray(byte[] value) {
        if (value == null) {
            writeUnsignedVarint(0);
        } else {
            writeUnsignedVarint(value.length + 1);
            current().writeBytes(value);
        }
    }

    /**
     * Appends the record bytes, without a length prefix. {@link ByteBufRecords} of at least {@link
     * #ZERO_COPY_THRESHOLD} bytes join as a retained slice (the records' buffer is not consumed), smaller ones are
     * copied; {@link FileRegionRecords} join as a new file region.
     *
     * @throws IllegalArgumentException for another kind of records
     */
    public void writeRecords(Records records) {
        switch (records) {
            case ByteBufRecords r -> {
                ByteBuf data = r.buffer();
                int n = data.readableBytes();
                if (n >= ZERO_COPY_THRESHOLD) {
                    seal(n);
                    parts.add(data.retainedSlice(data.readerIndex(), n));
                } else {
                    current().writeBytes(data, data.readerIndex(), n);
                }
            }
            case FileRegionRecords r -> {
                FileRegion region = r.newFileRegion();
                seal(region.count());
                parts.add(region);
            }
            default ->
                throw new IllegalArgumentException(
                        "Unsupported records type " + records.getClass().getName());
        }
    }

    /** The parts in wire order (a read-only view). Hand every one of them to the channel, or none. */
    public List<Object> parts() {
        return Collections.unmodifiableList(parts);
    }

    /** Ends the current buffer before a zero-copy part of {@code partBytes}; the next write starts a new buffer. */
    private void seal(long partBytes) {
        if (current != null) {
            sealedBytes += current.readableBytes();
            current = null;
        }
        sealedBytes += partBytes;
    }

    /** The number of bytes written so far, over all parts. */
    public int totalBytes() {
        ByteBuf c = current;
        return Math.toIntExact(sealedBytes + (c == null ? 0 : c.readableBytes()));
    }

    /**
     * The buffer that received the first byte. A caller that wrote a 4-byte size placeholder first patches it with
     * {@code firstBuffer().setInt(0, totalBytes() - 4)}.
     */
    public ByteBuf firstBuffer() {
        return first;
    }

    /**
     * All parts as one buffer (the first buffer itself if it is the only part, otherwise a composite over the
     * parts). Ownership of the parts moves to the returned buffer; do not use this writer afterwards.
     *
     * @throws IllegalStateException if a part is a file region
     */
    public ByteBuf toByteBuf() {
        for (Object part : parts) {
            if (part instanceof FileRegion) {
                throw new IllegalStateException("A file region part cannot be joined into a buffer");
            }
        }
        if (parts.size() == 1) {
            return first;
        }
        CompositeByteBuf joined = alloc.compositeBuffer(parts.size());
        for (Object part : parts) {
            joined.addComponent(true, (ByteBuf) part);
        }
        return joined;
    }

    /** Releases every part; for error paths, when the parts will not be handed over. */
    public void release() {
        for (Object part : parts) {
            ReferenceCountUtil.release(part);
        }
        parts.clear();
        current = null;
        sealedBytes = 0;
    }

    private static int utf8Length(String value) {
        int length = ByteBufUtil.utf8Bytes(value);
        if (length > MAX_STRING_BYTES) {
            throw new ProtocolException("String of " + length + " UTF-8 bytes is longer than " + MAX_STRING_BYTES);
        }
        return length;
    }
}

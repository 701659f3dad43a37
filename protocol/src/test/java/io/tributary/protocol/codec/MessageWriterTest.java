package io.tributary.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageWriterTest {
    private static final int[] INTS = {
        0,
        1,
        63,
        64,
        127,
        128,
        300,
        16383,
        16384,
        (1 << 21) - 1,
        1 << 21,
        (1 << 28) - 1,
        1 << 28,
        Integer.MAX_VALUE,
        -1,
        -64,
        -65,
        Integer.MIN_VALUE
    };
    private static final long[] LONGS = {
        0, 1, -1, 127, 128, -129, 1L << 35, -(1L << 35), 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE
    };

    @Test
    void shouldWriteUnsignedVarintsAsKafkaDoes() {
        for (int v : INTS) {
            MessageWriter w = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 8);
            w.writeUnsignedVarint(v);
            ByteBuffer kafka = ByteBuffer.allocate(8);
            ByteUtils.writeUnsignedVarint(v, kafka);
            byte[] bytes = bytes(w);
            assertArrayEquals(copy(kafka), bytes, "value " + v);
            assertEquals(ByteUtils.sizeOfUnsignedVarint(v), WireFormat.sizeOfUnsignedVarint(v), "size of " + v);
            assertEquals(v, WireFormat.readUnsignedVarint(Unpooled.wrappedBuffer(bytes)));
        }
    }

    @Test
    void shouldWriteZigZagVarintsAsKafkaDoes() {
        for (int v : INTS) {
            MessageWriter w = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 8);
            w.writeVarint(v);
            ByteBuffer kafka = ByteBuffer.allocate(8);
            ByteUtils.writeVarint(v, kafka);
            byte[] bytes = bytes(w);
            assertArrayEquals(copy(kafka), bytes, "value " + v);
            assertEquals(ByteUtils.sizeOfVarint(v), WireFormat.sizeOfVarint(v), "size of " + v);
            assertEquals(v, WireFormat.readVarint(Unpooled.wrappedBuffer(bytes)));
        }
    }

    @Test
    void shouldWriteZigZagVarlongsAsKafkaDoes() {
        for (long v : LONGS) {
            MessageWriter w = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
            w.writeVarlong(v);
            ByteBuffer kafka = ByteBuffer.allocate(16);
            ByteUtils.writeVarlong(v, kafka);
            byte[] bytes = bytes(w);
            assertArrayEquals(copy(kafka), bytes, "value " + v);
            assertEquals(ByteUtils.sizeOfVarlong(v), WireFormat.sizeOfVarlong(v), "size of " + v);
            assertEquals(v, WireFormat.readVarlong(Unpooled.wrappedBuffer(bytes)));
        }
    }

    @Test
    void shouldRejectAVarlongLongerThanTenBytes() {
        ByteBuf buf = Unpooled.buffer().writeZero(0);
        for (int i = 0; i < 10; i++) {
            buf.writeByte(0xff);
        }
        buf.writeByte(1);
        assertThrows(MalformedMessageException.class, () -> WireFormat.readVarlong(buf));
    }

    @Test
    void shouldWriteStringsWithTheirUtf8Length() {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        out.writeString("é");
        out.writeString(null);
        out.writeCompactString("€");
        out.writeCompactString(null);
        out.writeCompactString("");
        assertArrayEquals(
                new byte[] {0, 2, (byte) 0xc3, (byte) 0xa9, -1, -1, 4, (byte) 0xe2, (byte) 0x82, (byte) 0xac, 0, 1},
                bytes(out));
    }

    @Test
    void shouldRefuseAStringLongerThan32767Utf8Bytes() {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        String tooLong = "é".repeat(16_384);
        assertThrows(ProtocolException.class, () -> out.writeString(tooLong));
        assertThrows(ProtocolException.class, () -> out.writeCompactString(tooLong));
        out.release();
    }

    @Test
    void shouldWriteBytesAndUuidsBigEndian() {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        UUID id = new UUID(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
        out.writeUuid(id);
        out.writeByteArray(new byte[] {9});
        out.writeByteArray(null);
        out.writeCompactByteArray(new byte[] {8});
        out.writeCompactByteArray(null);
        byte[] expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0, 1, 9, -1, -1, -1, -1, 2, 8, 0
        };
        byte[] actual = bytes(out);
        assertArrayEquals(expected, actual);
        assertEquals(id, WireFormat.readUuid(Unpooled.wrappedBuffer(actual)));
    }

    @Test
    void shouldAppendLargeRecordsAsARetainedSliceWithoutCopying() {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        ByteBuf records = Unpooled.buffer(2048).writeZero(MessageWriter.ZERO_COPY_THRESHOLD);
        out.writeInt(7);
        out.writeRecords(new ByteBufRecords(records));
        out.writeShort(1);

        assertEquals(3, out.parts().size());
        ByteBuf slice = (ByteBuf) out.parts().get(1);
        assertSame(records, slice.unwrap(), "a view of the records' own memory");
        assertEquals(2, records.refCnt());
        assertEquals(4 + MessageWriter.ZERO_COPY_THRESHOLD + 2, out.totalBytes());
        assertEquals(0, records.readerIndex(), "the records' buffer is not consumed");

        out.release();
        assertEquals(1, records.refCnt());
    }

    @Test
    void shouldCopySmallRecords() {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        ByteBuf records = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        out.writeRecords(new ByteBufRecords(records));
        assertEquals(1, out.parts().size());
        assertEquals(1, records.refCnt());
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(out));
    }

    @Test
    void shouldAppendFileRecordsAsAFileRegion(@TempDir Path dir) throws IOException {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        FileRegionRecords records = fileRecords(dir, 2, 5);
        out.writeInt(5);
        out.writeRecords(records);
        out.writeByte(0);

        FileRegion region = (FileRegion) out.parts().get(1);
        assertEquals(3, out.parts().size());
        assertEquals(10, out.totalBytes());
        assertThrows(IllegalStateException.class, out::toByteBuf);
        out.release();
        assertEquals(0, region.refCnt());
    }

    @Test
    void shouldCountEveryPartWhenZeroCopyPartsFollowEachOther(@TempDir Path dir) throws IOException {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        FileRegionRecords records = fileRecords(dir, 1, 7);
        out.writeInt(1);
        assertEquals(4, out.totalBytes());
        out.writeRecords(records);
        out.writeRecords(new ByteBufRecords(Unpooled.buffer().writeZero(MessageWriter.ZERO_COPY_THRESHOLD)));
        out.writeRecords(records);
        assertEquals(4 + 7 + MessageWriter.ZERO_COPY_THRESHOLD + 7, out.totalBytes());
        out.writeShort(2);
        out.writeLong(3);
        out.writeRecords(records);

        long parts = 0;
        for (Object part : out.parts()) {
            parts += part instanceof ByteBuf b ? b.readableBytes() : ((FileRegion) part).count();
        }
        assertEquals(6, out.parts().size());
        assertEquals(4 + 7 + MessageWriter.ZERO_COPY_THRESHOLD + 7 + 10 + 7, out.totalBytes());
        assertEquals(parts, out.totalBytes());
        out.release();
    }

    @Test
    void shouldLetACallerPatchASizePlaceholderInTheFirstBuffer() {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        out.writeInt(0);
        out.writeRecords(new ByteBufRecords(Unpooled.buffer().writeZero(4000)));
        out.writeLong(1);
        out.firstBuffer().setInt(0, out.totalBytes() - 4);

        ByteBuf joined = out.toByteBuf();
        assertEquals(4008, joined.readInt());
        assertEquals(4008, joined.readableBytes());
        joined.release();
    }

    @Test
    void shouldCopyTheReadableBytesOfABufferWithoutConsumingThem() {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        ByteBuf source = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4});
        source.readByte();
        out.writeBytes(source);
        assertEquals(1, source.readerIndex());
        assertArrayEquals(new byte[] {2, 3, 4}, bytes(out));
    }

    @Test
    void shouldCompareRecordsByContent() {
        ByteBufRecords a = new ByteBufRecords(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        ByteBufRecords b =
                new ByteBufRecords(Unpooled.copiedBuffer(new byte[] {0, 1, 2}).skipBytes(1));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(2, a.sizeInBytes());
    }

    private static byte[] bytes(MessageWriter w) {
        ByteBuf joined = w.toByteBuf();
        byte[] b = ByteBufUtil.getBytes(joined);
        joined.release();
        return b;
    }

    private static byte[] copy(ByteBuffer written) {
        byte[] b = new byte[written.position()];
        written.flip().get(b);
        return b;
    }

    /**
     * Records read from {@code count} bytes at {@code position} of a file of ten bytes ("0123456789")
     * written in {@code dir}, as a new file region each time.
     */
    private static FileRegionRecords fileRecords(Path dir, long position, int count) throws IOException {
        Path file = Files.write(dir.resolve("segment"), "0123456789".getBytes(StandardCharsets.US_ASCII));
        return new FileRegionRecords() {
            @Override
            public FileRegion newFileRegion() {
                return new DefaultFileRegion(file.toFile(), position, count);
            }

            @Override
            public int sizeInBytes() {
                return count;
            }
        };
    }
}

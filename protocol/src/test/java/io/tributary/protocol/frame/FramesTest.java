package io.tributary.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.MalformedMessageException;
import io.tributary.protocol.codec.MessageWriter;
import io.tributary.protocol.codec.RawTaggedField;
import io.tributary.protocol.codec.UnsupportedVersionException;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ApiVersionsResponseData;
import io.tributary.protocol.message.MetadataResponseData;
import io.tributary.protocol.message.RequestHeaderData;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

class FramesTest {
    private static final int MAX = 1024;

    @Test
    void shouldWaitForTheSizePrefix() {
        ByteBuf in = Unpooled.buffer().writeByte(0).writeByte(0).writeByte(0);
        assertNull(Frames.tryReadFrame(in, MAX));
        assertEquals(0, in.readerIndex());
    }

    @Test
    void shouldWaitForTheWholeFrameWithoutMovingTheReaderIndex() {
        ByteBuf in = Unpooled.buffer().writeInt(10).writeZero(5);
        assertNull(Frames.tryReadFrame(in, MAX));
        assertEquals(0, in.readerIndex());

        in.writeBytes(new byte[] {1, 2, 3, 4, 5});
        ByteBuf frame = Frames.tryReadFrame(in, MAX);

        assertEquals(10, frame.readableBytes());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 1, 2, 3, 4, 5}, ByteBufUtil.getBytes(frame));
        assertEquals(14, in.readerIndex());
        assertEquals(2, in.refCnt(), "the frame is a retained slice");
        frame.release();
        assertEquals(1, in.refCnt());
    }

    @Test
    void shouldSplitBackToBackFrames() {
        ByteBuf in = Unpooled.buffer()
                .writeInt(2)
                .writeShort(7)
                .writeInt(0)
                .writeInt(1)
                .writeByte(9)
                .writeInt(3);
        ByteBuf first = Frames.tryReadFrame(in, MAX);
        ByteBuf empty = Frames.tryReadFrame(in, MAX);
        ByteBuf third = Frames.tryReadFrame(in, MAX);
        ByteBuf incomplete = Frames.tryReadFrame(in, MAX);

        assertEquals(7, first.readShort());
        assertEquals(0, empty.readableBytes());
        assertEquals(9, third.readByte());
        assertNull(incomplete);
        assertEquals(4, in.readableBytes());
        first.release();
        empty.release();
        third.release();
    }

    @Test
    void shouldAcceptAFrameOfExactlyTheMaximum() {
        ByteBuf in = Unpooled.buffer().writeInt(MAX).writeZero(MAX);
        ByteBuf frame = Frames.tryReadFrame(in, MAX);
        assertEquals(MAX, frame.readableBytes());
        frame.release();
    }

    @Test
    void shouldRejectAFrameLargerThanTheMaximumBeforeItArrives() {
        ByteBuf in = Unpooled.buffer().writeInt(MAX + 1);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> Frames.tryReadFrame(in, MAX));
        assertEquals(MAX + 1, e.frameBytes());
        assertEquals(MAX, e.maxFrameBytes());
    }

    @Test
    void shouldRejectANegativeFrameSize() {
        ByteBuf in = Unpooled.buffer().writeInt(-4).writeZero(8);
        assertThrows(InvalidFrameException.class, () -> Frames.tryReadFrame(in, MAX));
    }

    @Test
    void shouldPeekAtTheRequestPrefixWithoutMovingTheReaderIndex() {
        ByteBuf frame =
                Unpooled.buffer().writeShort(18).writeShort(4).writeInt(99).writeShort(-1);
        assertEquals(new RequestPrefix((short) 18, (short) 4, 99), RequestPrefix.peek(frame));
        assertEquals(0, frame.readerIndex());
    }

    @Test
    void shouldRejectAPrefixShorterThanEightBytes() {
        ByteBuf frame =
                Unpooled.buffer().writeShort(18).writeShort(4).writeShort(0).writeByte(1);
        assertThrows(MalformedMessageException.class, () -> RequestPrefix.peek(frame));
    }

    @Test
    void shouldReadANonFlexibleRequestHeaderWrittenByKafkaAndStopAtTheBody() {
        RequestHeader kafka = new RequestHeader(ApiKeys.PRODUCE, (short) 8, "client-é", 42);
        ByteBuf frame = Unpooled.wrappedBuffer(kafkaEncode(kafka.data(), kafka.headerVersion()), new byte[] {7, 7});

        RequestPrefix prefix = RequestPrefix.peek(frame);
        ApiMessageType api = ApiMessageType.forApiKey(prefix.apiKey());
        RequestHeaderData header = Frames.readRequestHeader(frame, api, prefix.apiVersion());

        assertEquals(1, kafka.headerVersion());
        assertEquals(1, api.requestHeaderVersion((short) 8));
        assertEquals("client-é", header.clientId());
        assertEquals(42, header.correlationId());
        assertEquals(2, frame.readableBytes(), "the reader index is at the body");
    }

    @Test
    void shouldReadAFlexibleRequestHeaderWithTaggedFieldsAndStopAtTheBody() {
        RequestHeader kafka = new RequestHeader(ApiKeys.PRODUCE, (short) 9, null, 43);
        kafka.data()
                .unknownTaggedFields()
                .add(new org.apache.kafka.common.protocol.types.RawTaggedField(3, new byte[] {1, 2}));
        ByteBuf frame = Unpooled.wrappedBuffer(kafkaEncode(kafka.data(), kafka.headerVersion()), new byte[] {7});

        RequestHeaderData header = Frames.readRequestHeader(frame, ApiMessageType.PRODUCE, (short) 9);

        assertEquals(2, kafka.headerVersion());
        assertNull(header.clientId());
        assertEquals(43, header.correlationId());
        assertEquals(List.of(new RawTaggedField(3, new byte[] {1, 2})), header.unknownTaggedFields());
        assertEquals(1, frame.readableBytes(), "the reader index is at the body");
    }

    @Test
    void shouldReadTheHeaderOfAnApiVersionsRequestNewerThanKnown() {
        short future = (short) (ApiMessageType.API_VERSIONS.highestSupportedVersion() + 3);
        RequestHeaderData sent = new RequestHeaderData()
                .setRequestApiKey((short) 18)
                .setRequestApiVersion(future)
                .setCorrelationId(5)
                .setClientId("new-client");
        ByteBuf frame = Unpooled.wrappedBuffer(encode(sent, (short) 2));

        RequestHeaderData header = Frames.readRequestHeader(frame, ApiMessageType.API_VERSIONS, future);

        assertEquals(sent, header);
        assertEquals(false, ApiMessageType.API_VERSIONS.isVersionSupported(future));
    }

    @Test
    void shouldRejectAHeaderThatNamesAnotherApi() {
        RequestHeaderData sent =
                new RequestHeaderData().setRequestApiKey((short) 3).setRequestApiVersion((short) 1);
        ByteBuf frame = Unpooled.wrappedBuffer(encode(sent, (short) 1));
        assertThrows(
                MalformedMessageException.class,
                () -> Frames.readRequestHeader(frame, ApiMessageType.PRODUCE, (short) 1));
    }

    @Test
    void shouldRejectATruncatedHeader() {
        ByteBuf frame =
                Unpooled.buffer().writeShort(0).writeShort(9).writeInt(1).writeByte(3);
        assertThrows(
                MalformedMessageException.class,
                () -> Frames.readRequestHeader(frame, ApiMessageType.PRODUCE, (short) 9));
    }

    @Test
    void shouldWriteResponseHeadersAsKafkaDoes() {
        for (short version = 0; version <= 1; version++) {
            MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
            Frames.writeResponseHeader(out, 0x01020304, version);
            assertArrayEquals(kafkaEncode(new ResponseHeaderData().setCorrelationId(0x01020304), version), bytes(out));
        }
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 16);
        assertThrows(UnsupportedVersionException.class, () -> Frames.writeResponseHeader(out, 1, (short) 2));
        out.release();
    }

    @Test
    void shouldAnswerAnUnknownApiVersionsVersionWithTheBytesKafkaSends() {
        ApiVersionsResponse kafka = new ApiVersionsRequest.Builder()
                .build((short) 4)
                .getErrorResponse(0, new org.apache.kafka.common.errors.UnsupportedVersionException("too new"));
        ByteBuffer kafkaBody = RequestUtils.serialize(
                new ResponseHeaderData().setCorrelationId(77), (short) 0, kafka.data(), (short) 0);
        ByteBuf expected = Unpooled.buffer().writeInt(kafkaBody.remaining()).writeBytes(kafkaBody);

        ApiVersionsResponseData ours =
                Frames.unsupportedApiVersionsResponse((short) 0, ApiMessageType.API_VERSIONS.highestSupportedVersion());
        MessageWriter frame = Frames.encodeUnsupportedApiVersionsResponse(
                UnpooledByteBufAllocator.DEFAULT, 77, (short) 0, ApiMessageType.API_VERSIONS.highestSupportedVersion());

        assertEquals(Errors.UNSUPPORTED_VERSION.code(), ours.errorCode());
        assertEquals(1, ours.apiKeys().size());
        assertArrayEquals(ByteBufUtil.getBytes(expected), bytes(frame));
        assertEquals(0, ApiMessageType.API_VERSIONS.responseHeaderVersion((short) 3));
    }

    @Test
    void shouldEncodeAResponseFrameWithItsSizePrefix() {
        MetadataResponseData body =
                new MetadataResponseData().setThrottleTimeMs(12).setClusterId("c");
        short version = 12;
        short headerVersion = ApiMessageType.METADATA.responseHeaderVersion(version);

        byte[] frame = bytes(Frames.encodeResponse(UnpooledByteBufAllocator.DEFAULT, 5, headerVersion, body, version));

        ByteBuf in = Unpooled.wrappedBuffer(frame);
        assertEquals(1, headerVersion);
        assertEquals(frame.length - 4, in.readInt());
        assertEquals(5, in.readInt());
        assertEquals(0, in.readByte(), "empty tagged fields of header v1");
        assertEquals(body, new MetadataResponseData(in, version));
        assertEquals(0, in.readableBytes());
    }

    private static byte[] bytes(MessageWriter out) {
        ByteBuf joined = out.toByteBuf();
        byte[] bytes = ByteBufUtil.getBytes(joined);
        joined.release();
        return bytes;
    }

    private static byte[] encode(io.tributary.protocol.codec.Message message, short version) {
        MessageWriter out = new MessageWriter(UnpooledByteBufAllocator.DEFAULT, 64);
        message.write(out, version);
        return bytes(out);
    }

    private static byte[] kafkaEncode(Message message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(message.size(cache, version));
        message.write(new ByteBufferAccessor(buffer), cache, version);
        return buffer.array();
    }
}

package io.tributary.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.codec.MalformedMessageException;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.codec.RawTaggedField;
import io.tributary.protocol.codec.UnsupportedVersionException;
import io.tributary.protocol.generator.MessageSpec;
import io.tributary.protocol.message.SpecValues.Flavor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input that does not decode raises {@link MalformedMessageException} (or {@link UnsupportedVersionException} for a
 * version the message lacks): never an IndexOutOfBoundsException, never an allocation of a claimed size.
 */
class MalformedInputTest {
    private static final Map<String, MessageSpec> SPECS =
            SpecValues.specs().stream().collect(java.util.stream.Collectors.toMap(MessageSpec::name, s -> s));

    static Stream<Arguments> messageVersions() {
        return Stream.of(
                Arguments.of("ProduceRequest", (short) 3),
                Arguments.of("ProduceRequest", (short) 9),
                Arguments.of("ProduceRequest", (short) 13),
                Arguments.of("FetchRequest", (short) 4),
                Arguments.of("FetchRequest", (short) 17),
                Arguments.of("FetchResponse", (short) 4),
                Arguments.of("FetchResponse", (short) 12),
                Arguments.of("FetchResponse", (short) 18),
                Arguments.of("MetadataResponse", (short) 0),
                Arguments.of("MetadataResponse", (short) 12),
                Arguments.of("ApiVersionsResponse", (short) 3),
                Arguments.of("RequestHeader", (short) 1),
                Arguments.of("RequestHeader", (short) 2),
                Arguments.of("ConsumerGroupHeartbeatResponse", (short) 1),
                Arguments.of("StreamsGroupDescribeResponse", (short) 1),
                Arguments.of("ConsumerProtocolSubscription", (short) 3));
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("messageVersions")
    void shouldRejectEveryTruncationOfAValidMessage(String specName, short version) throws Exception {
        MessageSpec spec = SPECS.get(specName);
        for (long seed = 1; seed <= 3; seed++) {
            Map<String, Object> values = new SpecValues.Generator(spec, version, seed).struct(spec.topLevel(), 0);
            byte[] bytes = KafkaRoundTripTest.encode((Message) SpecValues.build(Flavor.OURS, spec, values), version);
            for (int length = 0; length < bytes.length; length++) {
                ByteBuf truncated = Unpooled.wrappedBuffer(bytes, 0, length);
                Message target = newMessage(spec);
                int cut = length;
                long s = seed;
                assertThrows(
                        MalformedMessageException.class,
                        () -> target.read(truncated, version),
                        () -> specName + " v" + version + " seed " + s + " cut at " + cut + " of " + bytes.length);
            }
        }
    }

    @Test
    void shouldRejectNegativeStringLength() {
        // RequestHeader v1: api key, api version, correlation id, client id (nullable string, int16 length).
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeShort(9).writeInt(7).writeShort(-2);
        assertThrows(MalformedMessageException.class, () -> new RequestHeaderData(buf, (short) 1));
    }

    @Test
    void shouldAcceptMinusOneAsNullForANullableString() {
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeShort(9).writeInt(7).writeShort(-1);
        assertNull(new RequestHeaderData(buf, (short) 1).clientId());
    }

    @Test
    void shouldRejectNullForANonNullableString() {
        // FindCoordinatorRequest v0: key (string, not nullable).
        ByteBuf buf = Unpooled.buffer().writeShort(-1);
        assertThrows(MalformedMessageException.class, () -> new FindCoordinatorRequestData(buf, (short) 0));
    }

    @Test
    void shouldRejectNegativeArrayLength() {
        ByteBuf buf = produceV3Prefix().writeInt(-5);
        assertThrows(MalformedMessageException.class, () -> new ProduceRequestData(buf, (short) 3));
    }

    @Test
    void shouldRejectNullForANonNullableArray() {
        ByteBuf buf = produceV3Prefix().writeInt(-1);
        assertThrows(MalformedMessageException.class, () -> new ProduceRequestData(buf, (short) 3));
    }

    @Test
    void shouldRejectArrayCountLargerThanTheRemainingBytesBeforeAllocating() {
        ByteBuf buf = produceV3Prefix().writeInt(Integer.MAX_VALUE).writeZero(16);
        MalformedMessageException e =
                assertThrows(MalformedMessageException.class, () -> new ProduceRequestData(buf, (short) 3));
        assertTrue(e.getMessage().contains("claims " + Integer.MAX_VALUE + " elements"), e.getMessage());
    }

    @Test
    void shouldRejectCompactArrayCountLargerThanTheRemainingBytes() {
        // ProduceRequest v9: compact nullable string (null), acks, timeout, compact array of 1_000_000 topics.
        ByteBuf buf = Unpooled.buffer().writeByte(0).writeShort(1).writeInt(1000);
        writeUnsignedVarint(buf, 1_000_001);
        buf.writeZero(10);
        assertThrows(MalformedMessageException.class, () -> new ProduceRequestData(buf, (short) 9));
    }

    @Test
    void shouldRejectAnArrayOfFixedSizeElementsThatCannotFit() {
        // ConsumerProtocolAssignment v0: one assigned topic "t" whose []int32 claims 3 partitions but holds 2.
        ByteBuf buf = Unpooled.buffer()
                .writeInt(1)
                .writeShort(1)
                .writeByte('t')
                .writeInt(3)
                .writeInt(1)
                .writeInt(2);
        assertThrows(MalformedMessageException.class, () -> new ConsumerProtocolAssignmentData(buf, (short) 0));
    }

    @Test
    void shouldRejectStringLongerThanTheRemainingBytes() {
        ByteBuf buf = Unpooled.buffer()
                .writeShort(0)
                .writeShort(9)
                .writeInt(7)
                .writeShort(30_000)
                .writeZero(5);
        assertThrows(MalformedMessageException.class, () -> new RequestHeaderData(buf, (short) 1));
    }

    @Test
    void shouldRejectCompactStringLongerThanTheProtocolAllows() {
        // ApiVersionsRequest v3: client software name (compact string).
        ByteBuf buf = Unpooled.buffer();
        writeUnsignedVarint(buf, 40_001);
        buf.writeZero(40_000);
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsRequestData(buf, (short) 3));
    }

    @Test
    void shouldRejectBytesLongerThanTheRemainingBytes() {
        // SaslAuthenticateRequest v0: auth bytes (int32 length).
        ByteBuf buf = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeZero(3);
        assertThrows(MalformedMessageException.class, () -> new SaslAuthenticateRequestData(buf, (short) 0));
    }

    @Test
    void shouldRejectRecordsLongerThanTheRemainingBytes() {
        // ProduceRequest v3 with one topic "t" and one partition whose records claim 1000 bytes of 10.
        ByteBuf buf = produceV3Prefix()
                .writeInt(1)
                .writeShort(1)
                .writeByte('t')
                .writeInt(1)
                .writeInt(0);
        buf.writeInt(1000).writeZero(10);
        assertThrows(MalformedMessageException.class, () -> new ProduceRequestData(buf, (short) 3));
    }

    @Test
    void shouldRejectAVarintLongerThanFiveBytes() {
        ByteBuf buf = Unpooled.buffer()
                .writeBytes(new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsRequestData(buf, (short) 3));
    }

    @Test
    void shouldRejectATruncatedVarint() {
        ByteBuf buf = Unpooled.buffer().writeByte(0x80);
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsRequestData(buf, (short) 3));
    }

    @Test
    void shouldRejectCompactLengthsAboveTwoToThe31() {
        // 0xffffffff as an unsigned varint: a compact array of 2^32 - 2 elements.
        ByteBuf buf = Unpooled.buffer().writeByte(0).writeShort(1).writeInt(1000);
        buf.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        assertThrows(MalformedMessageException.class, () -> new ProduceRequestData(buf, (short) 9));
    }

    @Test
    void shouldRejectInvalidUtf8() {
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeShort(9).writeInt(7).writeShort(2);
        buf.writeByte(0xc3).writeByte(0x28); // a two-byte sequence with a bad continuation byte
        assertThrows(MalformedMessageException.class, () -> new RequestHeaderData(buf, (short) 1));
    }

    @Test
    void shouldAcceptAGenuineReplacementCharacter() {
        byte[] text = "a\uFFFDb".getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeShort(9).writeInt(7).writeShort(text.length);
        buf.writeBytes(text);
        assertEquals("a\uFFFDb", new RequestHeaderData(buf, (short) 1).clientId());
    }

    @Test
    void shouldPreserveUnknownTaggedFieldsAndWriteThemBackInTagOrder() {
        // ApiVersionsRequest v3: two compact strings, then tagged fields: tag 5 (3 bytes), tag 300 (0 bytes).
        ByteBuf buf = Unpooled.buffer().writeByte(2).writeByte('n').writeByte(2).writeByte('v');
        buf.writeByte(2);
        buf.writeByte(5).writeByte(3).writeBytes(new byte[] {1, 2, 3});
        writeUnsignedVarint(buf, 300);
        buf.writeByte(0);
        byte[] input = io.netty.buffer.ByteBufUtil.getBytes(buf);

        ApiVersionsRequestData message = new ApiVersionsRequestData(buf, (short) 3);

        assertEquals(0, buf.readableBytes());
        assertEquals(
                List.of(new RawTaggedField(5, new byte[] {1, 2, 3}), new RawTaggedField(300, new byte[0])),
                message.unknownTaggedFields());
        assertArrayEquals(input, KafkaRoundTripTest.encode(message, (short) 3));
    }

    @Test
    void shouldRejectAKnownTaggedFieldWithBytesLeftOver() {
        // ApiVersionsResponse v3: error, empty api keys, throttle, tag 1 (FinalizedFeaturesEpoch int64) of 9 bytes.
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeByte(1).writeInt(0);
        buf.writeByte(1).writeByte(1).writeByte(9).writeLong(5).writeByte(0);
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsResponseData(buf, (short) 3));
    }

    @Test
    void shouldRejectAKnownTaggedFieldShorterThanItsValue() {
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeByte(1).writeInt(0);
        buf.writeByte(1).writeByte(1).writeByte(4).writeLong(5);
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsResponseData(buf, (short) 3));
    }

    @Test
    void shouldRejectATaggedFieldCountLargerThanTheRemainingBytes() {
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeByte(1).writeInt(0);
        writeUnsignedVarint(buf, 1_000_000);
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsResponseData(buf, (short) 3));
    }

    @Test
    void shouldRejectATaggedFieldSizeLargerThanTheRemainingBytes() {
        ByteBuf buf = Unpooled.buffer().writeShort(0).writeByte(1).writeInt(0);
        buf.writeByte(1).writeByte(9);
        writeUnsignedVarint(buf, 100_000);
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsResponseData(buf, (short) 3));
    }

    @Test
    void shouldRejectVersionsOutsideTheMessageRange() {
        assertThrows(UnsupportedVersionException.class, () -> new ProduceRequestData(Unpooled.buffer(), (short) 2));
        assertThrows(UnsupportedVersionException.class, () -> new ProduceRequestData(Unpooled.buffer(), (short) 14));
        assertThrows(UnsupportedVersionException.class, () -> new ProduceRequestData().size((short) -1));
        assertThrows(
                UnsupportedVersionException.class,
                () -> KafkaRoundTripTest.encode(new ProduceRequestData(), (short) 99));
    }

    @Test
    void shouldRejectUnknownApiKeys() {
        assertTrue(ApiMessageType.fromApiKey((short) 999).isEmpty());
        assertTrue(ApiMessageType.fromApiKey((short) -1).isEmpty());
        assertThrows(UnsupportedVersionException.class, () -> ApiMessageType.forApiKey((short) 999));
        assertThrows(UnsupportedVersionException.class, () -> ApiMessageType.forApiKey(Short.MIN_VALUE));
    }

    @Test
    void shouldRefuseMessagesOfRemovedApis() {
        assertEquals(-1, ApiMessageType.LEADER_AND_ISR.highestSupportedVersion());
        assertTrue(!ApiMessageType.LEADER_AND_ISR.isVersionSupported((short) 0));
        assertThrows(UnsupportedVersionException.class, ApiMessageType.LEADER_AND_ISR::newRequest);
        assertThrows(UnsupportedVersionException.class, ApiMessageType.CONTROLLED_SHUTDOWN::newResponse);
    }

    @Test
    void shouldRefuseToDropANonIgnorableFieldOnWrite() {
        // PreferredReadReplica exists from FetchResponse v11 and is not ignorable.
        FetchResponseData response = new FetchResponseData()
                .setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                        .setTopic("t")
                        .setPartitions(List.of(new FetchResponseData.PartitionData().setPreferredReadReplica(3)))));
        assertThrows(UnsupportedVersionException.class, () -> KafkaRoundTripTest.encode(response, (short) 10));
        assertEquals(response.size((short) 11), KafkaRoundTripTest.encode(response, (short) 11).length);
    }

    @Test
    void shouldDropAnIgnorableFieldOnWrite() {
        // The top-level ErrorCode exists from FetchResponse v7 and is ignorable.
        FetchResponseData response = new FetchResponseData().setErrorCode((short) 5);
        byte[] v4 = KafkaRoundTripTest.encode(response, (short) 4);
        assertEquals(response.size((short) 4), v4.length);
        assertEquals(0, new FetchResponseData(Unpooled.wrappedBuffer(v4), (short) 4).errorCode());
    }

    @Test
    void shouldRefuseNullWhereTheVersionIsNotNullable() {
        // MetadataRequest topics become nullable in v1.
        MetadataRequestData request = new MetadataRequestData().setTopics(null);
        assertThrows(UnsupportedVersionException.class, () -> KafkaRoundTripTest.encode(request, (short) 0));
        assertEquals(4, KafkaRoundTripTest.encode(request, (short) 1).length);
    }

    @Test
    void shouldRejectNullWhereTheReadVersionIsNotNullable() {
        ByteBuf buf = Unpooled.buffer().writeInt(-1);
        assertThrows(MalformedMessageException.class, () -> new MetadataRequestData(buf, (short) 0));
        assertNull(new MetadataRequestData(Unpooled.buffer().writeInt(-1), (short) 1).topics());
    }

    @Test
    void shouldReadANullableStructMarker() {
        // ConsumerGroupHeartbeatResponse v0: compact fields up to the nullable Assignment struct (-1 = null).
        ConsumerGroupHeartbeatResponseData withAssignment = new ConsumerGroupHeartbeatResponseData()
                .setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment());
        ConsumerGroupHeartbeatResponseData withoutAssignment =
                new ConsumerGroupHeartbeatResponseData().setAssignment(null);
        for (ConsumerGroupHeartbeatResponseData m : List.of(withAssignment, withoutAssignment)) {
            byte[] bytes = KafkaRoundTripTest.encode(m, (short) 0);
            assertEquals(m, new ConsumerGroupHeartbeatResponseData(Unpooled.wrappedBuffer(bytes), (short) 0));
        }
    }

    @Test
    void shouldNeverThrowAnythingButProtocolErrorsOnRandomBytes() {
        java.util.Random random = new java.util.Random(42);
        List<BiFunction<ByteBuf, Short, Message>> readers = List.of(
                ProduceRequestData::new,
                FetchRequestData::new,
                FetchResponseData::new,
                MetadataResponseData::new,
                ApiVersionsRequestData::new,
                RequestHeaderData::new);
        List<short[]> versions = List.of(
                new short[] {3, 13},
                new short[] {4, 18},
                new short[] {4, 18},
                new short[] {0, 13},
                new short[] {0, 5},
                new short[] {1, 2});
        for (int i = 0; i < 20_000; i++) {
            int which = random.nextInt(readers.size());
            short[] range = versions.get(which);
            short version = (short) (range[0] + random.nextInt(range[1] - range[0] + 1));
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            RuntimeException error = decodeError(readers.get(which), Unpooled.wrappedBuffer(bytes), version);
            assertTrue(
                    error == null || error instanceof MalformedMessageException,
                    () -> "random bytes raised " + error + " for reader " + which + " v" + version);
        }
    }

    /** The exception a decode raises, or null if the bytes decode. */
    private static RuntimeException decodeError(BiFunction<ByteBuf, Short, Message> reader, ByteBuf buf, short v) {
        try {
            reader.apply(buf, v);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static ByteBuf produceV3Prefix() {
        // ProduceRequest v3: transactional id (null), acks, timeout; the topic array follows.
        return Unpooled.buffer().writeShort(-1).writeShort(1).writeInt(1000);
    }

    private static Message newMessage(MessageSpec spec) throws Exception {
        return (Message)
                Class.forName(SpecValues.ourClassName(spec)).getConstructor().newInstance();
    }

    private static void writeUnsignedVarint(ByteBuf buf, int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int v = value;
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
        buf.writeBytes(out.toByteArray());
    }
}

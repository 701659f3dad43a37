package io.tributary.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.codec.MessageWriter;
import io.tributary.protocol.generator.MessageSpec;
import io.tributary.protocol.generator.StructSpec;
import io.tributary.protocol.message.SpecValues.Flavor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The generated codec against kafka-clients 4.4.0, the oracle: for every message spec with valid versions and every
 * version (unstable ones included), random messages with every field of the version set encode with kafka-clients,
 * decode with ours to the same values, and re-encode to the same bytes; and the other way round.
 */
class KafkaRoundTripTest {
    private static final int SEEDS_PER_VERSION = 4;
    private static final long BASE_SEED = Long.getLong("tributary.roundtrip.seed", 20260101L);

    private static final List<MessageSpec> SPECS = SpecValues.specs();

    private static final Set<Short> API_KEYS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final AtomicInteger CLASSES = new AtomicInteger();
    private static final AtomicInteger PAIRS = new AtomicInteger();
    private static final AtomicLong FIELDS = new AtomicLong();
    private static final AtomicInteger SKIPPED = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> shouldRoundTripEveryMessageVersionWithKafkaClients() {
        return SPECS.stream()
                .filter(s -> !s.validVersions().isEmpty())
                .map(s -> DynamicTest.dynamicTest(s.className(), () -> roundTripAllVersions(s)));
    }

    @Test
    void shouldGenerateAClassForEverySpecKafkaClientsHasAClassFor() throws Exception {
        List<String> missing = new ArrayList<>();
        for (MessageSpec spec : SPECS) {
            boolean kafkaHasClass = classExists(SpecValues.kafkaClassName(spec));
            boolean weHaveClass = classExists(SpecValues.ourClassName(spec));
            if (kafkaHasClass != weHaveClass) {
                missing.add(spec.name() + " (kafka: " + kafkaHasClass + ", ours: " + weHaveClass + ")");
            }
            if (weHaveClass) {
                Message ours = (Message) Class.forName(SpecValues.ourClassName(spec))
                        .getConstructor()
                        .newInstance();
                var kafka = (org.apache.kafka.common.protocol.Message) Class.forName(SpecValues.kafkaClassName(spec))
                        .getConstructor()
                        .newInstance();
                assertEquals(kafka.lowestSupportedVersion(), ours.lowestSupportedVersion(), spec.name());
                assertEquals(kafka.highestSupportedVersion(), ours.highestSupportedVersion(), spec.name());
                short apiKey = kafka instanceof org.apache.kafka.common.protocol.ApiMessage a ? a.apiKey() : -1;
                assertEquals(apiKey, ours.apiKey(), spec.name());
            }
        }
        assertEquals(List.of(), missing);
    }

    @AfterAll
    static void printCoverage() {
        String line = API_KEYS.size() + " API keys, " + CLASSES.get() + " message classes, " + PAIRS.get()
                + " message×version pairs, " + FIELDS.get() + " fields exercised, " + SKIPPED.get() + " skipped";
        System.out.println("Kafka round-trip coverage: " + line);
        int expectedPairs = SPECS.stream()
                .filter(s -> !s.validVersions().isEmpty())
                .mapToInt(s -> s.validVersions().highest() - s.validVersions().lowest() + 1)
                .sum();
        // Only meaningful when the factory ran (not when a single test is selected).
        if (PAIRS.get() > 0) {
            assertEquals(0, SKIPPED.get(), line);
            assertEquals(expectedPairs, PAIRS.get(), "every message×version pair must be exercised: " + line);
        }
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void roundTripAllVersions(MessageSpec spec) throws Exception {
        if (!classExists(SpecValues.kafkaClassName(spec))) {
            SKIPPED.incrementAndGet();
            throw new AssertionError("kafka-clients has no class for " + spec.name());
        }
        CLASSES.incrementAndGet();
        spec.apiKey().filter(k -> spec.isApiMessage()).ifPresent(API_KEYS::add);
        for (short v = spec.validVersions().lowest(); v <= spec.validVersions().highest(); v++) {
            for (int i = 0; i < SEEDS_PER_VERSION; i++) {
                long seed = BASE_SEED + 1_000_003L * spec.name().hashCode() + 7919L * v + i;
                // Half the seeds decode from pooled direct memory and encode with the pooled allocator, as the
                // broker does; the others use unpooled heap buffers.
                boolean pooled = i % 2 == 1;
                try {
                    kafkaToOurs(spec, v, seed, pooled);
                    oursToKafka(spec, v, seed ^ 0x5DEECE66DL, pooled);
                } catch (Throwable t) {
                    throw new AssertionError(spec.name() + " v" + v + " seed " + seed + ": " + t, t);
                }
            }
            PAIRS.incrementAndGet();
            FIELDS.addAndGet(fieldsIn(spec, v));
        }
    }

    /** Field definitions present in the version, over the top level and every struct of the spec. */
    private static int fieldsIn(MessageSpec spec, short version) {
        List<StructSpec> structs = new ArrayList<>(spec.structs().values());
        structs.add(spec.topLevel());
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (StructSpec s : structs) {
            if (seen.add(s.name())) {
                n += (int) s.fields().stream()
                        .filter(f -> f.versions().contains(version))
                        .count();
            }
        }
        return n;
    }

    /** Kafka encodes; ours decodes to the same values and re-encodes to the same bytes. */
    private static void kafkaToOurs(MessageSpec spec, short version, long seed, boolean pooled) throws Exception {
        Map<String, Object> values = new SpecValues.Generator(spec, version, seed).struct(spec.topLevel(), 0);
        var kafka = (org.apache.kafka.common.protocol.Message) SpecValues.build(Flavor.KAFKA, spec, values);
        byte[] kafkaBytes = kafkaEncode(kafka, version);

        ByteBuf input = pooled
                ? PooledByteBufAllocator.DEFAULT.directBuffer(kafkaBytes.length).writeBytes(kafkaBytes)
                : Unpooled.wrappedBuffer(kafkaBytes);
        byte[] ourBytes;
        try {
            // Records decode as slices of the input: everything that reads them runs while the input is alive.
            Message ours = (Message) Class.forName(SpecValues.ourClassName(spec))
                    .getConstructor(ByteBuf.class, short.class)
                    .newInstance(input, version);
            assertEquals(0, input.readableBytes(), "bytes left after decoding");
            assertNull(
                    SpecValues.firstDifference("", SpecValues.neutral(spec, kafka), SpecValues.neutral(spec, ours)),
                    "decoded values differ from Kafka's");
            assertEquals(kafkaBytes.length, ours.size(version), "size()");
            ourBytes = encode(ours, version, pooled);
        } finally {
            input.release();
        }
        assertArrayEquals(
                kafkaBytes,
                ourBytes,
                () -> "re-encoded bytes differ\nkafka: " + HexFormat.of().formatHex(kafkaBytes) + "\nours:  "
                        + HexFormat.of().formatHex(ourBytes));

        Message first = (Message) Class.forName(SpecValues.ourClassName(spec))
                .getConstructor(ByteBuf.class, short.class)
                .newInstance(Unpooled.wrappedBuffer(ourBytes), version);
        Message again = (Message) Class.forName(SpecValues.ourClassName(spec))
                .getConstructor(ByteBuf.class, short.class)
                .newInstance(Unpooled.wrappedBuffer(ourBytes.clone()), version);
        assertEquals(first, again, "equals between two decodes");
        assertEquals(first.hashCode(), again.hashCode(), "hashCode between two decodes");
        assertTrue(first.toString().startsWith(first.getClass().getSimpleName() + "("), "toString");
    }

    /** Ours encodes; Kafka decodes to the same values and re-encodes to the same bytes. */
    private static void oursToKafka(MessageSpec spec, short version, long seed, boolean pooled) throws Exception {
        Map<String, Object> values = new SpecValues.Generator(spec, version, seed).struct(spec.topLevel(), 0);
        Message ours = (Message) SpecValues.build(Flavor.OURS, spec, values);
        byte[] ourBytes = encode(ours, version, pooled);
        assertEquals(ourBytes.length, ours.size(version), "size()");

        ByteBufferAccessor accessor = new ByteBufferAccessor(ByteBuffer.wrap(ourBytes));
        var kafka = (org.apache.kafka.common.protocol.Message) Class.forName(SpecValues.kafkaClassName(spec))
                .getConstructor(org.apache.kafka.common.protocol.Readable.class, short.class)
                .newInstance(accessor, version);
        assertEquals(0, accessor.remaining(), "bytes Kafka left after decoding");
        assertNull(
                SpecValues.firstDifference("", SpecValues.neutral(spec, ours), SpecValues.neutral(spec, kafka)),
                "Kafka decoded other values");
        byte[] kafkaBytes = kafkaEncode(kafka, version);
        assertArrayEquals(
                ourBytes,
                kafkaBytes,
                () -> "Kafka re-encoded other bytes\nours:  " + HexFormat.of().formatHex(ourBytes) + "\nkafka: "
                        + HexFormat.of().formatHex(kafkaBytes));
    }

    private static byte[] kafkaEncode(org.apache.kafka.common.protocol.Message message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = message.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        message.write(new ByteBufferAccessor(buffer), cache, version);
        assertEquals(size, buffer.position(), "Kafka's size and write disagree");
        return buffer.array();
    }

    static byte[] encode(Message message, short version) {
        return encode(message, version, false);
    }

    /** Encodes with ours, joins the parts and releases them. */
    static byte[] encode(Message message, short version, boolean pooled) {
        MessageWriter out =
                new MessageWriter(pooled ? PooledByteBufAllocator.DEFAULT : UnpooledByteBufAllocator.DEFAULT, 64);
        try {
            message.write(out, version);
        } catch (RuntimeException e) {
            out.release(); // the caller owns the parts until they are handed over, also when write fails
            throw e;
        }
        int total = out.totalBytes();
        ByteBuf joined = out.toByteBuf();
        try {
            byte[] bytes = ByteBufUtil.getBytes(joined);
            assertEquals(total, bytes.length, "totalBytes()");
            return bytes;
        } finally {
            joined.release();
        }
    }
}

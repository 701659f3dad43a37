package io.tributary.protocol.message;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.codec.ByteBufRecords;
import io.tributary.protocol.codec.RawTaggedField;
import io.tributary.protocol.codec.Records;
import io.tributary.protocol.generator.FieldSpec;
import io.tributary.protocol.generator.FieldType;
import io.tributary.protocol.generator.FieldType.ArrayType;
import io.tributary.protocol.generator.FieldType.Primitive;
import io.tributary.protocol.generator.FieldType.StructType;
import io.tributary.protocol.generator.MessageSpec;
import io.tributary.protocol.generator.SpecParser;
import io.tributary.protocol.generator.StructSpec;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Test support driven by the JSON specs: random field values for a message version as a neutral tree (maps of field
 * name to value), builders that turn such a tree into our generated objects or kafka-clients' ones by reflection, and
 * the reverse (any object to a neutral tree) for field-by-field comparison.
 */
final class SpecValues {
    static final String KAFKA_PACKAGE = "org.apache.kafka.common.message.";
    static final String OUR_PACKAGE = "io.tributary.protocol.message.";

    /** Key of the unknown tagged fields in a neutral struct. */
    static final String UNKNOWN = "$unknownTaggedFields";

    private static final int[] CODE_POINTS = {'a', 'z', 'K', '0', '-', '_', ' ', 'é', 'ß', '€', '中', 0x1D11E};

    private SpecValues() {}

    static List<MessageSpec> specs() {
        String dir = System.getProperty("tributary.kafka.specs", "target/kafka-specs/common/message");
        return SpecParser.parseDirectory(Path.of(dir));
    }

    /** kafka-clients' class name: request, response and header specs take a Data suffix, data specs do not. */
    static String kafkaClassName(MessageSpec spec) {
        boolean suffixed = switch (spec.type()) {
            case "request", "response", "header" -> true;
            default -> false;
        };
        return KAFKA_PACKAGE + (suffixed ? spec.name() + "Data" : spec.name());
    }

    static String ourClassName(MessageSpec spec) {
        return OUR_PACKAGE + spec.className();
    }

    // ------------------------------------------------------------------ random values

    /** Generates random field values for one version of a message. Not thread-safe. */
    static final class Generator {
        private final MessageSpec spec;
        private final short version;
        private final Random random;
        private int fields;

        Generator(MessageSpec spec, short version, long seed) {
            this.spec = spec;
            this.version = version;
            this.random = new Random(seed);
        }

        /** The number of field values generated so far. */
        int fieldsGenerated() {
            return fields;
        }

        Map<String, Object> struct(StructSpec struct, int depth) {
            Map<String, Object> node = new LinkedHashMap<>();
            int maxTag = -1;
            for (FieldSpec f : struct.fields()) {
                maxTag = Math.max(maxTag, f.tag().orElse(-1));
                if (f.versions().contains(version)) {
                    node.put(f.camelName(), value(f, f.type(), true, depth));
                    fields++;
                }
            }
            if (spec.flexibleVersions().contains(version) && random.nextInt(3) == 0) {
                List<RawTaggedField> unknown = new ArrayList<>();
                int tag = maxTag + 1 + random.nextInt(3);
                for (int i = random.nextInt(3); i >= 0; i--) {
                    unknown.add(new RawTaggedField(tag, bytes(random.nextInt(6))));
                    tag += 1 + random.nextInt(200); // tags past 127 take two varint bytes
                }
                node.put(UNKNOWN, unknown);
            }
            return node;
        }

        private Object value(FieldSpec f, FieldType type, boolean topOfField, int depth) {
            if (topOfField && f.nullableVersions().contains(version) && random.nextInt(5) == 0) {
                return null;
            }
            return switch (type) {
                case Primitive p ->
                    switch (p) {
                        case BOOL -> !Boolean.parseBoolean(f.defaultValue().orElse("false")) || random.nextBoolean();
                        case INT8 -> (byte) (1 + random.nextInt(126));
                        case INT16 ->
                            (short)
                                    (random.nextBoolean()
                                            ? 1 + random.nextInt(Short.MAX_VALUE)
                                            : -2 - random.nextInt(1000));
                        case UINT16 -> 1 + random.nextInt(0xfffe);
                        case INT32 ->
                            random.nextBoolean()
                                    ? 1 + random.nextInt(Integer.MAX_VALUE - 1)
                                    : -2 - random.nextInt(1 << 20);
                        case UINT32 -> 1 + (random.nextLong() & 0xfffffffeL);
                        case INT64 ->
                            random.nextBoolean() ? 1 + (random.nextLong() >>> 1) : -2 - random.nextInt(1 << 20);
                        case FLOAT64 -> (random.nextDouble() - 0.25) * 1e6;
                        case UUID -> new UUID(random.nextLong() | 1, random.nextLong());
                        case STRING -> string(random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(12));
                        case BYTES -> bytes(random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(12));
                        // Now and then large enough for MessageWriter's zero-copy path.
                        case RECORDS ->
                            bytes(random.nextInt(8) == 0 ? 1024 + random.nextInt(2048) : random.nextInt(80));
                    };
                case ArrayType a -> {
                    int n = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(depth > 2 ? 1 : 3);
                    List<Object> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        list.add(value(f, a.element(), false, depth + 1));
                    }
                    yield list;
                }
                case StructType s -> struct(spec.struct(s.name()), depth + 1);
            };
        }

        private String string(int codePoints) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < codePoints; i++) {
                b.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
            }
            return b.toString();
        }

        private byte[] bytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }
    }

    // ------------------------------------------------------------------ building objects

    /** Which object model a tree is built into or read from. */
    enum Flavor {
        OURS,
        KAFKA
    }

    static Object build(Flavor flavor, MessageSpec spec, Map<String, Object> node) throws Exception {
        Class<?> top = Class.forName(flavor == Flavor.OURS ? ourClassName(spec) : kafkaClassName(spec));
        return buildStruct(flavor, spec, top, top, spec.topLevel(), node);
    }

    private static Object buildStruct(
            Flavor flavor, MessageSpec spec, Class<?> top, Class<?> cls, StructSpec struct, Map<String, Object> node)
            throws Exception {
        Object obj = cls.getConstructor().newInstance();
        for (FieldSpec f : struct.fields()) {
            if (!node.containsKey(f.camelName())) {
                continue;
            }
            Method setter = setter(cls, f.setterName());
            Object value =
                    convert(flavor, spec, top, f.type(), setter.getGenericParameterTypes()[0], node.get(f.camelName()));
            setter.invoke(obj, value);
        }
        @SuppressWarnings("unchecked")
        List<RawTaggedField> unknown = (List<RawTaggedField>) node.get(UNKNOWN);
        if (unknown != null) {
            @SuppressWarnings("unchecked")
            List<Object> target =
                    (List<Object>) cls.getMethod("unknownTaggedFields").invoke(obj);
            for (RawTaggedField r : unknown) {
                target.add(
                        flavor == Flavor.OURS
                                ? r
                                : new org.apache.kafka.common.protocol.types.RawTaggedField(r.tag(), r.data()));
            }
        }
        return obj;
    }

    private static Method setter(Class<?> cls, String name) {
        for (Method m : cls.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        throw new AssertionError(cls.getName() + " has no setter " + name);
    }

    private static Object convert(Flavor flavor, MessageSpec spec, Class<?> top, FieldType type, Type target, Object v)
            throws Exception {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case Primitive p ->
                switch (p) {
                    case UUID ->
                        flavor == Flavor.OURS
                                ? v
                                : new Uuid(((UUID) v).getMostSignificantBits(), ((UUID) v).getLeastSignificantBits());
                    case BYTES -> target == ByteBuffer.class ? ByteBuffer.wrap((byte[]) v) : v;
                    case RECORDS ->
                        flavor == Flavor.OURS
                                ? new ByteBufRecords(Unpooled.wrappedBuffer((byte[]) v))
                                : MemoryRecords.readableRecords(ByteBuffer.wrap((byte[]) v));
                    default -> v;
                };
            case ArrayType a -> {
                Class<?> raw = target instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) target;
                @SuppressWarnings("unchecked")
                Collection<Object> c = raw.isInterface()
                        ? new ArrayList<>()
                        : (Collection<Object>) raw.getConstructor().newInstance();
                for (Object element : (List<?>) v) {
                    c.add(convert(flavor, spec, top, a.element(), null, element));
                }
                yield c;
            }
            case StructType s -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> node = (Map<String, Object>) v;
                yield buildStruct(
                        flavor, spec, top, Class.forName(top.getName() + "$" + s.name()), spec.struct(s.name()), node);
            }
        };
    }

    // ------------------------------------------------------------------ neutral form of objects

    /** Any message object (ours or Kafka's) as a neutral tree: every field of the struct, in any version. */
    static Map<String, Object> neutral(MessageSpec spec, Object message) throws Exception {
        return neutralStruct(spec, spec.topLevel(), message);
    }

    private static Map<String, Object> neutralStruct(MessageSpec spec, StructSpec struct, Object obj) throws Exception {
        Map<String, Object> node = new LinkedHashMap<>();
        Class<?> cls = obj.getClass();
        for (FieldSpec f : struct.fields()) {
            Object v = cls.getMethod(f.camelName()).invoke(obj);
            node.put(f.camelName(), neutralValue(spec, f.type(), v));
        }
        List<String> unknown = new ArrayList<>();
        for (Object r : (List<?>) cls.getMethod("unknownTaggedFields").invoke(obj)) {
            if (r instanceof RawTaggedField ours) {
                unknown.add(ours.tag() + ":" + HexFormat.of().formatHex(ours.data()));
            } else {
                var k = (org.apache.kafka.common.protocol.types.RawTaggedField) r;
                unknown.add(k.tag() + ":" + HexFormat.of().formatHex(k.data()));
            }
        }
        node.put(UNKNOWN, unknown);
        return node;
    }

    private static Object neutralValue(MessageSpec spec, FieldType type, Object v) throws Exception {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case Primitive p ->
                switch (p) {
                    case UUID ->
                        v instanceof Uuid k ? new UUID(k.getMostSignificantBits(), k.getLeastSignificantBits()) : v;
                    case BYTES -> "bytes:" + hex(v);
                    case RECORDS -> "records:" + hex(v);
                    default -> v;
                };
            case ArrayType a -> {
                List<Object> list = new ArrayList<>();
                for (Object element : (Iterable<?>) v) {
                    list.add(neutralValue(spec, a.element(), element));
                }
                yield list;
            }
            case StructType s -> neutralStruct(spec, spec.struct(s.name()), v);
        };
    }

    private static String hex(Object v) {
        byte[] bytes = switch (v) {
            case byte[] b -> b;
            case ByteBuffer b -> {
                ByteBuffer d = b.duplicate();
                byte[] out = new byte[d.remaining()];
                d.get(out);
                yield out;
            }
            case ByteBufRecords r -> ByteBufUtil.getBytes(r.buffer());
            case MemoryRecords r -> hexBytes(r.buffer());
            case BaseRecords r -> throw new AssertionError("Unexpected Kafka records " + r.getClass());
            case Records r -> throw new AssertionError("Unexpected records " + r.getClass());
            default -> throw new AssertionError("Not bytes: " + v.getClass());
        };
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] hexBytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** The path of the first difference between two neutral trees, or null if they are equal. */
    static String firstDifference(String path, Object a, Object b) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (!ma.keySet().equals(mb.keySet())) {
                return path + " keys " + ma.keySet() + " vs " + mb.keySet();
            }
            for (Object k : ma.keySet()) {
                String d = firstDifference(path + "." + k, ma.get(k), mb.get(k));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return path + " size " + la.size() + " vs " + lb.size();
            }
            for (int i = 0; i < la.size(); i++) {
                String d = firstDifference(path + "[" + i + "]", la.get(i), lb.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return Objects.equals(a, b) ? null : path + ": " + a + " vs " + b;
    }
}

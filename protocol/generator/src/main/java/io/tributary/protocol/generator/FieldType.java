package io.tributary.protocol.generator;

/** The type of a field in a message spec: a primitive, an array of some element type, or a struct. */
public sealed interface FieldType {

    /** Parses a spec type such as {@code int32}, {@code []string} or {@code []TopicProduceData}. */
    static FieldType parse(String text) {
        if (text.startsWith("[]")) {
            FieldType element = parse(text.substring(2));
            if (element instanceof ArrayType || element == Primitive.RECORDS) {
                throw new IllegalArgumentException("Unsupported array element type in '" + text + "'");
            }
            return new ArrayType(element);
        }
        for (Primitive p : Primitive.values()) {
            if (p.specName.equals(text)) {
                return p;
            }
        }
        if (text.isEmpty() || !Character.isUpperCase(text.charAt(0))) {
            throw new IllegalArgumentException("Unknown field type '" + text + "'");
        }
        return new StructType(text);
    }

    enum Primitive implements FieldType {
        BOOL("bool", 1),
        INT8("int8", 1),
        INT16("int16", 2),
        UINT16("uint16", 2),
        INT32("int32", 4),
        UINT32("uint32", 4),
        INT64("int64", 8),
        FLOAT64("float64", 8),
        UUID("uuid", 16),
        STRING("string", -1),
        BYTES("bytes", -1),
        RECORDS("records", -1);

        private final String specName;
        private final int fixedSize;

        Primitive(String specName, int fixedSize) {
            this.specName = specName;
            this.fixedSize = fixedSize;
        }

        public String specName() {
            return specName;
        }

        /** Encoded size in bytes, or -1 for variable-length types. */
        public int fixedSize() {
            return fixedSize;
        }

        /** Strings, bytes and records may be nullable; numbers, booleans and UUIDs may not. */
        public boolean canBeNull() {
            return fixedSize < 0;
        }

        @Override
        public String toString() {
            return specName;
        }
    }

    record ArrayType(FieldType element) implements FieldType {
        @Override
        public String toString() {
            return "[]" + element;
        }
    }

    record StructType(String name) implements FieldType {
        @Override
        public String toString() {
            return name;
        }
    }
}

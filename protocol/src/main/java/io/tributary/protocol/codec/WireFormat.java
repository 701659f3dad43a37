package io.tributary.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The primitive encodings of the Kafka protocol, as static helpers for the generated message classes (and for
 * anyone else who reads or sizes the same encodings).
 *
 * <p>Readers check every claimed length or count against the readable bytes before allocating, and throw {@link
 * MalformedMessageException}. Fixed-size reads ({@code readInt} and the like) are left to the caller: generated
 * classes call {@code ByteBuf} directly and turn a truncation's {@link IndexOutOfBoundsException} into a {@link
 * MalformedMessageException} at the top of {@code read}. Stateless and thread-safe.
 */
public final class WireFormat {
    /** Kafka's "no UUID" sentinel, the default of uuid fields. */
    public static final UUID ZERO_UUID = new UUID(0L, 0L);

    /** The default of non-nullable bytes fields (shared: a zero-length array cannot be modified). */
    public static final byte[] EMPTY_BYTES = new byte[0];

    /** Strings are limited to an int16 length, compact ones too (as Kafka does). */
    public static final int MAX_STRING_BYTES = Short.MAX_VALUE;

    /** Arrays preallocate at most this many slots, whatever count the input claims. */
    public static final int MAX_PREALLOCATED_ELEMENTS = 1024;

    private WireFormat() {}

    // ---- reading ----

    /** An unsigned varint of at most 5 bytes (the value as an unsigned 32-bit number). */
    public static int readUnsignedVarint(ByteBuf buf) {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            byte b = readVarintByte(buf);
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        byte b = readVarintByte(buf);
        if (b < 0) {
            throw new MalformedMessageException("Varint is longer than 5 bytes");
        }
        return value | (b << 28);
    }

    /** A zig-zag encoded varint of at most 5 bytes. */
    public static int readVarint(ByteBuf buf) {
        int raw = readUnsignedVarint(buf);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** A zig-zag encoded varlong of at most 10 bytes. */
    public static long readVarlong(ByteBuf buf) {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            byte b = readVarintByte(buf);
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        byte b = readVarintByte(buf);
        if (b < 0) {
            throw new MalformedMessageException("Varlong is longer than 10 bytes");
        }
        value |= (long) b << 63;
        return (value >>> 1) ^ -(value & 1);
    }

    private static byte readVarintByte(ByteBuf buf) {
        if (!buf.isReadable()) {
            throw new MalformedMessageException("Truncated varint");
        }
        return buf.readByte();
    }

    public static UUID readUuid(ByteBuf buf) {
        long msb = buf.readLong();
        long lsb = buf.readLong();
        return new UUID(msb, lsb);
    }

    /** A STRING (int16 length) that must not be null. */
    public static String readString(ByteBuf buf, String field) {
        String s = readNullableString(buf, field);
        if (s == null) {
            throw nullNotAllowed(field);
        }
        return s;
    }

    /** A NULLABLE_STRING (int16 length, -1 for null). */
    public static String readNullableString(ByteBuf buf, String field) {
        int length = buf.readShort();
        if (length < 0) {
            if (length == -1) {
                return null;
            }
            throw new MalformedMessageException("Field " + field + " has negative length " + length);
        }
        return readUtf8(buf, length, field);
    }

    /** A COMPACT_STRING (varint length + 1) that must not be null. */
    public static String readCompactString(ByteBuf buf, String field) {
        String s = readCompactNullableString(buf, field);
        if (s == null) {
            throw nullNotAllowed(field);
        }
        return s;
    }

    /** A COMPACT_NULLABLE_STRING (varint length + 1, 0 for null). */
    public static String readCompactNullableString(ByteBuf buf, String field) {
        int n = readUnsignedVarint(buf);
        if (n == 0) {
            return null;
        }
        if (n < 0 || n - 1 > MAX_STRING_BYTES) {
            throw new MalformedMessageException(
                    "Field " + field + " claims a string of " + Integer.toUnsignedString(n - 1) + " bytes");
        }
        return readUtf8(buf, n - 1, field);
    }

    /**
     * Decodes {@code length} bytes of UTF-8 in one call, then skips them. Replacement characters in the result send
     * the bytes through a strict check, so that invalid UTF-8 is an error and a genuine U+FFFD is not.
     */
    private static String readUtf8(ByteBuf buf, int length, String field) {
        checkReadable(buf, length, field);
        int index = buf.readerIndex();
        String s = buf.toString(index, length, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') >= 0 && !ByteBufUtil.isText(buf, index, length, StandardCharsets.UTF_8)) {
            throw new MalformedMessageException("Field " + field + " is not valid UTF-8");
        }
        buf.skipBytes(length);
        return s;
    }

    /** BYTES (int32 length) that must not be null. */
    public static byte[] readByteArray(ByteBuf buf, String field) {
        byte[] b = readNullableByteArray(buf, field);
        if (b == null) {
            throw nullNotAllowed(field);
        }
        return b;
    }

    /** NULLABLE_BYTES (int32 length, -1 for null). */
    public static byte[] readNullableByteArray(ByteBuf buf, String field) {
        int length = readInt32Length(buf, field);
        return length < 0 ? null : copyBytes(buf, length, field);
    }

    /** COMPACT_BYTES (varint length + 1) that must not be null. */
    public static byte[] readCompactByteArray(ByteBuf buf, String field) {
        byte[] b = readCompactNullableByteArray(buf, field);
        if (b == null) {
            throw nullNotAllowed(field);
        }
        return b;
    }

    /** COMPACT_NULLABLE_BYTES (varint length + 1, 0 for null). */
    public static byte[] readCompactNullableByteArray(ByteBuf buf, String field) {
        int length = readCompactLength(buf, field);
        return length < 0 ? null : copyBytes(buf, length, field);
    }

    /** RECORDS (int32 length, -1 for null) as a non-retained slice of {@code buf}. */
    public static ByteBufRecords readRecords(ByteBuf buf, String field) {
        int length = readInt32Length(buf, field);
        return length < 0 ? null : sliceRecords(buf, length, field);
    }

    /** COMPACT_RECORDS (varint length + 1, 0 for null) as a non-retained slice of {@code buf}. */
    public static ByteBufRecords readCompactRecords(ByteBuf buf, String field) {
        int length = readCompactLength(buf, field);
        return length < 0 ? null : sliceRecords(buf, length, field);
    }

    private static ByteBufRecords sliceRecords(ByteBuf buf, int length, String field) {
        checkReadable(buf, length, field);
        return new ByteBufRecords(buf.readSlice(length));
    }

    private static byte[] copyBytes(ByteBuf buf, int length, String field) {
        checkReadable(buf, length, field);
        byte[] b = new byte[length];
        buf.readBytes(b);
        return b;
    }

    /**
     * An ARRAY count (int32, -1 for null), checked against the readable bytes given the smallest encoded element.
     *
     * @return the count, or -1 for null
     */
    public static int readArrayLength(ByteBuf buf, int minElementSize, String field) {
        int count = readInt32Length(buf, field);
        if (count > 0) {
            checkCount(buf, count, minElementSize, field);
        }
        return count;
    }

    /**
     * A COMPACT_ARRAY count (varint count + 1, 0 for null), checked like {@link #readArrayLength}.
     *
     * @return the count, or -1 for null
     */
    public static int readCompactArrayLength(ByteBuf buf, int minElementSize, String field) {
        int count = readCompactLength(buf, field);
        if (count > 0) {
            checkCount(buf, count, minElementSize, field);
        }
        return count;
    }

    /** The initial capacity for a list of {@code count} elements: never more than {@link #MAX_PREALLOCATED_ELEMENTS}. */
    public static int initialCapacity(int count) {
        return Math.min(count, MAX_PREALLOCATED_ELEMENTS);
    }

    private static void checkCount(ByteBuf buf, int count, int minElementSize, String field) {
        if ((long) count * Math.max(1, minElementSize) > buf.readableBytes()) {
            throw new MalformedMessageException("Field " + field + " claims " + count + " elements but only "
                    + buf.readableBytes() + " bytes remain");
        }
    }

    private static int readInt32Length(ByteBuf buf, String field) {
        int length = buf.readInt();
        if (length < -1) {
            throw new MalformedMessageException("Field " + field + " has negative length " + length);
        }
        return length;
    }

    private static int readCompactLength(ByteBuf buf, String field) {
        int n = readUnsignedVarint(buf);
        if (n < 0) {
            throw new MalformedMessageException(
                    "Field " + field + " claims " + Integer.toUnsignedString(n - 1) + " bytes or elements");
        }
        return n - 1;
    }

    private static void checkReadable(ByteBuf buf, int length, String field) {
        if (length > buf.readableBytes()) {
            throw new MalformedMessageException(
                    "Field " + field + " claims " + length + " bytes but only " + buf.readableBytes() + " remain");
        }
    }

    /** The number of tagged fields that follows, checked against the readable bytes (each takes at least two). */
    public static int readTaggedFieldCount(ByteBuf buf) {
        int count = readUnsignedVarint(buf);
        if (count < 0 || (long) count * 2 > buf.readableBytes()) {
            throw new MalformedMessageException("Claims " + Integer.toUnsignedString(count) + " tagged fields but only "
                    + buf.readableBytes() + " bytes remain");
        }
        return count;
    }

    /** A tagged field's tag. */
    public static int readTag(ByteBuf buf) {
        int tag = readUnsignedVarint(buf);
        if (tag < 0) {
            throw new MalformedMessageException("Tag " + Integer.toUnsignedString(tag) + " is out of range");
        }
        return tag;
    }

    /** A tagged field's size, checked against the readable bytes. */
    public static int readTaggedFieldSize(ByteBuf buf, int tag) {
        int size = readUnsignedVarint(buf);
        if (size < 0 || size > buf.readableBytes()) {
            throw new MalformedMessageException("Tagged field " + tag + " claims " + Integer.toUnsignedString(size)
                    + " bytes but only " + buf.readableBytes() + " remain");
        }
        return size;
    }

    /** Checks that a known tagged field's value used exactly the bytes its size announced. */
    public static void checkTaggedFieldConsumed(ByteBuf slice, String field) {
        if (slice.isReadable()) {
            throw new MalformedMessageException(
                    "Tagged field " + field + " has " + slice.readableBytes() + " bytes after its value");
        }
    }

    /** Reads an unknown tagged field's bytes and appends it to {@code fields} (created if null); returns the list. */
    public static List<RawTaggedField> readUnknownTaggedField(
            ByteBuf buf, List<RawTaggedField> fields, int tag, int size) {
        byte[] data = new byte[size];
        buf.readBytes(data);
        List<RawTaggedField> list = fields == null ? new ArrayList<>(1) : fields;
        list.add(new RawTaggedField(tag, data));
        return list;
    }

    // ---- writing ----

    /**
     * Writes the unknown tagged fields from index {@code from} whose tag is below {@code beforeTag}, so that they
     * interleave with the known ones in tag order. Unknown fields must be in ascending tag order.
     *
     * @return the index of the first unknown field not written
     */
    public static int writeUnknownTaggedFields(
            MessageWriter out, List<RawTaggedField> fields, int from, int beforeTag) {
        if (fields == null) {
            return from;
        }
        int i = from;
        while (i < fields.size() && fields.get(i).tag() < beforeTag) {
            RawTaggedField f = fields.get(i);
            out.writeUnsignedVarint(f.tag());
            out.writeUnsignedVarint(f.data().length);
            out.writeBytes(f.data());
            i++;
        }
        return i;
    }

    // ---- sizes ----

    public static int sizeOfUnsignedVarint(int value) {
        // 1 byte per 7 bits of the value, at least one.
        int bits = 32 - Integer.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    public static int sizeOfVarint(int value) {
        return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
    }

    public static int sizeOfVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        int bits = 64 - Long.numberOfLeadingZeros(v | 1);
        return (bits + 6) / 7;
    }

    /** The UTF-8 length of a string, without encoding it. */
    public static int utf8Length(String value) {
        return ByteBufUtil.utf8Bytes(value);
    }

    public static int stringSize(String value) {
        return value == null ? 2 : 2 + utf8Length(value);
    }

    public static int compactStringSize(String value) {
        if (value == null) {
            return 1;
        }
        int length = utf8Length(value);
        return sizeOfUnsignedVarint(length + 1) + length;
    }

    public static int byteArraySize(byte[] value) {
        return value == null ? 4 : 4 + value.length;
    }

    public static int compactByteArraySize(byte[] value) {
        return value == null ? 1 : sizeOfUnsignedVarint(value.length + 1) + value.length;
    }

    public static int recordsSize(Records value) {
        return value == null ? 4 : 4 + value.sizeInBytes();
    }

    public static int compactRecordsSize(Records value) {
        if (value == null) {
            return 1;
        }
        int n = value.sizeInBytes();
        return sizeOfUnsignedVarint(n + 1) + n;
    }

    /** The size of a compact array's count for a list of {@code count} elements (-1 for null). */
    public static int compactArrayHeaderSize(int count) {
        return sizeOfUnsignedVarint(count + 1);
    }

    /** The bytes the unknown tagged fields take, tags and sizes included. */
    public static int unknownTaggedFieldsSize(List<RawTaggedField> fields) {
        if (fields == null) {
            return 0;
        }
        int size = 0;
        for (RawTaggedField f : fields) {
            size += sizeOfUnsignedVarint(f.tag()) + sizeOfUnsignedVarint(f.data().length) + f.data().length;
        }
        return size;
    }

    // ---- checks and errors ----

    /** Unknown tagged fields compare equal when both are absent or empty, or hold the same fields in order. */
    public static boolean unknownTaggedFieldsEqual(List<RawTaggedField> a, List<RawTaggedField> b) {
        if (a == null || a.isEmpty()) {
            return b == null || b.isEmpty();
        }
        return a.equals(b);
    }

    public static void checkVersion(short version, short lowest, short highest, String messageName) {
        if (version < lowest || version > highest) {
            throw new UnsupportedVersionException(
                    messageName + " has no version " + version + " (supported: " + lowest + "-" + highest + ")");
        }
    }

    public static MalformedMessageException truncated(String messageName, IndexOutOfBoundsException cause) {
        return new MalformedMessageException("Truncated " + messageName, cause);
    }

    public static MalformedMessageException nullNotAllowed(String field) {
        return new MalformedMessageException("Non-nullable field " + field + " was serialized as null");
    }

    public static UnsupportedVersionException nullNotSupported(String field, short version) {
        return new UnsupportedVersionException("Field " + field + " is null but not nullable in version " + version);
    }

    public static UnsupportedVersionException nonDefaultNotSupported(String field, short version) {
        return new UnsupportedVersionException(
                "Field " + field + " has a non-default value but version " + version + " cannot carry it");
    }
}

package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;

/**
 * Kafka's zig-zag varints (int32, at most 5 bytes) and varlongs (int64, at most 10 bytes), as
 * used inside v2 records. Reading lives in {@link RecordParser}, which knows the bounds and the
 * error context; this class only sizes and writes.
 */
final class Varints {
    static final int MAX_VARINT_BYTES = 5;
    static final int MAX_VARLONG_BYTES = 10;

    private Varints() {}

    static int zigZag(int value) {
        return (value << 1) ^ (value >> 31);
    }

    static long zigZag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    static int unZigZag(int raw) {
        return (raw >>> 1) ^ -(raw & 1);
    }

    static long unZigZag(long raw) {
        return (raw >>> 1) ^ -(raw & 1);
    }

    static int sizeOfVarint(int value) {
        int raw = zigZag(value);
        int size = 1;
        while ((raw & ~0x7F) != 0) {
            raw >>>= 7;
            size++;
        }
        return size;
    }

    static int sizeOfVarlong(long value) {
        long raw = zigZag(value);
        int size = 1;
        while ((raw & ~0x7FL) != 0) {
            raw >>>= 7;
            size++;
        }
        return size;
    }

    static void writeVarint(ByteBuf out, int value) {
        int raw = zigZag(value);
        while ((raw & ~0x7F) != 0) {
            out.writeByte((raw & 0x7F) | 0x80);
            raw >>>= 7;
        }
        out.writeByte(raw);
    }

    static void writeVarlong(ByteBuf out, long value) {
        long raw = zigZag(value);
        while ((raw & ~0x7FL) != 0) {
            out.writeByte((int) (raw & 0x7F) | 0x80);
            raw >>>= 7;
        }
        out.writeByte((int) raw);
    }

    /**
     * Reads a varint at {@code index} of bytes already checked by {@link RecordParser}. Returns
     * the value in the high 32 bits and the number of bytes it took in the low 32, so the caller
     * can advance without a cursor object (encodings need not be minimal).
     */
    static long readCheckedVarint(ByteBuf buf, int index) {
        int raw = 0;
        int length = 0;
        int b;
        do {
            b = buf.getByte(index + length);
            raw |= (b & 0x7F) << (7 * length);
            length++;
        } while ((b & 0x80) != 0 && length < MAX_VARINT_BYTES);
        return ((long) unZigZag(raw) << 32) | length;
    }

    static int value(long packed) {
        return (int) (packed >> 32);
    }

    static int length(long packed) {
        return (int) packed;
    }
}

package io.tributary.spi.storage;

import java.nio.ByteBuffer;

/**
 * Walks the records of a v2 batch's records section (uncompressed: a compressed batch's section
 * must go through a {@link BatchCodec} first), exposing each record's fields in place, without
 * copying or allocating. The layout of a record (every integer a zig-zag varint):
 *
 * <pre>
 * length, attributes (int8), timestampDelta, offsetDelta,
 * keyLength (-1 for null), key, valueLength (-1 for null: a tombstone), value,
 * headerCount, headers...
 * </pre>
 *
 * Reuse one cursor with {@link #reset}. Not thread-safe.
 */
public final class RecordCursor {
    private ByteBuffer buf;
    private int pos;
    private int end;
    private int remaining;

    private int recordStart;
    private int recordEnd;
    private int bodyStart;
    private byte attributes;
    private long timestampDelta;
    private int offsetDelta;
    private int keyPosition;
    private int keyLength;
    private int valuePosition;
    private int valueLength;
    private int afterOffsetDelta;

    /**
     * Starts over on the records section {@code records} (position to limit, absolute reads;
     * the buffer is not changed) holding {@code count} records.
     */
    public RecordCursor reset(ByteBuffer records, int count) {
        this.buf = records;
        this.pos = records.position();
        this.end = records.limit();
        this.remaining = count;
        return this;
    }

    /**
     * Moves to the next record.
     *
     * @return false after the last record
     * @throws CorruptRecordException if the record runs past the section or its lengths are wrong
     */
    public boolean next() {
        if (remaining == 0) {
            return false;
        }
        if (pos >= end) {
            throw new CorruptRecordException("The records section ends with " + remaining + " records missing");
        }
        recordStart = pos;
        int length = (int) readVarlong();
        bodyStart = pos;
        if (length < 0 || (long) bodyStart + length > end) {
            throw new CorruptRecordException("A record declares length " + length + " past the records section");
        }
        recordEnd = bodyStart + length;
        attributes = buf.get(pos++);
        timestampDelta = readVarlong();
        offsetDelta = (int) readVarlong();
        afterOffsetDelta = pos;
        keyLength = (int) readVarlong();
        keyPosition = pos;
        if (keyLength > 0) {
            pos += keyLength;
        }
        valueLength = (int) readVarlong();
        valuePosition = pos;
        if (valueLength > 0) {
            pos += valueLength;
        }
        if (keyLength < -1 || valueLength < -1 || pos > recordEnd) {
            throw new CorruptRecordException("A record's key or value runs past its end");
        }
        pos = recordEnd;
        remaining--;
        return true;
    }

    /** Where the current record starts (its length varint) in the buffer. */
    public int recordStart() {
        return recordStart;
    }

    /** Just past the current record. */
    public int recordEnd() {
        return recordEnd;
    }

    public byte attributes() {
        return attributes;
    }

    public long timestampDelta() {
        return timestampDelta;
    }

    public int offsetDelta() {
        return offsetDelta;
    }

    /** Where the key's length varint ends and everything up to the record's end can be copied as is. */
    int afterOffsetDelta() {
        return afterOffsetDelta;
    }

    /** -1 for a null key. */
    public int keyLength() {
        return keyLength;
    }

    public int keyPosition() {
        return keyPosition;
    }

    /** -1 for a null value (a tombstone). */
    public int valueLength() {
        return valueLength;
    }

    public int valuePosition() {
        return valuePosition;
    }

    public boolean hasKey() {
        return keyLength >= 0;
    }

    public boolean hasValue() {
        return valueLength >= 0;
    }

    /** The key, as a slice of the buffer (no copy); null for a null key. */
    public ByteBuffer key() {
        return keyLength < 0 ? null : buf.slice(keyPosition, keyLength);
    }

    private long readVarlong() {
        long raw = 0;
        int shift = 0;
        while (true) {
            if (pos >= end) {
                throw new CorruptRecordException("A varint runs past the records section");
            }
            byte b = buf.get(pos++);
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
            shift += 7;
            if (shift > 63) {
                throw new CorruptRecordException("A varint is longer than 10 bytes");
            }
        }
    }

    /** Writes {@code value} as a zig-zag varint at the buffer's position. */
    static void writeVarlong(ByteBuffer out, long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    /** The bytes {@link #writeVarlong} takes for {@code value}. */
    static int sizeOfVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        int bytes = 1;
        while ((v & ~0x7FL) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }
}

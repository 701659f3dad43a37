package io.tributary.protocol.record;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One record of a v2 batch, as returned by {@link RecordIterator}.
 *
 * <p>Key, value and header values are read-only {@link ByteBuf} views, not copies and not
 * retained: for an uncompressed batch they view the batch's own buffer and are valid only while
 * that buffer is (the caller owns it); for a compressed batch they view a heap array holding this
 * record's decompressed bytes and stay valid as long as they are referenced. Use {@link
 * #keyBytes()} / {@link #valueBytes()} for copies. Headers are decoded on first use, so an
 * instance is not thread-safe: hand it to another thread only through safe publication.
 */
public final class Record {
    private final ByteBuf buf;
    private final long offset;
    private final long timestamp;
    private final int sequence;
    private final byte attributes;
    private final int sizeInBytes;
    private final int keyIndex;
    private final int keyLength;
    private final int valueIndex;
    private final int valueLength;
    private final int headersIndex;
    private final int headerCount;
    private List<RecordHeader> headers;

    Record(ByteBuf buf, RecordParser parsed, long offset, long timestamp, int sequence) {
        this.buf = buf;
        this.offset = offset;
        this.timestamp = timestamp;
        this.sequence = sequence;
        this.attributes = parsed.attributes;
        this.sizeInBytes = Varints.sizeOfVarint(parsed.bodyLength) + parsed.bodyLength;
        this.keyIndex = (int) parsed.keyPosition;
        this.keyLength = parsed.keyLength;
        this.valueIndex = (int) parsed.valuePosition;
        this.valueLength = parsed.valueLength;
        this.headersIndex = (int) parsed.headersPosition;
        this.headerCount = parsed.headerCount;
    }

    /** The record's offset: the batch's base offset plus its offset delta. */
    public long offset() {
        return offset;
    }

    /**
     * The record's timestamp: the batch's base timestamp plus its delta, or the batch's max
     * timestamp when the batch uses {@link TimestampType#LOG_APPEND_TIME}.
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * The producer sequence of this record (the batch's base sequence plus the offset delta,
     * wrapping after {@link Integer#MAX_VALUE} to 0), or -1 when the batch has none.
     */
    public int sequence() {
        return sequence;
    }

    /** The record-level attributes byte (unused by Kafka so far; kept as written). */
    public byte attributes() {
        return attributes;
    }

    /** Encoded size, length prefix included, as it sits in the (uncompressed) record stream. */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    public boolean hasKey() {
        return keyLength >= 0;
    }

    /** Size of the key in bytes, or -1 for a null key. */
    public int keySize() {
        return keyLength;
    }

    /** A read-only view of the key, or null. See the class comment for its lifetime. */
    public ByteBuf key() {
        return view(keyIndex, keyLength);
    }

    /** A copy of the key, or null. */
    public byte[] keyBytes() {
        return keyLength < 0 ? null : ByteBufUtil.getBytes(buf, keyIndex, keyLength);
    }

    public boolean hasValue() {
        return valueLength >= 0;
    }

    /** Size of the value in bytes, or -1 for a null value (a tombstone). */
    public int valueSize() {
        return valueLength;
    }

    /** A read-only view of the value, or null. See the class comment for its lifetime. */
    public ByteBuf value() {
        return view(valueIndex, valueLength);
    }

    /** A copy of the value, or null. */
    public byte[] valueBytes() {
        return valueLength < 0 ? null : ByteBufUtil.getBytes(buf, valueIndex, valueLength);
    }

    /** The headers in order (unmodifiable, possibly empty), decoded on first call. */
    public List<RecordHeader> headers() {
        if (headers == null) {
            headers = decodeHeaders();
        }
        return headers;
    }

    @Override
    public String toString() {
        return "Record(offset=" + offset + ", timestamp=" + timestamp + ", key=" + keyLength + " bytes, value="
                + valueLength + " bytes, headers=" + headerCount + ")";
    }

    private ByteBuf view(int index, int length) {
        return length < 0 ? null : buf.slice(index, length).asReadOnly();
    }

    private List<RecordHeader> decodeHeaders() {
        if (headerCount == 0) {
            return List.of();
        }
        // The parser has checked every length, so no bounds checks are repeated here.
        List<RecordHeader> result = new ArrayList<>(headerCount);
        int index = headersIndex;
        for (int h = 0; h < headerCount; h++) {
            long keyLen = Varints.readCheckedVarint(buf, index);
            index += Varints.length(keyLen);
            String key = buf.toString(index, Varints.value(keyLen), StandardCharsets.UTF_8);
            index += Varints.value(keyLen);
            long valueLen = Varints.readCheckedVarint(buf, index);
            index += Varints.length(valueLen);
            ByteBuf value = view(index, Varints.value(valueLen));
            index += Math.max(0, Varints.value(valueLen));
            result.add(new RecordHeader(key, value));
        }
        return Collections.unmodifiableList(result);
    }
}

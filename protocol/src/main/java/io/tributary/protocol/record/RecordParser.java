package io.tributary.protocol.record;

import java.io.IOException;

/**
 * Reads v2 records one at a time and checks their structure: every varint at most 5 (10) bytes,
 * every length within the record, the record's fields ending exactly at its declared length.
 * After {@link #parseBody} the fields of this object describe the record just read; positions
 * are those of the {@link RecordInput}. Reuses itself for every record of a batch, so a pass
 * over an uncompressed batch allocates nothing per record. Not thread-safe.
 *
 * <p>A record: {@code length varint, attributes int8, timestampDelta varlong, offsetDelta
 * varint, keyLength varint (-1 = null), key, valueLength varint (-1 = null), value, headerCount
 * varint, then per header keyLength varint (>= 0), key (UTF-8), valueLength varint (-1 = null),
 * value}.
 */
final class RecordParser {
    /** The smallest possible record body: attributes and five one-byte varints. */
    static final int MIN_BODY_SIZE = 6;

    private final RecordBatch batch;

    long bodyPosition;
    int bodyLength;
    byte attributes;
    long timestampDelta;
    int offsetDelta;
    long keyPosition;
    int keyLength;
    long valuePosition;
    int valueLength;
    long headersPosition;
    int headerCount;

    RecordParser(RecordBatch batch) {
        this.batch = batch;
    }

    /**
     * Reads a record's length prefix.
     *
     * @return the length of the record body that follows, or -1 if the input ended cleanly first
     */
    int readLength(RecordInput in, int index) throws IOException {
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        int length = readVarint(in, first, index, "record length");
        if (length < MIN_BODY_SIZE) {
            throw corrupt(index, "record length " + length + " is less than the minimum of " + MIN_BODY_SIZE);
        }
        long left = in.limit() - in.position();
        if (length > left) {
            throw corrupt(index, "record length " + length + " exceeds the " + left + " bytes left in the batch");
        }
        return length;
    }

    /** Reads and checks the body of a record whose length prefix was {@code length}. */
    void parseBody(RecordInput in, int index, int length) throws IOException {
        bodyPosition = in.position();
        bodyLength = length;
        long end = bodyPosition + length;
        attributes = (byte) readByte(in, index, "attributes");
        timestampDelta = readVarlong(in, index, "timestamp delta");
        offsetDelta = readVarint(in, index, "offset delta");

        keyLength = readVarint(in, index, "key length");
        checkLength(keyLength, -1, end - in.position(), index, "key", -1);
        keyPosition = in.position();
        skip(in, keyLength, index, "key");

        valueLength = readVarint(in, index, "value length");
        checkLength(valueLength, -1, end - in.position(), index, "value", -1);
        valuePosition = in.position();
        skip(in, valueLength, index, "value");

        headerCount = readVarint(in, index, "header count");
        // Each header takes at least two bytes (its two lengths), which bounds a lying count.
        if (headerCount < 0 || headerCount > (end - in.position()) / 2) {
            throw corrupt(index, "header count " + headerCount + " does not fit in the record");
        }
        headersPosition = in.position();
        for (int h = 0; h < headerCount; h++) {
            int headerKeyLength = readVarint(in, index, "header key length");
            checkLength(headerKeyLength, 0, end - in.position(), index, "key", h);
            skip(in, headerKeyLength, index, "header key");
            int headerValueLength = readVarint(in, index, "header value length");
            checkLength(headerValueLength, -1, end - in.position(), index, "value", h);
            skip(in, headerValueLength, index, "header value");
        }
        long consumed = in.position() - bodyPosition;
        if (consumed != length) {
            throw corrupt(index, "record length is " + length + " but its fields take " + consumed + " bytes");
        }
    }

    CorruptRecordException corrupt(int index, String detail) {
        return new CorruptRecordException(batch.describe() + ", record " + index + ": " + detail, index);
    }

    /** Checks a key or value length; {@code header} is the header's index, or -1 for the record's own. */
    private void checkLength(int length, int min, long left, int index, String what, int header) {
        if (length < min || length > left) {
            String owner = header < 0 ? "" : "header " + header + " ";
            throw corrupt(
                    index,
                    owner + what + " length " + length
                            + (length < min ? " is negative" : " runs past the end of the record"));
        }
    }

    private void skip(RecordInput in, int length, int index, String what) throws IOException {
        if (length > 0 && in.skip(length) != length) {
            throw corrupt(index, "data ends inside the " + what);
        }
    }

    private int readByte(RecordInput in, int index, String what) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw corrupt(index, "data ends before the " + what);
        }
        return b;
    }

    private int readVarint(RecordInput in, int index, String what) throws IOException {
        return readVarint(in, readByte(in, index, what), index, what);
    }

    private int readVarint(RecordInput in, int first, int index, String what) throws IOException {
        int raw = 0;
        int shift = 0;
        int b = first;
        while (true) {
            raw |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return Varints.unZigZag(raw);
            }
            shift += 7;
            if (shift >= 7 * Varints.MAX_VARINT_BYTES) {
                throw corrupt(index, what + " is a varint longer than " + Varints.MAX_VARINT_BYTES + " bytes");
            }
            b = in.read();
            if (b < 0) {
                throw corrupt(index, "data ends inside the " + what);
            }
        }
    }

    private long readVarlong(RecordInput in, int index, String what) throws IOException {
        long raw = 0;
        int shift = 0;
        int b = readByte(in, index, what);
        while (true) {
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return Varints.unZigZag(raw);
            }
            shift += 7;
            if (shift >= 7 * Varints.MAX_VARLONG_BYTES) {
                throw corrupt(index, what + " is a varlong longer than " + Varints.MAX_VARLONG_BYTES + " bytes");
            }
            b = in.read();
            if (b < 0) {
                throw corrupt(index, "data ends inside the " + what);
            }
        }
    }
}

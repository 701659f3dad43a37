package io.tributary.protocol.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A tagged field this codec does not know (a newer peer's), kept as raw bytes so that it is written back unchanged.
 *
 * <p>The array is not copied: do not modify it after handing it over. Equality compares the bytes.
 *
 * @param tag the field's tag (non-negative)
 * @param data the field's encoded value, without the tag and size prefixes
 */
public record RawTaggedField(int tag, byte[] data) {
    public RawTaggedField {
        if (tag < 0) {
            throw new IllegalArgumentException("Negative tag " + tag);
        }
        if (data == null) {
            throw new IllegalArgumentException("Null data for tag " + tag);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawTaggedField other && tag == other.tag && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RawTaggedField(tag=" + tag + ", data=" + HexFormat.of().formatHex(data) + ")";
    }
}

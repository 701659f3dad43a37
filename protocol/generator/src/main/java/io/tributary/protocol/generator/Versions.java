package io.tributary.protocol.generator;

/**
 * An inclusive range of message versions as written in Kafka's JSON specs: {@code "3+"}, {@code "0-12"}, {@code
 * "5"} or {@code "none"}. An open-ended range has {@link #highest()} equal to {@link Short#MAX_VALUE}. The empty range
 * is {@link #NONE} (lowest 0, highest -1, the same numbers kafka-clients reports for removed APIs).
 */
public record Versions(short lowest, short highest) {
    public static final Versions NONE = new Versions((short) 0, (short) -1);
    public static final Versions ALL = new Versions((short) 0, Short.MAX_VALUE);

    /**
     * Parses a version string.
     *
     * @throws IllegalArgumentException if the text is not a version range
     */
    public static Versions parse(String text) {
        String s = text.trim();
        if (s.equals("none")) {
            return NONE;
        }
        try {
            if (s.endsWith("+")) {
                return new Versions(Short.parseShort(s.substring(0, s.length() - 1)), Short.MAX_VALUE);
            }
            int dash = s.indexOf('-');
            if (dash > 0) {
                return new Versions(Short.parseShort(s.substring(0, dash)), Short.parseShort(s.substring(dash + 1)));
            }
            short v = Short.parseShort(s);
            return new Versions(v, v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid version range '" + text + "'", e);
        }
    }

    public boolean isEmpty() {
        return lowest > highest;
    }

    public boolean contains(int version) {
        return version >= lowest && version <= highest;
    }

    /** True if every version of {@code other} is in this range (the empty range is contained in every range). */
    public boolean containsAll(Versions other) {
        return other.isEmpty() || (other.lowest >= lowest && other.highest <= highest);
    }

    public Versions intersect(Versions other) {
        short lo = (short) Math.max(lowest, other.lowest);
        short hi = (short) Math.min(highest, other.highest);
        return lo > hi ? NONE : new Versions(lo, hi);
    }

    /** The versions of this range that are not in {@code other}, provided the result is a single range. */
    public Versions subtract(Versions other) {
        Versions common = intersect(other);
        if (common.isEmpty()) {
            return this;
        }
        if (common.equals(this)) {
            return NONE;
        }
        if (common.lowest == lowest) {
            return new Versions((short) (common.highest + 1), highest);
        }
        if (common.highest == highest) {
            return new Versions(lowest, (short) (common.lowest - 1));
        }
        throw new IllegalArgumentException("Subtracting " + other + " from " + this + " leaves two ranges");
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        if (highest == Short.MAX_VALUE) {
            return lowest + "+";
        }
        return lowest == highest ? Short.toString(lowest) : lowest + "-" + highest;
    }
}

package io.tributary.protocol.record;

import java.util.Locale;

/**
 * Whose clock a v2 batch's timestamps come from: the producer's ({@code CreateTime}) or the
 * broker's at append ({@code LogAppendTime}, attribute bit 3). With {@code LogAppendTime} every
 * record of the batch reads the batch's {@code maxTimestamp}.
 */
public enum TimestampType {
    CREATE_TIME("CreateTime"),
    LOG_APPEND_TIME("LogAppendTime");

    private final String kafkaName;

    TimestampType(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** Kafka's spelling, as in the {@code message.timestamp.type} config. */
    public String kafkaName() {
        return kafkaName;
    }

    /**
     * The type for a {@code message.timestamp.type} value ({@code CreateTime} or {@code
     * LogAppendTime}).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static TimestampType forName(String name) {
        for (TimestampType type : values()) {
            if (type.kafkaName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                String.format(Locale.ROOT, "Unknown timestamp type '%s'; known: CreateTime, LogAppendTime", name));
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}

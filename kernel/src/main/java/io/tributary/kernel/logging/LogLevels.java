package io.tributary.kernel.logging;

import java.util.Locale;
import java.util.Properties;
import org.slf4j.event.Level;

/**
 * The level threshold of each logger, from {@value #PROPERTY} (all loggers) and
 * {@code tributary.log.level.NAME} (the logger NAME and those below it; the longest match wins).
 * A value that is not a level is reported on standard error and ignored.
 */
final class LogLevels {
    static final String PROPERTY = "tributary.log.level";
    /** Threshold that lets nothing through. */
    static final int OFF = Integer.MAX_VALUE;

    private final Properties properties;
    private final int defaultThreshold;

    LogLevels(Properties properties) {
        this.properties = properties;
        this.defaultThreshold = parse(PROPERTY, properties.getProperty(PROPERTY), Level.INFO.toInt());
    }

    static LogLevels fromSystemProperties() {
        return new LogLevels(System.getProperties());
    }

    /** The lowest {@link Level#toInt()} the logger {@code name} writes, or {@link #OFF}. */
    int threshold(String name) {
        String n = name;
        while (true) {
            String key = PROPERTY + "." + n;
            String value = properties.getProperty(key);
            if (value != null) {
                return parse(key, value, defaultThreshold);
            }
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                return defaultThreshold;
            }
            n = n.substring(0, dot);
        }
    }

    private static int parse(String key, String value, int fallback) {
        if (value == null) {
            return fallback;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.equals("OFF")) {
            return OFF;
        }
        for (Level level : Level.values()) {
            if (level.name().equals(v)) {
                return level.toInt();
            }
        }
        System.err.println("tributary: " + key + "=" + value + " is not a log level (trace, debug, info, warn, error,"
                + " off); using "
                + (fallback == OFF ? "off" : Level.intToLevel(fallback).name().toLowerCase(Locale.ROOT)));
        return fallback;
    }
}

package io.tributary.kernel.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TimeZone;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NormalizedParameters;
import org.slf4j.spi.LoggingEventAware;

/**
 * Writes each event as one line (plus the stack trace of its throwable) to the current
 * {@code System.err}, with a single {@code print} so that lines of different threads do not mix.
 * Key/value pairs of the fluent API come first, as {@code key=value}. Thread-safe.
 */
final class ConsoleLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    /**
     * The JVM's time zone as a {@code TimeZone}, whose offsets come from the JDK's time zone file
     * directly; {@code ZoneId.systemDefault()} would also start java.time's zone rules provider,
     * ~8 ms more of a broker's start.
     */
    private static final TimeZone ZONE = TimeZone.getDefault();

    private final int threshold;
    private final String shortName;

    ConsoleLogger(String name, int threshold) {
        this.name = name;
        this.threshold = threshold;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public boolean isTraceEnabled() {
        return threshold <= Level.TRACE.toInt();
    }

    @Override
    public boolean isDebugEnabled() {
        return threshold <= Level.DEBUG.toInt();
    }

    @Override
    public boolean isInfoEnabled() {
        return threshold <= Level.INFO.toInt();
    }

    @Override
    public boolean isWarnEnabled() {
        return threshold <= Level.WARN.toInt();
    }

    @Override
    public boolean isErrorEnabled() {
        return threshold <= Level.ERROR.toInt();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        write(level, List.of(), pattern, arguments, throwable);
    }

    @Override
    public void log(LoggingEvent event) {
        if (threshold > event.getLevel().toInt()) {
            return;
        }
        NormalizedParameters p = NormalizedParameters.normalize(event);
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        write(event.getLevel(), pairs == null ? List.of() : pairs, p.getMessage(), p.getArguments(), p.getThrowable());
    }

    private void write(Level level, List<KeyValuePair> pairs, String pattern, Object[] arguments, Throwable throwable) {
        StringBuilder line = new StringBuilder(160);
        appendTime(line, System.currentTimeMillis());
        line.append(" [")
                .append(Thread.currentThread().getName())
                .append("] ")
                .append(level.name())
                .append(' ')
                .append(shortName)
                .append(" - ");
        for (KeyValuePair pair : pairs) {
            line.append(pair.key).append('=').append(pair.value).append(' ');
        }
        line.append(MessageFormatter.basicArrayFormat(pattern, arguments)).append(System.lineSeparator());
        if (throwable != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter w = new PrintWriter(trace)) {
                throwable.printStackTrace(w);
            }
            line.append(trace);
        }
        PrintStream err = System.err;
        err.print(line);
        err.flush();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSS} in the JVM's time zone. */
    static void appendTime(StringBuilder b, long epochMillis) {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(ZONE.getOffset(epochMillis) / 1000);
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), 0, offset);
        pad(b, t.getYear(), 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append('.');
        pad(b, (int) Math.floorMod(epochMillis, 1000L), 3);
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        for (int limit = 10, digits = 1; digits < width; digits++, limit *= 10) {
            if (value < limit) {
                b.append('0');
            }
        }
        return b.append(value);
    }
}

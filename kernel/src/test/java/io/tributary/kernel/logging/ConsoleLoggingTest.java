package io.tributary.kernel.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

class ConsoleLoggingTest {
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\[(?<thread>[^\\]]+)] (?<level>[A-Z]+) (?<name>\\S+) - (?<message>.*)");

    @Test
    void shouldWriteOneLineWithTimeThreadLevelShortNameAndMessage() {
        String out = captureStderr(() ->
                new ConsoleLogger("io.tributary.kernel.Broker", Level.INFO.toInt()).info("started {} in {} ms", 1, 42));

        String line = out.stripTrailing();
        assertFalse(line.contains("\n"), out);
        var m = LINE.matcher(line);
        assertTrue(m.matches(), line);
        assertEquals(Thread.currentThread().getName(), m.group("thread"));
        assertEquals("INFO", m.group("level"));
        assertEquals("Broker", m.group("name"));
        assertEquals("started 1 in 42 ms", m.group("message"));
    }

    @Test
    void shouldPutKeyValuePairsOfTheFluentApiBeforeTheMessage() {
        Logger log = new ConsoleLogger("x.Quorum", Level.INFO.toInt());
        String out = captureStderr(() ->
                log.atInfo().addKeyValue("epoch", 3).addKeyValue("leader", 1).log("elected {}", "node 1"));

        var m = LINE.matcher(out.stripTrailing());
        assertTrue(m.matches(), out);
        assertEquals("epoch=3 leader=1 elected node 1", m.group("message"));
    }

    @Test
    void shouldAppendTheStackTraceOfATrailingThrowable() {
        String out = captureStderr(() -> new ConsoleLogger("x.Y", Level.INFO.toInt())
                .warn("failed on {}", "p-0", new IllegalStateException("disk gone")));

        String[] lines = out.split("\\R");
        assertTrue(LINE.matcher(lines[0]).matches(), out);
        assertTrue(lines[0].endsWith(" - failed on p-0"), lines[0]);
        assertEquals("java.lang.IllegalStateException: disk gone", lines[1]);
        assertTrue(lines[2].startsWith("\tat "), out);
    }

    @Test
    void shouldWriteNothingBelowTheThreshold() {
        ConsoleLogger log = new ConsoleLogger("x.Y", Level.WARN.toInt());

        String out = captureStderr(() -> {
            log.info("not this");
            log.debug("nor this");
            log.atInfo().log("nor this");
        });

        assertEquals("", out);
        assertFalse(log.isInfoEnabled());
        assertTrue(log.isWarnEnabled());
        assertTrue(log.isErrorEnabled());
    }

    @Test
    void shouldTakeTheLongestMatchingLoggerPrefixElseTheDefault() {
        Properties p = new Properties();
        p.setProperty("tributary.log.level", "warn");
        p.setProperty("tributary.log.level.io.tributary.kernel", "info");
        p.setProperty("tributary.log.level.io.tributary.kernel.network", "DEBUG");
        p.setProperty("tributary.log.level.io.tributary.kernel.network.Quiet", "off");
        LogLevels levels = new LogLevels(p);

        assertEquals(Level.WARN.toInt(), levels.threshold("org.apache.Other"));
        assertEquals(Level.INFO.toInt(), levels.threshold("io.tributary.kernel.Broker"));
        assertEquals(Level.DEBUG.toInt(), levels.threshold("io.tributary.kernel.network.NetworkServer"));
        assertEquals(LogLevels.OFF, levels.threshold("io.tributary.kernel.network.Quiet"));
        // A name that only starts with the same letters is not below the prefix.
        assertEquals(Level.INFO.toInt(), levels.threshold("io.tributary.kernel.networking.X"));
    }

    @Test
    void shouldDefaultToInfo() {
        assertEquals(Level.INFO.toInt(), new LogLevels(new Properties()).threshold("a.B"));
    }

    @Test
    void shouldReportALevelItDoesNotKnowAndKeepTheFallback() {
        Properties p = new Properties();
        p.setProperty("tributary.log.level", "loud");
        p.setProperty("tributary.log.level.a", "verbose");

        String[] threshold = new String[2];
        String out = captureStderr(() -> {
            LogLevels levels = new LogLevels(p);
            threshold[0] = String.valueOf(levels.threshold("b.C"));
            threshold[1] = String.valueOf(levels.threshold("a.C"));
        });

        assertEquals(String.valueOf(Level.INFO.toInt()), threshold[0]);
        assertEquals(String.valueOf(Level.INFO.toInt()), threshold[1]);
        assertTrue(out.contains("tributary.log.level=loud is not a log level"), out);
        assertTrue(out.contains("tributary.log.level.a=verbose is not a log level"), out);
    }

    @Test
    void shouldFormatTimeAsTheJvmsLocalTimeWithMilliseconds() {
        DateTimeFormatter expected = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
        for (long millis : new long[] {0L, 5L, 1_795_742_408_797L, 1_709_164_800_123L, 4_102_444_799_999L}) {
            StringBuilder b = new StringBuilder();
            ConsoleLogger.appendTime(b, millis);
            assertEquals(
                    expected.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneId.systemDefault())),
                    b.toString(),
                    "at " + millis);
        }
    }

    @Test
    void shouldBeTheProviderSlf4jFinds() {
        assertTrue(
                org.slf4j.LoggerFactory.getLogger("x.Y") instanceof ConsoleLogger,
                org.slf4j.LoggerFactory.getLogger("x.Y").getClass().getName());
    }

    /** Runs {@code r} with standard error captured; the logger writes to the current System.err. */
    private static String captureStderr(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

package io.tributary.kernel.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The broker's SLF4J back end: one line per event on standard error, in the form
 * {@code 2026-11-27T01:20:01.667 [main] INFO Broker - message}, local time.
 *
 * <p>Levels come from system properties: {@value LogLevels#PROPERTY} for every logger (trace,
 * debug, info, warn, error or off; default info), and {@code tributary.log.level.NAME} for the
 * loggers named NAME or below it ({@code -Dtributary.log.level.io.tributary.kernel.network=debug}).
 *
 * <p>Why not slf4j-simple: its date format ({@code SimpleDateFormat}) builds a {@code Calendar},
 * which reads the week data of every locale the JDK knows, and that cost 50-90 ms at each start
 * (measured with async-profiler, in parallel with the rest of start-up on two cores); this
 * formats the time from {@code java.time} fields and touches no locale data.
 */
public final class ConsoleLogging implements SLF4JServiceProvider {
    private volatile ConsoleLoggerFactory loggers;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Required by ServiceLoader. */
    public ConsoleLogging() {}

    @Override
    public void initialize() {
        loggers = new ConsoleLoggerFactory(LogLevels.fromSystemProperties());
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}

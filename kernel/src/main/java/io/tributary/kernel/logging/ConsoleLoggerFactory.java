package io.tributary.kernel.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link ConsoleLogger} per name, its level fixed when it is created. Thread-safe. */
final class ConsoleLoggerFactory implements ILoggerFactory {
    private final LogLevels levels;
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    ConsoleLoggerFactory(LogLevels levels) {
        this.levels = levels;
    }

    @Override
    public Logger getLogger(String name) {
        Logger logger = loggers.get(name);
        return logger != null ? logger : loggers.computeIfAbsent(name, n -> new ConsoleLogger(n, levels.threshold(n)));
    }
}

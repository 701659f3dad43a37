package io.tributary.spi.storage;

import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.plugin.Time;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a storage engine is opened with.
 *
 * @param logDirs the broker's {@code log.dirs}, at least one
 * @param settings the engine's own settings ({@code storage.<name>.*})
 * @param time the clock for segment ages and retention
 */
public record StorageContext(List<Path> logDirs, PluginSettings settings, Time time) {
    public StorageContext {
        logDirs = List.copyOf(logDirs);
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("log.dirs must name at least one directory");
        }
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(time, "time");
    }
}

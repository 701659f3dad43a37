package io.tributary.spi.metadata;

import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.plugin.Time;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a metadata store is opened with.
 *
 * @param nodeId this node's {@code node.id}
 * @param metadataDir where the store keeps its log and snapshots ({@code metadata.log.dir},
 *     else the first of {@code log.dirs})
 * @param settings the store's own settings ({@code metadata.<name>.*})
 * @param time the clock
 */
public record MetadataContext(int nodeId, Path metadataDir, PluginSettings settings, Time time) {
    public MetadataContext {
        Objects.requireNonNull(metadataDir, "metadataDir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(time, "time");
    }
}

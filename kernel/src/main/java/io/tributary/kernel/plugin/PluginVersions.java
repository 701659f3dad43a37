package io.tributary.kernel.plugin;

import io.tributary.spi.plugin.Plugin;
import io.tributary.spi.plugin.PluginException;
import io.tributary.spi.plugin.SpiVersion;

/** The SPI version check every plugin passes before it is used. */
final class PluginVersions {
    private PluginVersions() {}

    static void check(Plugin plugin, String origin) {
        int theirs = plugin.spiVersion();
        if (theirs != SpiVersion.CURRENT) {
            throw new PluginException("Plugin '" + plugin.name() + "' ("
                    + plugin.getClass().getName() + " from "
                    + origin + ") was built against SPI version " + theirs + " but this broker provides SPI version "
                    + SpiVersion.CURRENT + "; rebuild the plugin against this version");
        }
    }
}

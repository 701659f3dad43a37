package io.tributary.spi.processing;

import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.plugin.Time;

/**
 * What a processor is created with.
 *
 * @param bootstrapServers the broker's own listener, for the processor's clients
 * @param settings the processor's settings ({@code processing.<name>.*})
 * @param time the clock
 */
public record ProcessingContext(String bootstrapServers, PluginSettings settings, Time time) {}

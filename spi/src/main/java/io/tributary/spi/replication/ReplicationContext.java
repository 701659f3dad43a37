package io.tributary.spi.replication;

import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.plugin.Time;

/**
 * What a replication manager is opened with.
 *
 * @param nodeId this broker's id
 * @param settings the plugin's own settings ({@code replication.<name>.*})
 * @param time the clock
 * @param host access to this broker's partition replicas
 */
public record ReplicationContext(int nodeId, PluginSettings settings, Time time, ReplicaHost host) {}

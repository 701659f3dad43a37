package io.tributary.spi.replication;

import io.tributary.spi.plugin.Plugin;

/**
 * Creates the replication manager, which decides when a partition's high watermark advances.
 * Selected by {@code replication.plugin}; without one the kernel's built-in single-replica
 * manager is used (the high watermark follows the log end offset).
 */
public interface ReplicationProvider extends Plugin {
    ReplicationManager open(ReplicationContext context);
}

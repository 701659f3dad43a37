package io.tributary.spi.processing;

import io.tributary.spi.plugin.Plugin;

/**
 * Deploys stream processors inside the broker. Each provider named in {@code
 * processing.plugins} creates one processor at start-up; processors talk to the broker over the
 * Kafka protocol like any client, so the same code runs outside the broker too.
 */
public interface ProcessingProvider extends Plugin {
    Processor create(ProcessingContext context);
}

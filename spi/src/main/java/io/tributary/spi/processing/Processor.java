package io.tributary.spi.processing;

/** A running stream processor. Started once after the broker serves; closed before it stops. */
public interface Processor extends AutoCloseable {
    void start();

    @Override
    void close();
}

package io.tributary.spi.storage;

import java.nio.ByteBuffer;

/** A producer-state snapshot: the kernel's bytes as of {@code offset}. */
public record ProducerSnapshot(long offset, ByteBuffer state) {
    public ProducerSnapshot {
        state = state.asReadOnlyBuffer();
    }
}

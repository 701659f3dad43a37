package io.tributary.tck.storage;

import io.tributary.spi.plugin.Time;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test says so. Thread-safe. Wall time and monotonic time move
 * together.
 */
public final class ManualTime implements Time {
    private final AtomicLong millis;

    public ManualTime(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    @Override
    public long milliseconds() {
        return millis.get();
    }

    @Override
    public long nanoseconds() {
        return millis.get() * 1_000_000L;
    }

    /** Moves the clock forward by {@code deltaMillis} and returns the new time. */
    public long advance(long deltaMillis) {
        if (deltaMillis < 0) {
            throw new IllegalArgumentException("time only moves forward: " + deltaMillis);
        }
        return millis.addAndGet(deltaMillis);
    }
}

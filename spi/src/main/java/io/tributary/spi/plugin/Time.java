package io.tributary.spi.plugin;

/**
 * The clock every component reads. Injected so that tests and simulations control time;
 * nothing deep inside Tributary calls {@link System#currentTimeMillis()} itself.
 */
public interface Time {
    Time SYSTEM = new Time() {
        @Override
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime();
        }
    };

    /** Wall-clock time in milliseconds since the epoch (record timestamps, retention). */
    long milliseconds();

    /** Monotonic time in nanoseconds (timeouts, durations). */
    long nanoseconds();
}

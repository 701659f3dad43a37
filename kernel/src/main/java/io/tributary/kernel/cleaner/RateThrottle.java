package io.tributary.kernel.cleaner;

import io.tributary.spi.plugin.Time;
import io.tributary.spi.storage.IoThrottle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the cleaner threads together under {@code log.cleaner.io.max.bytes.per.second}: bytes
 * are counted over periods of 300 ms, and a thread that takes the rate over the limit sleeps
 * until it is back under. Thread-safe.
 */
final class RateThrottle implements IoThrottle {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final double bytesPerSecond;
    private final Time time;
    private long periodStart;
    private long bytesInPeriod;

    RateThrottle(double bytesPerSecond, Time time) {
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.periodStart = time.nanoseconds();
    }

    /** Whether a rate is set at all (Kafka's default is unlimited). */
    boolean limited() {
        return bytesPerSecond < Double.MAX_VALUE / 2;
    }

    @Override
    public void onIo(long bytes) {
        if (!limited()) {
            return;
        }
        long sleepNanos;
        synchronized (this) {
            long now = time.nanoseconds();
            bytesInPeriod += bytes;
            long elapsed = now - periodStart;
            double allowedNanos = bytesInPeriod / bytesPerSecond * 1e9;
            sleepNanos = (long) allowedNanos - elapsed;
            if (elapsed > PERIOD_NANOS && sleepNanos <= 0) {
                periodStart = now;
                bytesInPeriod = 0;
            }
        }
        if (sleepNanos > 0) {
            LockSupport.parkNanos(sleepNanos);
        }
    }
}

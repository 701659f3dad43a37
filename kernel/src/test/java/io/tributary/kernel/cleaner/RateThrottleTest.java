package io.tributary.kernel.cleaner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.plugin.Time;
import org.junit.jupiter.api.Test;

class RateThrottleTest {

    @Test
    void shouldSleepWhenTheRateIsExceeded() {
        RateThrottle throttle = new RateThrottle(1_000_000, Time.SYSTEM);
        assertTrue(throttle.limited());

        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            throttle.onIo(20_000);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // 200 kB at 1 MB/s take at least 200 ms (less a little for the first call's period)
        assertTrue(elapsedMs >= 150, "took " + elapsedMs + " ms");
    }

    @Test
    void shouldNotLimitKafkasDefaultRate() {
        RateThrottle throttle = new RateThrottle(Double.MAX_VALUE, Time.SYSTEM);

        assertFalse(throttle.limited());
        long start = System.nanoTime();
        throttle.onIo(Long.MAX_VALUE / 2);
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
    }
}

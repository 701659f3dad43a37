package io.tributary.spi.metadata;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random (version 4) UUIDs for ids that must be unique but need not be unpredictable: a
 * broker's incarnation, a new cluster's id, topic ids (which the metadata plugin checks against
 * those in use). They come from {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}:
 * the first {@code SecureRandom} in a JVM sets up the JDK's security providers, about 25 ms of
 * CPU, which a start-up that is CPU-bound on two cores would pay before it answers a client.
 */
public final class RandomIds {
    private RandomIds() {}

    /** A new version 4, IETF variant UUID. */
    public static UUID next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}

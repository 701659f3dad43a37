package io.tributary.spi.storage;

/**
 * Bounds the I/O of background storage work (compaction): the engine reports the bytes it reads
 * and writes, and the throttle may block the calling (background) thread to keep a rate, as
 * Kafka's {@code log.cleaner.io.max.bytes.per.second} does. Called only from the thread doing
 * that work, never from an append or a read. Implementations are thread-safe.
 */
@FunctionalInterface
public interface IoThrottle {

    /** No limit. */
    IoThrottle NONE = bytes -> {};

    /**
     * Accounts for {@code bytes} just read or written; may sleep. An interrupted sleep should
     * leave the thread's interrupt flag set, which makes the engine abandon the work.
     */
    void onIo(long bytes);
}

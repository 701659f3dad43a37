package io.tributary.spi.storage;

/**
 * An aborted transaction in a partition: its producer, its first and last offset (the last is
 * the abort marker) and the last stable offset when it was aborted.
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}

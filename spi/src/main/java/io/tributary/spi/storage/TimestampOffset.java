package io.tributary.spi.storage;

/** An offset found by timestamp, with the timestamp found there. */
public record TimestampOffset(long timestamp, long offset, int leaderEpoch) {}

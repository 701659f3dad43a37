package io.tributary.spi.storage;

/** A leader epoch and the first offset the log holds in it. */
public record EpochEntry(int epoch, long startOffset) {}

package io.tributary.protocol.record;

import java.util.Iterator;

/**
 * The records of one batch, read as far as the caller goes: a compressed batch is decompressed
 * while iterating, never more than the records returned so far (plus a small read-ahead), and
 * never twice.
 *
 * <p>{@link #hasNext()} and {@link #next()} throw {@link CorruptRecordException} when the bytes
 * are malformed (including when the batch holds fewer or more records than it declares: the
 * surplus is found when {@code hasNext()} reaches the declared count). Close the iterator when
 * stopping early: a compressed batch holds a decompressor (native memory for zstd). Reaching
 * the end closes it too; closing twice is harmless. Not thread-safe.
 */
public interface RecordIterator extends Iterator<Record>, AutoCloseable {
    @Override
    void close();
}

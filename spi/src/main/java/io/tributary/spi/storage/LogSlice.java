package io.tributary.spi.storage;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stored record batches returned by a read: whole batches, as they were appended (with their
 * assigned offsets). Reference-counted: the reader owns one reference and must {@link
 * #release()} it once the bytes are sent; the engine never unmaps or deletes the underlying
 * storage while a reference is held. Thread-safe.
 */
public sealed interface LogSlice permits LogSlice.FileRegion, LogSlice.Memory {

    /** The number of bytes in the slice; 0 for an empty read. */
    int sizeInBytes();

    /** Offset of the first batch's base offset, or -1 when empty. */
    long firstOffset();

    /** Adds a reference; returns this. */
    LogSlice retain();

    /** Drops a reference; the last release runs the engine's release action. */
    void release();

    /** The reference count now (for tests and leak checks). */
    int refCnt();

    /**
     * The slice's bytes in a buffer: the memory itself for {@link Memory}, a heap copy read from
     * the file for {@link FileRegion}. For the broker's own readers (coordinators replaying
     * internal topics, start-up scans), not for the fetch path, which sends file regions as they
     * are. Does not release the slice.
     *
     * @throws StorageException if the file cannot be read
     */
    default ByteBuffer readFully() {
        return switch (this) {
            case Memory m -> m.buffer();
            case FileRegion f -> {
                ByteBuffer buf = ByteBuffer.allocate(f.sizeInBytes());
                try {
                    long pos = f.position();
                    while (buf.hasRemaining()) {
                        int n = f.channel().read(buf, pos);
                        if (n < 0) {
                            throw new StorageException("Unexpected end of file reading " + f);
                        }
                        pos += n;
                    }
                } catch (java.io.IOException e) {
                    throw new StorageException("Cannot read " + f, e);
                }
                yield buf.flip();
            }
        };
    }

    /** An empty read. Releasing it does nothing. */
    static LogSlice empty() {
        return Memory.EMPTY;
    }

    /**
     * A region of a file, sent with {@code sendfile}. The channel belongs to the engine: the
     * kernel reads or transfers from it at absolute positions and never closes it.
     */
    final class FileRegion extends RefCount implements LogSlice {
        private final FileChannel channel;
        private final long position;
        private final int size;
        private final long firstOffset;

        public FileRegion(FileChannel channel, long position, int size, long firstOffset, Runnable onRelease) {
            super(onRelease);
            this.channel = Objects.requireNonNull(channel, "channel");
            if (position < 0 || size < 0) {
                throw new IllegalArgumentException("position " + position + ", size " + size);
            }
            this.position = position;
            this.size = size;
            this.firstOffset = firstOffset;
        }

        public FileChannel channel() {
            return channel;
        }

        public long position() {
            return position;
        }

        @Override
        public int sizeInBytes() {
            return size;
        }

        @Override
        public long firstOffset() {
            return firstOffset;
        }

        @Override
        public FileRegion retain() {
            retain0();
            return this;
        }

        @Override
        public String toString() {
            return "FileRegion[position=" + position + ", size=" + size + ", firstOffset=" + firstOffset + "]";
        }
    }

    /** Bytes in memory, for engines without files. The buffer is read-only to the kernel. */
    final class Memory extends RefCount implements LogSlice {
        static final Memory EMPTY = new Memory(ByteBuffer.allocate(0), -1, () -> {});

        private final ByteBuffer buffer;
        private final long firstOffset;

        public Memory(ByteBuffer buffer, long firstOffset, Runnable onRelease) {
            super(onRelease);
            this.buffer = buffer.asReadOnlyBuffer();
            this.firstOffset = firstOffset;
        }

        /** A read-only view; position 0 to limit are the batches. */
        public ByteBuffer buffer() {
            return buffer.duplicate();
        }

        @Override
        public int sizeInBytes() {
            return buffer.remaining();
        }

        @Override
        public long firstOffset() {
            return firstOffset;
        }

        @Override
        public Memory retain() {
            if (this != EMPTY) {
                retain0();
            }
            return this;
        }

        @Override
        public void release() {
            if (this != EMPTY) {
                super.release();
            }
        }

        @Override
        public String toString() {
            return "Memory[size=" + buffer.remaining() + ", firstOffset=" + firstOffset + "]";
        }
    }

    /** The reference count shared by both kinds of slice. */
    abstract sealed class RefCount permits FileRegion, Memory {
        private final AtomicInteger refs = new AtomicInteger(1);
        private final Runnable onRelease;

        RefCount(Runnable onRelease) {
            this.onRelease = Objects.requireNonNull(onRelease, "onRelease");
        }

        final void retain0() {
            int prev;
            do {
                prev = refs.get();
                if (prev <= 0) {
                    throw new IllegalStateException("slice already released");
                }
            } while (!refs.compareAndSet(prev, prev + 1));
        }

        public void release() {
            int now = refs.decrementAndGet();
            if (now == 0) {
                onRelease.run();
            } else if (now < 0) {
                throw new IllegalStateException("slice released more often than retained");
            }
        }

        public int refCnt() {
            return refs.get();
        }
    }
}

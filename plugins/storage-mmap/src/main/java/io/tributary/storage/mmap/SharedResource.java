package io.tributary.storage.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open file or a mapping, shared by reference count. Whoever creates it holds the first
 * reference (the {@link ResourceCache}); every user takes one with {@link #tryRetain()} and gives
 * it back with {@link #release()}; the last release closes the channel or unmaps the memory. So
 * evicting a cold resource from the cache never pulls it from under a reader, a writer or a
 * slice still being sent. Thread-safe.
 */
abstract sealed class SharedResource permits SharedResource.OpenFile, SharedResource.Mapping {
    private static final Logger LOG = LoggerFactory.getLogger(SharedResource.class);

    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicInteger live;

    SharedResource(AtomicInteger live) {
        this.live = live;
        live.incrementAndGet();
    }

    /** Takes a reference; false when the resource is already closed (load a fresh one). */
    final boolean tryRetain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the resource. */
    final void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            live.decrementAndGet();
            closeNow();
        } else if (r < 0) {
            throw new IllegalStateException("released more often than retained: " + this);
        }
    }

    final int refCnt() {
        return refs.get();
    }

    abstract void closeNow();

    /** An open segment file. */
    static final class OpenFile extends SharedResource {
        final FileChannel channel;

        OpenFile(FileChannel channel, AtomicInteger live) {
            super(live);
            this.channel = channel;
        }

        @Override
        void closeNow() {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing a segment file failed", e);
            }
        }
    }

    /**
     * A mapped region of a file: {@code [fileOffset, fileOffset + segment.byteSize())}. Its arena
     * is shared because the writer of a partition is not always the same thread.
     */
    static final class Mapping extends SharedResource {
        final Arena arena;
        final MemorySegment segment;
        final long fileOffset;
        final boolean writable;

        Mapping(Arena arena, MemorySegment segment, long fileOffset, boolean writable, AtomicInteger live) {
            super(live);
            this.arena = arena;
            this.segment = segment;
            this.fileOffset = fileOffset;
            this.writable = writable;
        }

        /** True when {@code [position, position + length)} of the file lies inside the mapping. */
        boolean covers(long position, long length) {
            return position >= fileOffset && position + length <= fileOffset + segment.byteSize();
        }

        @Override
        void closeNow() {
            arena.close();
        }
    }
}

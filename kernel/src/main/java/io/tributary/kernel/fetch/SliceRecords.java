package io.tributary.kernel.fetch;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.tributary.protocol.codec.FileRegionRecords;
import io.tributary.spi.storage.LogSlice;

/**
 * Stored batches sent straight from their file with {@code sendfile}. The slice's reference
 * passes to the region the writer creates and is released when Netty has sent it (or, if the
 * response is never written, by {@link #discard()}).
 */
final class SliceRecords implements FileRegionRecords {
    private final LogSlice.FileRegion slice;
    private boolean handedOver;

    SliceRecords(LogSlice.FileRegion slice) {
        this.slice = slice;
    }

    @Override
    public int sizeInBytes() {
        return slice.sizeInBytes();
    }

    @Override
    public FileRegion newFileRegion() {
        if (handedOver) {
            throw new IllegalStateException("records already written once");
        }
        handedOver = true;
        return new SliceRegion(slice);
    }

    /** Releases the slice if no region took it over. Event loop only. */
    void discard() {
        if (!handedOver) {
            handedOver = true;
            slice.release();
        }
    }

    /**
     * A {@link DefaultFileRegion} so the epoll transport uses native {@code sendfile}; releasing
     * it releases the stored slice instead of closing the engine's file channel.
     */
    private static final class SliceRegion extends DefaultFileRegion {
        private final LogSlice slice;

        SliceRegion(LogSlice.FileRegion slice) {
            super(slice.channel(), slice.position(), slice.sizeInBytes());
            this.slice = slice;
        }

        @Override
        protected void deallocate() {
            slice.release();
        }
    }
}

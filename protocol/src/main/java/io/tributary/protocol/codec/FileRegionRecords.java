package io.tributary.protocol.codec;

import io.netty.channel.FileRegion;

/**
 * Record bytes stored in a file, sent with {@code sendfile}. The kernel implements it over its storage engine's
 * file slices.
 */
public interface FileRegionRecords extends Records {
    /**
     * A new region covering exactly {@link #sizeInBytes()} bytes. The caller owns the region: {@link MessageWriter}
     * adds it as a part and the channel releases it after sending it (or {@link MessageWriter#release()} does, on an
     * error path). Called once per write of the message.
     */
    FileRegion newFileRegion();
}

package io.tributary.protocol.frame;

import io.tributary.protocol.codec.ProtocolException;

/** A frame announces more bytes than the connection accepts ({@code socket.request.max.bytes}). */
public class FrameTooLargeException extends ProtocolException {
    private final int frameBytes;
    private final int maxFrameBytes;

    public FrameTooLargeException(int frameBytes, int maxFrameBytes) {
        super("Frame of " + frameBytes + " bytes is larger than the maximum of " + maxFrameBytes);
        this.frameBytes = frameBytes;
        this.maxFrameBytes = maxFrameBytes;
    }

    public int frameBytes() {
        return frameBytes;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}

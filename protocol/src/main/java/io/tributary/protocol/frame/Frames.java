package io.tributary.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.MalformedMessageException;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.codec.MessageWriter;
import io.tributary.protocol.codec.UnsupportedVersionException;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ApiVersionsResponseData;
import io.tributary.protocol.message.RequestHeaderData;
import java.util.ArrayList;
import java.util.List;

/**
 * Framing for the broker's network layer: size-prefixed frames, request headers, response headers, and the KIP-511
 * answer to an ApiVersions request newer than the broker knows. Stateless and thread-safe.
 */
public final class Frames {
    /** Every frame starts with its size as an int32, not counting these four bytes. */
    public static final int SIZE_PREFIX_BYTES = 4;

    private static final int RESPONSE_INITIAL_CAPACITY = 256;

    private Frames() {}

    /**
     * The next complete frame of {@code in}, without its size prefix, as a retained slice (the caller releases it);
     * advances {@code in} past it. Returns null, leaving {@code in} untouched, while the frame is incomplete.
     *
     * @throws FrameTooLargeException if the frame announces more than {@code maxFrameBytes} bytes
     * @throws InvalidFrameException if the size is negative
     */
    public static ByteBuf tryReadFrame(ByteBuf in, int maxFrameBytes) {
        if (in.readableBytes() < SIZE_PREFIX_BYTES) {
            return null;
        }
        int size = in.getInt(in.readerIndex());
        if (size < 0) {
            throw new InvalidFrameException("Negative frame size " + size);
        }
        if (size > maxFrameBytes) {
            throw new FrameTooLargeException(size, maxFrameBytes);
        }
        if (in.readableBytes() - SIZE_PREFIX_BYTES < size) {
            return null;
        }
        in.skipBytes(SIZE_PREFIX_BYTES);
        return in.readRetainedSlice(size);
    }

    /**
     * Reads the request header at the frame's reader index, in the header version that {@code api} uses for {@code
     * apiVersion} (also for versions newer than the API's highest, so that KIP-511 can answer them), and leaves the
     * reader index at the request body.
     *
     * @throws MalformedMessageException if the header is truncated or malformed, or names another API or version
     */
    public static RequestHeaderData readRequestHeader(ByteBuf frame, ApiMessageType api, short apiVersion) {
        RequestHeaderData header = new RequestHeaderData(frame, api.requestHeaderVersion(apiVersion));
        if (header.requestApiKey() != api.apiKey() || header.requestApiVersion() != apiVersion) {
            throw new MalformedMessageException("Request header names API " + header.requestApiKey() + " version "
                    + header.requestApiVersion() + ", expected " + api.apiKey() + " version " + apiVersion);
        }
        return header;
    }

    /**
     * Writes a response header: the correlation id, and in version 1 an empty tagged-field section.
     *
     * @throws UnsupportedVersionException unless {@code headerVersion} is 0 or 1
     */
    public static void writeResponseHeader(MessageWriter out, int correlationId, short headerVersion) {
        if (headerVersion != 0 && headerVersion != 1) {
            throw new UnsupportedVersionException("Response headers have no version " + headerVersion);
        }
        out.writeInt(correlationId);
        if (headerVersion == 1) {
            out.writeUnsignedVarint(0);
        }
    }

    /**
     * Encodes a whole response frame: size prefix, header, body. The caller owns the returned writer's parts.
     *
     * @param headerVersion from {@link ApiMessageType#responseHeaderVersion(short)}
     * @throws UnsupportedVersionException if the body cannot be written in {@code version}
     */
    public static MessageWriter encodeResponse(
            ByteBufAllocator alloc, int correlationId, short headerVersion, Message body, short version) {
        MessageWriter out = new MessageWriter(alloc, RESPONSE_INITIAL_CAPACITY);
        try {
            out.writeInt(0);
            writeResponseHeader(out, correlationId, headerVersion);
            body.write(out, version);
            out.firstBuffer().setInt(0, out.totalBytes() - SIZE_PREFIX_BYTES);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * What Kafka 4.4 answers to an ApiVersions request of a version it does not know (KIP-511): error
     * UNSUPPORTED_VERSION and a single entry, ApiVersions with the broker's supported range, so that the client
     * retries with a version both know. Send it with {@link #encodeUnsupportedApiVersionsResponse}: version 0 of the
     * response, response header version 0.
     */
    public static ApiVersionsResponseData unsupportedApiVersionsResponse(short supportedMin, short supportedMax) {
        List<ApiVersionsResponseData.ApiVersion> keys = new ArrayList<>(1);
        keys.add(new ApiVersionsResponseData.ApiVersion()
                .setApiKey(ApiMessageType.API_VERSIONS.apiKey())
                .setMinVersion(supportedMin)
                .setMaxVersion(supportedMax));
        return new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(keys);
    }

    /** The KIP-511 answer as a whole frame: size prefix, response header v0, ApiVersionsResponse v0. */
    public static MessageWriter encodeUnsupportedApiVersionsResponse(
            ByteBufAllocator alloc, int correlationId, short supportedMin, short supportedMax) {
        return encodeResponse(
                alloc, correlationId, (short) 0, unsupportedApiVersionsResponse(supportedMin, supportedMax), (short) 0);
    }
}

package io.tributary.kernel.api;

import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;

/**
 * Handles one API. Called on the request handler thread. The request message may reference the
 * request frame's bytes (record batches), which are released when {@link #handle} returns: a
 * handler that needs bytes later copies them first.
 */
public interface ApiHandler {

    ApiMessageType api();

    /** The lowest version this broker accepts (KIP-896 floors). */
    default short minVersion() {
        return api().lowestSupportedVersion();
    }

    /** The highest version this broker accepts: the pinned release's newest stable version. */
    default short maxVersion() {
        short max = api().highestSupportedVersion();
        return api().latestVersionUnstable() ? (short) (max - 1) : max;
    }

    /** The minimum version advertised in ApiVersions (Produce advertises 0: KAFKA-18659). */
    default short advertisedMinVersion() {
        return minVersion();
    }

    void handle(RequestContext context, Message request);
}

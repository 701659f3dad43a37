package io.tributary.kernel.coordinator;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.FindCoordinatorRequestData;
import io.tributary.protocol.message.FindCoordinatorResponseData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FindCoordinator, every version: one key (v0-3) or a batch of keys (v4+), answered by the
 * {@link CoordinatorLocator} registered for the key type. Group keys (type 0) are located by the
 * group coordinator; transaction keys (type 1) answer COORDINATOR_NOT_AVAILABLE until a
 * transaction coordinator registers a locator with {@link #register}; share keys (type 2) and
 * unknown types are invalid requests.
 *
 * <p>Handler thread only.
 */
public final class FindCoordinatorHandler implements ApiHandler {
    public static final byte GROUP = 0;
    public static final byte TRANSACTION = 1;

    private final Map<Byte, CoordinatorLocator> locators = new HashMap<>();

    @Override
    public ApiMessageType api() {
        return ApiMessageType.FIND_COORDINATOR;
    }

    /**
     * Serves keys of {@code keyType} with {@code locator} (the hook for coordinators: groups at
     * start-up, transactions once they exist). Call before the broker serves requests.
     *
     * @throws IllegalStateException if the type already has a locator
     */
    public FindCoordinatorHandler register(byte keyType, CoordinatorLocator locator) {
        if (locators.putIfAbsent(keyType, locator) != null) {
            throw new IllegalStateException("Key type " + keyType + " already has a coordinator locator");
        }
        return this;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        FindCoordinatorRequestData request = (FindCoordinatorRequestData) message;
        short version = context.apiVersion();
        List<String> keys = version >= 4 ? request.coordinatorKeys() : List.of(request.key());
        byte keyType = request.keyType();
        CoordinatorLocator locator = locators.get(keyType);
        if (locator == null || keys.isEmpty()) {
            Errors error = keyType == TRANSACTION ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.INVALID_REQUEST;
            String why = keyType == TRANSACTION
                    ? "The transaction coordinator is not available."
                    : keys.isEmpty() ? "No coordinator keys in the request." : "Unsupported key type " + keyType + ".";
            Map<String, CoordinatorLocator.Location> failed = new HashMap<>();
            for (String key : keys) {
                failed.put(key, CoordinatorLocator.Location.failed(error, why));
            }
            context.respond(response(version, keys, failed, CoordinatorLocator.Location.failed(error, why)));
            return;
        }
        String listener = context.connection().listener().name();
        locator.locate(keys, listener, found -> context.respond(response(version, keys, found, null)));
    }

    private static FindCoordinatorResponseData response(
            short version,
            List<String> keys,
            Map<String, CoordinatorLocator.Location> found,
            CoordinatorLocator.Location whenNoKeys) {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData().setThrottleTimeMs(0);
        if (version >= 4) {
            List<FindCoordinatorResponseData.Coordinator> out = new ArrayList<>();
            for (String key : keys) {
                CoordinatorLocator.Location l = found.get(key);
                out.add(new FindCoordinatorResponseData.Coordinator()
                        .setKey(key)
                        .setNodeId(l.nodeId())
                        .setHost(l.host())
                        .setPort(l.port())
                        .setErrorCode(l.error().code())
                        .setErrorMessage(l.error() == Errors.NONE ? null : l.message()));
            }
            return response.setCoordinators(out);
        }
        CoordinatorLocator.Location l = keys.isEmpty() ? whenNoKeys : found.get(keys.getFirst());
        return response.setErrorCode(l.error().code())
                .setErrorMessage(l.error() == Errors.NONE ? null : l.message())
                .setNodeId(l.nodeId())
                .setHost(l.host())
                .setPort(l.port());
    }
}

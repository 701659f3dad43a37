package io.tributary.kernel.coordinator;

import io.tributary.protocol.Errors;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds the coordinator of keys of one FindCoordinator key type (group ids, transactional ids).
 * Registered with {@link FindCoordinatorHandler} per key type: a coordinator that keeps its state
 * in an internal topic registers an {@link InternalTopicLocator}.
 *
 * <p>Called on the request handler thread; must not block.
 */
@FunctionalInterface
public interface CoordinatorLocator {

    /**
     * Locates the coordinator of each key for a client connected on {@code listener}.
     *
     * @param done called exactly once, on the handler thread, with a location for every key
     */
    void locate(List<String> keys, String listener, Consumer<Map<String, Location>> done);

    /**
     * Where a key's coordinator is, or why it cannot be said.
     *
     * @param error NONE when the node is known
     * @param message a human-readable reason for the error, or null
     */
    record Location(Errors error, String message, int nodeId, String host, int port) {
        public static Location of(int nodeId, String host, int port) {
            return new Location(Errors.NONE, null, nodeId, host, port);
        }

        public static Location failed(Errors error, String message) {
            return new Location(error, message, -1, "", -1);
        }
    }
}

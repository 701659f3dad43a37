package io.tributary.kernel.group;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A server-side assignor of consumer-protocol (KIP-848) groups: turns members' subscriptions into
 * a target assignment. Implementations are deterministic (same input, same output) and
 * stateless.
 */
public interface ServerAssignor {

    /** The name clients select it by ({@code group.remote.assignor}). */
    String name();

    /**
     * A member as the assignor sees it.
     *
     * @param subscribedTopics the ids of the existing topics it subscribes to
     * @param current its current target assignment (for stickiness)
     */
    record MemberSpec(String memberId, String rackId, Set<UUID> subscribedTopics, Map<UUID, Set<Integer>> current) {}

    /** A subscribed topic: its name and partition count. */
    record TopicSpec(UUID id, String name, int partitions) {}

    /**
     * Computes the target assignment. Every partition of a subscribed topic goes to exactly one
     * member subscribed to it (when there is one); members get nothing else.
     *
     * @param members in a stable order (member id)
     * @param topics the subscribed topics, by id
     * @return each member's target assignment (every member present, possibly empty)
     */
    Map<String, Map<UUID, Set<Integer>>> assign(List<MemberSpec> members, Map<UUID, TopicSpec> topics);
}

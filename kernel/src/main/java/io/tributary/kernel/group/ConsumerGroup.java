package io.tributary.kernel.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A consumer-protocol (KIP-848) group: the group epoch (bumped whenever membership, subscriptions
 * or subscribed topics change), the target assignment computed by a server-side assignor for the
 * assignment epoch, and the members being reconciled towards it. A partition is owned by at most
 * one member at a time: {@link #partitionEpochs} records the owner's epoch of every owned
 * partition, so that a partition moves only after its previous owner released it.
 *
 * <p>Not thread-safe: confined to the request handler thread.
 */
public final class ConsumerGroup extends Group {
    /** A subscribed topic as last seen: its id and partition count. */
    record TopicMeta(UUID id, int partitions) {}

    int groupEpoch;
    int assignmentEpoch;
    long stateTimestampMs;
    boolean dead;
    final LinkedHashMap<String, ConsumerMember> members = new LinkedHashMap<>();
    final Map<String, String> staticMembers = new HashMap<>();
    final Map<String, Map<UUID, Set<Integer>>> targetAssignment = new HashMap<>();
    final Map<UUID, Map<Integer, Integer>> partitionEpochs = new HashMap<>();
    /** Subscribed topics by name when the target was last computed; null until first computed. */
    Map<String, TopicMeta> subscriptionMetadata;
    /** Bumped whenever a member joins, leaves or changes its subscription. */
    int subscriptionsVersion;
    /** The subscriptions version and metadata image offset {@link #subscriptionMetadata} was computed at. */
    int metadataSubscriptionsVersion = -1;

    long metadataImageOffset = Long.MIN_VALUE;

    ConsumerGroup(String groupId, int partition, long nowMs) {
        super(groupId, partition, nowMs);
        this.stateTimestampMs = nowMs;
    }

    @Override
    public String type() {
        return "consumer";
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    @Override
    public String stateName() {
        if (dead) {
            return "Dead";
        }
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerMember m : members.values()) {
            if (m.memberEpoch != assignmentEpoch || m.state != ConsumerMember.MemberState.STABLE) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    public int groupEpoch() {
        return groupEpoch;
    }

    public int assignmentEpoch() {
        return assignmentEpoch;
    }

    @Override
    public boolean hasNoMembers() {
        return members.isEmpty();
    }

    @Override
    public boolean isDead() {
        return dead;
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        if (subscriptionMetadata != null && subscriptionMetadata.containsKey(topic)) {
            return true;
        }
        for (ConsumerMember m : members.values()) {
            if (m.subscribedTopicNames.contains(topic)) {
                return true;
            }
            if (m.subscribedTopicRegex != null && !m.subscribedTopicRegex.isEmpty()) {
                try {
                    if (java.util.regex.Pattern.compile(m.subscribedTopicRegex)
                            .matcher(topic)
                            .matches()) {
                        return true;
                    }
                } catch (java.util.regex.PatternSyntaxException e) {
                    // an invalid regex never got stored; nothing matches it
                }
            }
        }
        return false;
    }

    /** The epoch of the member owning a partition, or -1 when no member owns it. */
    int partitionEpoch(UUID topic, int partition) {
        Map<Integer, Integer> epochs = partitionEpochs.get(topic);
        if (epochs == null) {
            return -1;
        }
        Integer e = epochs.get(partition);
        return e == null ? -1 : e;
    }

    void releasePartitions(Map<UUID, Set<Integer>> partitions) {
        partitions.forEach((topic, ps) -> {
            Map<Integer, Integer> epochs = partitionEpochs.get(topic);
            if (epochs != null) {
                ps.forEach(epochs::remove);
                if (epochs.isEmpty()) {
                    partitionEpochs.remove(topic);
                }
            }
        });
    }

    void ownPartitions(Map<UUID, Set<Integer>> partitions, int epoch) {
        partitions.forEach((topic, ps) -> {
            Map<Integer, Integer> epochs = partitionEpochs.computeIfAbsent(topic, k -> new HashMap<>());
            ps.forEach(p -> epochs.put(p, epoch));
        });
    }

    void addMember(ConsumerMember m) {
        subscriptionsVersion++;
        members.put(m.memberId, m);
        if (m.instanceId != null) {
            staticMembers.put(m.instanceId, m.memberId);
        }
        gotMembers();
    }

    void removeMember(ConsumerMember m, long nowMs) {
        subscriptionsVersion++;
        members.remove(m.memberId);
        if (m.instanceId != null) {
            staticMembers.remove(m.instanceId, m.memberId);
        }
        targetAssignment.remove(m.memberId);
        releasePartitions(m.owned());
        m.cancelTimers();
        if (members.isEmpty()) {
            becameEmpty(nowMs);
        }
    }

    GroupRecords.ConsumerGroupValue toValue() {
        List<GroupRecords.ConsumerMemberValue> out = new ArrayList<>();
        for (ConsumerMember m : members.values()) {
            out.add(m.toValue(targetAssignment.getOrDefault(m.memberId, Assignment.EMPTY)));
        }
        return new GroupRecords.ConsumerGroupValue(groupEpoch, assignmentEpoch, stateTimestampMs, out);
    }

    static ConsumerGroup fromValue(String groupId, int partition, GroupRecords.ConsumerGroupValue v, long nowMs) {
        ConsumerGroup g = new ConsumerGroup(groupId, partition, nowMs);
        g.groupEpoch = v.groupEpoch();
        g.assignmentEpoch = v.assignmentEpoch();
        g.stateTimestampMs = v.stateTimestamp();
        for (GroupRecords.ConsumerMemberValue mv : v.members()) {
            ConsumerMember m = ConsumerMember.fromValue(mv);
            g.addMember(m);
            g.targetAssignment.put(m.memberId, Assignment.copyOf(mv.target()));
            g.ownPartitions(m.owned(), m.memberEpoch);
        }
        if (g.members.isEmpty()) {
            g.becameEmpty(v.stateTimestamp());
        }
        return g;
    }
}

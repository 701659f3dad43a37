package io.tributary.kernel.group;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A member of a consumer-protocol (KIP-848) group: its subscription, its epoch, and the partitions
 * it owns now (assigned, plus those it still has to revoke) as it is reconciled towards its
 * target assignment. Handler thread only.
 */
final class ConsumerMember {
    /** The epoch of a static member that left temporarily (it may come back as a new instance). */
    static final int LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

    /** Where the member is in its reconciliation towards the target assignment. */
    enum MemberState {
        /** Owns its assignment at the member epoch. */
        STABLE,
        /** Must first revoke partitions it no longer gets before moving to the next epoch. */
        UNREVOKED_PARTITIONS,
        /** Waits for partitions of its target that other members have not released yet. */
        UNRELEASED_PARTITIONS;

        static MemberState of(byte code) {
            return values()[Math.max(0, Math.min(code, values().length - 1))];
        }
    }

    String memberId;
    String instanceId;
    String rackId;
    String clientId = "";
    String clientHost = "";
    int rebalanceTimeoutMs = -1;
    List<String> subscribedTopicNames = List.of();
    String subscribedTopicRegex;
    String serverAssignor;
    int memberEpoch;
    int previousMemberEpoch = -1;
    MemberState state = MemberState.STABLE;
    Map<UUID, Set<Integer>> assigned = Assignment.EMPTY;
    Map<UUID, Set<Integer>> pendingRevocation = Assignment.EMPTY;
    Scheduler.Task sessionTimer;
    Scheduler.Task rebalanceTimer;

    ConsumerMember(String memberId) {
        this.memberId = memberId;
    }

    /** Partitions the member still holds: assigned plus pending revocation. */
    Map<UUID, Set<Integer>> owned() {
        return Assignment.union(assigned, pendingRevocation);
    }

    void cancelTimers() {
        if (sessionTimer != null) {
            sessionTimer.cancel();
            sessionTimer = null;
        }
        cancelRebalanceTimer();
    }

    void cancelRebalanceTimer() {
        if (rebalanceTimer != null) {
            rebalanceTimer.cancel();
            rebalanceTimer = null;
        }
    }

    GroupRecords.ConsumerMemberValue toValue(Map<UUID, Set<Integer>> target) {
        return new GroupRecords.ConsumerMemberValue(
                memberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                rebalanceTimeoutMs,
                subscribedTopicNames,
                subscribedTopicRegex,
                serverAssignor,
                memberEpoch,
                previousMemberEpoch,
                (byte) state.ordinal(),
                assigned,
                pendingRevocation,
                target);
    }

    static ConsumerMember fromValue(GroupRecords.ConsumerMemberValue v) {
        ConsumerMember m = new ConsumerMember(v.memberId());
        m.instanceId = v.instanceId();
        m.rackId = v.rackId();
        m.clientId = v.clientId();
        m.clientHost = v.clientHost();
        m.rebalanceTimeoutMs = v.rebalanceTimeoutMs();
        m.subscribedTopicNames = List.copyOf(v.subscribedTopicNames());
        m.subscribedTopicRegex = v.subscribedTopicRegex();
        m.serverAssignor = v.serverAssignor();
        m.memberEpoch = v.memberEpoch();
        m.previousMemberEpoch = v.previousMemberEpoch();
        m.state = MemberState.of(v.state());
        m.assigned = Assignment.copyOf(v.assigned());
        m.pendingRevocation = Assignment.copyOf(v.pendingRevocation());
        return m;
    }
}

package io.tributary.kernel.group;

import io.tributary.protocol.Errors;
import io.tributary.protocol.message.JoinGroupResponseData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A classic group: the state machine's data (Kafka's states Empty, PreparingRebalance,
 * CompletingRebalance, Stable and Dead), its members, the selected protocol and the generation.
 * A group that only ever had offsets committed (a "simple" group) is a classic group with no
 * protocol type. The transitions themselves are driven by {@link ClassicGroupProtocol}.
 *
 * <p>Not thread-safe: confined to the request handler thread.
 */
public final class ClassicGroup extends Group {

    /** Kafka's classic group states, with the names DescribeGroups and ListGroups report. */
    public enum State {
        EMPTY("Empty"),
        PREPARING_REBALANCE("PreparingRebalance"),
        COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable"),
        DEAD("Dead");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    State state = State.EMPTY;
    long stateTimestampMs;
    /** The protocol type of the members (e.g. {@code consumer}); null for a group that never had members. */
    String protocolType;
    /** The protocol selected at the last completed join; null when Empty. */
    String protocolName;

    String leaderId;
    int generationId;
    final LinkedHashMap<String, ClassicMember> members = new LinkedHashMap<>();
    /** group.instance.id to member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Members told MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
    final Map<String, Scheduler.Task> pendingMembers = new HashMap<>();
    /** Members of the current generation that have not sent SyncGroup yet. */
    final Set<String> pendingSyncMembers = new LinkedHashSet<>();
    /** A member joined during the initial delay of an empty group (the delay then extends). */
    boolean newMemberAdded;
    /** True while the initial rebalance delay of a group that was empty runs. */
    boolean initialDelay;

    Scheduler.Task joinTimer;
    Scheduler.Task syncTimer;

    ClassicGroup(String groupId, int partition, long nowMs) {
        super(groupId, partition, nowMs);
        this.stateTimestampMs = nowMs;
    }

    @Override
    public String type() {
        return "classic";
    }

    @Override
    public String stateName() {
        return state.label();
    }

    public State state() {
        return state;
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    public int generationId() {
        return generationId;
    }

    public String protocolName() {
        return protocolName;
    }

    public String leaderId() {
        return leaderId;
    }

    @Override
    public boolean hasNoMembers() {
        return members.isEmpty();
    }

    @Override
    public boolean isDead() {
        return state == State.DEAD;
    }

    boolean is(State s) {
        return state == s;
    }

    void transitionTo(State next, long nowMs) {
        state = next;
        stateTimestampMs = nowMs;
        if (next == State.EMPTY) {
            becameEmpty(nowMs);
        } else if (next != State.DEAD && !members.isEmpty()) {
            gotMembers();
        }
    }

    ClassicMember member(String memberId) {
        return members.get(memberId);
    }

    boolean has(String memberId) {
        return members.containsKey(memberId);
    }

    boolean isLeader(String memberId) {
        return memberId != null && memberId.equals(leaderId);
    }

    boolean isPendingMember(String memberId) {
        return pendingMembers.containsKey(memberId);
    }

    String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    /** The error for a request naming this member and instance id, or NONE. */
    Errors validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String existing = staticMembers.get(groupInstanceId);
            if (existing == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!existing.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return members.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    int size() {
        return members.size() + pendingMembers.size();
    }

    void add(ClassicMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType;
        }
        members.put(member.memberId, member);
        if (member.groupInstanceId != null) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
        gotMembers();
    }

    void remove(String memberId) {
        ClassicMember removed = members.remove(memberId);
        if (removed != null && removed.groupInstanceId != null) {
            staticMembers.remove(removed.groupInstanceId, memberId);
        }
        pendingSyncMembers.remove(memberId);
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** Moves a static member to a new member id (a restarted instance took its place). */
    void replaceMemberId(String oldMemberId, String newMemberId) {
        ClassicMember member = members.remove(oldMemberId);
        member.memberId = newMemberId;
        // Keep the member's position: rebuild the order with the new id in place.
        LinkedHashMap<String, ClassicMember> copy = new LinkedHashMap<>(members);
        members.clear();
        members.put(newMemberId, member);
        members.putAll(copy);
        if (member.groupInstanceId != null) {
            staticMembers.put(member.groupInstanceId, newMemberId);
        }
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
    }

    /** Every member has a JoinGroup parked and no member id handed out is still to join. */
    boolean hasAllMembersJoined() {
        for (ClassicMember m : members.values()) {
            if (!m.isAwaitingJoin()) {
                return false;
            }
        }
        return pendingMembers.isEmpty();
    }

    /** The largest rebalance timeout of the members: how long a rebalance may wait for them. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    /** Makes a member that has rejoined the leader if the current one has not; false if none rejoined. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId != null) {
            ClassicMember leader = members.get(leaderId);
            if (leader != null && leader.isAwaitingJoin()) {
                return true;
            }
        }
        for (ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId;
                return true;
            }
        }
        return false;
    }

    /** Protocols every member supports. */
    Set<String> candidateProtocols() {
        Set<String> candidates = null;
        for (ClassicMember m : members.values()) {
            Set<String> names = new HashSet<>();
            m.protocols.forEach(p -> names.add(p.name()));
            if (candidates == null) {
                candidates = new LinkedHashSet<>();
                for (ClassicMember.Protocol p : m.protocols) {
                    candidates.add(p.name());
                }
            } else {
                candidates.retainAll(names);
            }
        }
        return candidates == null ? Set.of() : candidates;
    }

    /**
     * Whether a member with these protocols may join: any non-empty protocol list starts an empty
     * group; otherwise the type must match and one protocol must be supported by every member.
     */
    boolean supportsProtocols(String memberProtocolType, List<ClassicMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        Set<String> candidates = candidateProtocols();
        for (ClassicMember.Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return true;
            }
        }
        return false;
    }

    /** The protocol with most first-choice votes among those every member supports (ties: first seen). */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (String c : candidates) {
            votes.put(c, 0);
        }
        for (ClassicMember m : members.values()) {
            String vote = m.vote(candidates);
            if (vote != null) {
                votes.merge(vote, 1, Integer::sum);
            }
        }
        String best = null;
        int bestVotes = -1;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /** Starts the next generation: CompletingRebalance with a selected protocol, or Empty. */
    void initNextGeneration(long nowMs) {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            transitionTo(State.COMPLETING_REBALANCE, nowMs);
        } else {
            protocolName = null;
            transitionTo(State.EMPTY, nowMs);
        }
    }

    /** The members as the leader's JoinGroup response lists them, with the selected protocol's metadata. */
    List<JoinGroupResponseData.JoinGroupResponseMember> currentMemberMetadata() {
        List<JoinGroupResponseData.JoinGroupResponseMember> out = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            out.add(new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.groupInstanceId)
                    .setMetadata(m.metadata(protocolName)));
        }
        return out;
    }

    /**
     * The topics the members subscribe to, when the group speaks the consumer protocol and every
     * subscription can be read; empty (unknown) otherwise.
     */
    Optional<Set<String>> subscribedTopics() {
        if (!"consumer".equals(protocolType) || protocolName == null) {
            return members.isEmpty() ? Optional.of(Set.of()) : Optional.empty();
        }
        Set<String> topics = new HashSet<>();
        for (ClassicMember m : members.values()) {
            Optional<Set<String>> t = ConsumerProtocolSubscriptions.topics(m.metadata(protocolName));
            if (t.isEmpty()) {
                return Optional.empty();
            }
            topics.addAll(t.get());
        }
        return Optional.of(topics);
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        if (state == State.EMPTY || state == State.DEAD) {
            return false;
        }
        return subscribedTopics().map(t -> t.contains(topic)).orElse(true);
    }

    /** The group as stored, with {@code assignments} (member id to bytes) in place of the members' own. */
    GroupRecords.ClassicGroupValue toValue(Map<String, byte[]> assignments) {
        List<GroupRecords.ClassicMemberValue> out = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            byte[] assignment = assignments == null ? m.assignment : assignments.getOrDefault(m.memberId, new byte[0]);
            out.add(new GroupRecords.ClassicMemberValue(
                    m.memberId,
                    m.groupInstanceId,
                    m.clientId,
                    m.clientHost,
                    m.rebalanceTimeoutMs,
                    m.sessionTimeoutMs,
                    m.metadata(protocolName),
                    assignment));
        }
        return new GroupRecords.ClassicGroupValue(
                protocolType(), generationId, protocolName, leaderId, stateTimestampMs, out);
    }

    /** Restores a stored group: Stable with its members, or Empty. Timers are armed by the caller. */
    static ClassicGroup fromValue(String groupId, int partition, GroupRecords.ClassicGroupValue v, long nowMs) {
        ClassicGroup g = new ClassicGroup(groupId, partition, nowMs);
        g.protocolType = v.protocolType().isEmpty() ? null : v.protocolType();
        g.generationId = v.generation();
        g.protocolName = v.protocolName();
        g.stateTimestampMs = v.stateTimestamp();
        for (GroupRecords.ClassicMemberValue m : v.members()) {
            List<ClassicMember.Protocol> protocols = v.protocolName() == null
                    ? List.of()
                    : List.of(new ClassicMember.Protocol(v.protocolName(), m.subscription()));
            ClassicMember member = new ClassicMember(
                    m.memberId(),
                    m.instanceId(),
                    m.clientId(),
                    m.clientHost(),
                    m.rebalanceTimeoutMs(),
                    m.sessionTimeoutMs(),
                    g.protocolType,
                    protocols);
            member.assignment = m.assignment() == null ? new byte[0] : m.assignment();
            member.lastHeartbeatMs = nowMs;
            g.members.put(member.memberId, member);
            if (member.groupInstanceId != null) {
                g.staticMembers.put(member.groupInstanceId, member.memberId);
            }
        }
        g.leaderId = v.leader() != null && g.members.containsKey(v.leader())
                ? v.leader()
                : g.members.isEmpty() ? null : g.members.keySet().iterator().next();
        if (g.members.isEmpty()) {
            g.state = State.EMPTY;
            g.emptySinceMs = v.stateTimestamp();
        } else {
            g.state = State.STABLE;
            g.emptySinceMs = -1;
        }
        return g;
    }
}

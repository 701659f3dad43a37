package io.tributary.kernel.group;

import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.protocol.message.ConsumerGroupHeartbeatRequestData;
import io.tributary.protocol.message.ConsumerGroupHeartbeatResponseData;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.plugin.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer group protocol of KIP-848 (ConsumerGroupHeartbeat): members heartbeat with their
 * subscription and epoch; the group epoch moves when membership, subscriptions or subscribed
 * topics change; a server-side assignor computes the target assignment for that epoch; each
 * member is reconciled towards its target one heartbeat at a time: partitions it loses are
 * revoked first (it keeps its epoch until it reports them gone), then it moves to the new epoch
 * and gets the partitions other members have released. Nobody stops consuming the partitions
 * that do not move.
 *
 * <p>Members are fenced when their session times out ({@code group.consumer.session.timeout.ms}),
 * when they do not revoke within their rebalance timeout, and when they heartbeat with an epoch
 * the group does not expect. A static member ({@code group.instance.id}) that leaves with epoch -2
 * keeps its assignment until its session expires, so a new instance takes it over without a
 * rebalance.
 *
 * <p>Every change is written to {@code __consumer_offsets} (a snapshot of the group) before the
 * heartbeat is answered, so a coordinator that restarts or moves resumes the same epochs.
 *
 * <p>Not thread-safe: runs on the request handler thread.
 */
final class ConsumerGroupProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupProtocol.class);

    /** A ConsumerGroupHeartbeat with who sent it. */
    record HeartbeatRequest(
            ConsumerGroupHeartbeatRequestData data, String clientId, String clientHost, short version) {}

    private final GroupConfig config;
    private final Scheduler scheduler;
    private final Time time;
    private final GroupLog log;
    private final Supplier<MetadataImage> image;
    private final Map<String, ServerAssignor> assignors = new LinkedHashMap<>();

    ConsumerGroupProtocol(
            GroupConfig config, Scheduler scheduler, Time time, GroupLog log, Supplier<MetadataImage> image) {
        this.config = config;
        this.scheduler = scheduler;
        this.time = time;
        this.log = log;
        this.image = image;
        Map<String, ServerAssignor> known = Map.of(
                UniformAssignor.NAME, new UniformAssignor(),
                RangeAssignor.NAME, new RangeAssignor());
        for (String name : config.consumerAssignors()) {
            ServerAssignor a = known.get(name);
            if (a != null) {
                assignors.put(name, a);
            }
        }
    }

    /**
     * Checks a heartbeat's fields as Kafka does before touching any group.
     *
     * @return the error to answer (INVALID_REQUEST, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION), or null
     */
    Failure validate(ConsumerGroupHeartbeatRequestData r, short version) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return new Failure(Errors.INVALID_REQUEST, "GroupId can't be empty.");
        }
        if (r.rackId() != null && r.rackId().isEmpty()) {
            return new Failure(Errors.INVALID_REQUEST, "RackId can't be empty.");
        }
        if (version >= 1 && (r.memberId() == null || r.memberId().isEmpty())) {
            return new Failure(Errors.INVALID_REQUEST, "MemberId can't be empty.");
        }
        int epoch = r.memberEpoch();
        if (epoch > 0 || epoch == -1) {
            if (r.memberId() == null || r.memberId().isEmpty()) {
                return new Failure(Errors.INVALID_REQUEST, "MemberId can't be empty.");
            }
        } else if (epoch == 0) {
            if (r.rebalanceTimeoutMs() == -1) {
                return new Failure(Errors.INVALID_REQUEST, "RebalanceTimeoutMs must be provided in first request.");
            }
            if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
                return new Failure(Errors.INVALID_REQUEST, "TopicPartitions must be empty when (re-)joining.");
            }
            boolean hasNames = r.subscribedTopicNames() != null;
            boolean hasRegex = r.subscribedTopicRegex() != null;
            if (!hasNames && !hasRegex) {
                return new Failure(
                        Errors.INVALID_REQUEST,
                        "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        } else if (epoch == ConsumerMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            if (r.instanceId() == null) {
                return new Failure(Errors.INVALID_REQUEST, "InstanceId can't be null.");
            }
        } else {
            return new Failure(Errors.INVALID_REQUEST, "MemberEpoch is invalid.");
        }
        if (r.serverAssignor() != null && !assignors.containsKey(r.serverAssignor())) {
            return new Failure(
                    Errors.UNSUPPORTED_ASSIGNOR,
                    "ServerAssignor " + r.serverAssignor() + " is not supported. Supported assignors: "
                            + String.join(", ", assignors.keySet()) + ".");
        }
        if (r.subscribedTopicRegex() != null && !r.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(r.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                return new Failure(
                        Errors.INVALID_REGULAR_EXPRESSION,
                        "SubscribedTopicRegex `" + r.subscribedTopicRegex() + "` is not a valid regular expression: "
                                + e.getDescription() + ".");
            }
        }
        return null;
    }

    /** An error answer with its message. */
    record Failure(Errors error, String message) {}

    /**
     * Handles a heartbeat of a member of {@code group} (created by the caller for a first join).
     */
    void heartbeat(ConsumerGroup group, HeartbeatRequest request, Consumer<ConsumerGroupHeartbeatResponseData> done) {
        ConsumerGroupHeartbeatRequestData r = request.data();
        if (r.memberEpoch() < 0) {
            leave(group, r, done);
            return;
        }
        long now = time.milliseconds();
        ConsumerMember member;
        boolean changed = false;
        boolean replaced = false;
        if (r.memberEpoch() == 0) {
            String memberId = r.memberId() == null || r.memberId().isEmpty()
                    ? UUID.randomUUID().toString()
                    : r.memberId();
            String existingStatic = r.instanceId() == null ? null : group.staticMembers.get(r.instanceId());
            if (existingStatic != null && !existingStatic.equals(memberId)) {
                ConsumerMember old = group.members.get(existingStatic);
                if (old.memberEpoch != ConsumerMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
                    done.accept(error(
                            Errors.UNRELEASED_INSTANCE_ID,
                            "Static member " + memberId + " with instance id " + r.instanceId()
                                    + " cannot join the group because the instance id is owned by member "
                                    + existingStatic + "."));
                    return;
                }
                member = replaceStaticMember(group, old, memberId);
                replaced = true;
            } else {
                member = group.members.get(memberId);
                if (member == null) {
                    if (group.members.size() >= config.consumerMaxSize()) {
                        done.accept(error(
                                Errors.GROUP_MAX_SIZE_REACHED,
                                "The consumer group has reached its maximum capacity of " + config.consumerMaxSize()
                                        + " members."));
                        return;
                    }
                    member = new ConsumerMember(memberId);
                    member.instanceId = r.instanceId();
                    group.addMember(member);
                    LOG.info("Member {} joined consumer group {}", memberId, group.groupId());
                } else {
                    // A rejoin (after being fenced): the member has released everything it owned.
                    group.releasePartitions(member.owned());
                    member.assigned = Assignment.EMPTY;
                    member.pendingRevocation = Assignment.EMPTY;
                    member.state = ConsumerMember.MemberState.STABLE;
                    member.cancelRebalanceTimer();
                }
                member.memberEpoch = 0;
                changed = true;
            }
        } else {
            member = group.members.get(r.memberId());
            if (member == null) {
                done.accept(error(
                        Errors.UNKNOWN_MEMBER_ID,
                        "Member " + r.memberId() + " is not a member of group " + group.groupId() + "."));
                return;
            }
            Errors fenced = checkEpoch(member, r);
            if (fenced != Errors.NONE) {
                done.accept(error(
                        fenced,
                        "The consumer group member has a member epoch (" + r.memberEpoch()
                                + ") that the group coordinator does not expect (" + member.memberEpoch
                                + "). The member must abandon all its partitions and rejoin."));
                return;
            }
        }
        changed |= updateMember(member, r, request);
        scheduleSession(group, member);

        // Epoch: membership, subscriptions or the subscribed topics changed.
        if (changed) {
            group.subscriptionsVersion++;
        }
        Map<String, ConsumerGroup.TopicMeta> metadata = subscriptionMetadata(group);
        if (group.subscriptionMetadata == null && !changed) {
            group.subscriptionMetadata = metadata;
        }
        boolean dirty = replaced;
        if (changed || !metadata.equals(group.subscriptionMetadata)) {
            group.subscriptionMetadata = metadata;
            group.groupEpoch++;
            dirty = true;
        }
        if (group.groupEpoch > group.assignmentEpoch) {
            computeTargetAssignment(group, metadata);
            dirty = true;
        }

        int epochBefore = member.memberEpoch;
        ConsumerMember.MemberState stateBefore = member.state;
        Map<UUID, Set<Integer>> assignedBefore = member.assigned;
        Map<UUID, Set<Integer>> pendingBefore = member.pendingRevocation;
        reconcile(group, member, owned(r));
        if (member.memberEpoch != epochBefore
                || member.state != stateBefore
                || !member.assigned.equals(assignedBefore)
                || !member.pendingRevocation.equals(pendingBefore)) {
            dirty = true;
        }
        if (member.state == ConsumerMember.MemberState.UNREVOKED_PARTITIONS) {
            if (stateBefore != ConsumerMember.MemberState.UNREVOKED_PARTITIONS
                    || member.memberEpoch != epochBefore
                    || member.rebalanceTimer == null) {
                scheduleRebalanceTimeout(group, member);
            }
        } else {
            member.cancelRebalanceTimer();
        }
        group.stateTimestampMs = now;

        boolean fullRequest = r.rebalanceTimeoutMs() != -1
                && (r.subscribedTopicNames() != null || r.subscribedTopicRegex() != null)
                && r.topicPartitions() != null;
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(Errors.NONE.code())
                .setMemberId(member.memberId)
                .setMemberEpoch(member.memberEpoch)
                .setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
        if (r.memberEpoch() == 0 || fullRequest || !member.assigned.equals(assignedBefore)) {
            response.setAssignment(assignmentOf(member.assigned));
        }
        if (!dirty) {
            done.accept(response);
            return;
        }
        store(group, error -> done.accept(error == Errors.NONE ? response : error(error, null)));
    }

    /** The heartbeat epoch check: a member may lag one epoch only if it owns nothing it should not. */
    private static Errors checkEpoch(ConsumerMember member, ConsumerGroupHeartbeatRequestData r) {
        int received = r.memberEpoch();
        if (received > member.memberEpoch) {
            return Errors.FENCED_MEMBER_EPOCH;
        }
        if (received < member.memberEpoch) {
            // The response that moved the member to its epoch may have been lost.
            Map<UUID, Set<Integer>> owned = owned(r);
            if (received != member.previousMemberEpoch
                    || owned == null
                    || !Assignment.isSubset(owned, member.assigned)) {
                return Errors.FENCED_MEMBER_EPOCH;
            }
        }
        return Errors.NONE;
    }

    /** Applies the fields a heartbeat sets (null means unchanged); true when the subscription changed. */
    private static boolean updateMember(
            ConsumerMember m, ConsumerGroupHeartbeatRequestData r, HeartbeatRequest request) {
        boolean changed = false;
        if (r.rebalanceTimeoutMs() != -1) {
            m.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        }
        if (r.instanceId() != null) {
            m.instanceId = r.instanceId();
        }
        if (r.rackId() != null && !r.rackId().equals(m.rackId)) {
            m.rackId = r.rackId();
            changed = true;
        }
        if (r.subscribedTopicNames() != null) {
            List<String> names = List.copyOf(new TreeSet<>(r.subscribedTopicNames()));
            if (!names.equals(m.subscribedTopicNames)) {
                m.subscribedTopicNames = names;
                changed = true;
            }
        }
        if (r.subscribedTopicRegex() != null) {
            String regex = r.subscribedTopicRegex().isEmpty() ? null : r.subscribedTopicRegex();
            if (!Objects.equals(regex, m.subscribedTopicRegex)) {
                m.subscribedTopicRegex = regex;
                changed = true;
            }
        }
        if (r.serverAssignor() != null && !r.serverAssignor().equals(m.serverAssignor)) {
            m.serverAssignor = r.serverAssignor();
            changed = true;
        }
        m.clientId = request.clientId();
        m.clientHost = request.clientHost();
        return changed;
    }

    /** A new instance of a static member takes over the old one's assignment and epoch, without a rebalance. */
    private ConsumerMember replaceStaticMember(ConsumerGroup group, ConsumerMember old, String newMemberId) {
        Map<UUID, Set<Integer>> target = group.targetAssignment.getOrDefault(old.memberId, Assignment.EMPTY);
        old.cancelTimers();
        group.members.remove(old.memberId);
        group.targetAssignment.remove(old.memberId);
        LOG.info(
                "Static member {} of consumer group {} replaces member {}",
                old.instanceId,
                group.groupId(),
                old.memberId);
        old.memberId = newMemberId;
        // Back to the assignment epoch it left in, so reconciliation resumes from there.
        old.memberEpoch = Math.max(old.previousMemberEpoch, 0);
        group.addMember(old);
        group.targetAssignment.put(newMemberId, target);
        return old;
    }

    private void leave(
            ConsumerGroup group,
            ConsumerGroupHeartbeatRequestData r,
            Consumer<ConsumerGroupHeartbeatResponseData> done) {
        ConsumerMember member;
        if (r.instanceId() != null) {
            String id = group.staticMembers.get(r.instanceId());
            member = id == null ? null : group.members.get(id);
            if (member == null) {
                done.accept(error(Errors.UNKNOWN_MEMBER_ID, "Instance id " + r.instanceId() + " is unknown."));
                return;
            }
            if (!member.memberId.equals(r.memberId())) {
                done.accept(error(
                        Errors.FENCED_INSTANCE_ID,
                        "Static member " + r.memberId() + " with instance id " + r.instanceId()
                                + " is not the member that owns the instance id."));
                return;
            }
        } else {
            member = group.members.get(r.memberId());
            if (member == null) {
                done.accept(error(
                        Errors.UNKNOWN_MEMBER_ID,
                        "Member " + r.memberId() + " is not a member of group " + group.groupId() + "."));
                return;
            }
        }
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(Errors.NONE.code())
                .setMemberId(member.memberId)
                .setMemberEpoch(r.memberEpoch())
                .setHeartbeatIntervalMs(0);
        if (r.memberEpoch() == ConsumerMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            // Keeps its partitions for a new instance, until its session expires.
            LOG.info("Static member {} of consumer group {} left temporarily", member.instanceId, group.groupId());
            group.releasePartitions(member.pendingRevocation);
            member.pendingRevocation = Assignment.EMPTY;
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = ConsumerMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH;
            member.state = ConsumerMember.MemberState.STABLE;
            member.cancelRebalanceTimer();
        } else {
            LOG.info("Member {} left consumer group {}", member.memberId, group.groupId());
            removeMember(group, member);
        }
        store(group, error -> done.accept(error == Errors.NONE ? response : error(error, null)));
    }

    private void removeMember(ConsumerGroup group, ConsumerMember member) {
        long now = time.milliseconds();
        group.removeMember(member, now);
        group.groupEpoch++;
        group.stateTimestampMs = now;
    }

    /** Writes the group's snapshot; {@code done} gets the client-facing error. */
    void store(ConsumerGroup group, Consumer<Errors> done) {
        log.append(
                group.partition(),
                List.of(GroupRecords.consumerGroup(group.groupId(), group.toValue())),
                error -> done.accept(GroupLog.groupError(error)));
    }

    private void scheduleSession(ConsumerGroup group, ConsumerMember member) {
        if (member.sessionTimer != null) {
            member.sessionTimer.cancel();
        }
        member.sessionTimer = scheduler.schedule(config.consumerSessionTimeoutMs(), () -> {
            member.sessionTimer = null;
            if (group.members.get(member.memberId) != member) {
                return;
            }
            LOG.info(
                    "Member {} of consumer group {} has failed: no heartbeat for {} ms",
                    member.memberId,
                    group.groupId(),
                    config.consumerSessionTimeoutMs());
            removeMember(group, member);
            store(group, e -> {});
        });
    }

    private void scheduleRebalanceTimeout(ConsumerGroup group, ConsumerMember member) {
        member.cancelRebalanceTimer();
        int epoch = member.memberEpoch;
        long timeout = member.rebalanceTimeoutMs > 0 ? member.rebalanceTimeoutMs : config.consumerSessionTimeoutMs();
        member.rebalanceTimer = scheduler.schedule(timeout, () -> {
            member.rebalanceTimer = null;
            if (group.members.get(member.memberId) != member
                    || member.state != ConsumerMember.MemberState.UNREVOKED_PARTITIONS
                    || member.memberEpoch != epoch) {
                return;
            }
            LOG.info(
                    "Member {} of consumer group {} did not revoke its partitions within {} ms: fenced",
                    member.memberId,
                    group.groupId(),
                    timeout);
            removeMember(group, member);
            store(group, e -> {});
        });
    }

    /** Arms session (and revocation) timers for the members of a group just loaded. */
    void activate(ConsumerGroup group) {
        for (ConsumerMember m : group.members.values()) {
            scheduleSession(group, m);
            if (m.state == ConsumerMember.MemberState.UNREVOKED_PARTITIONS) {
                scheduleRebalanceTimeout(group, m);
            }
        }
    }

    void unload(ConsumerGroup group) {
        for (ConsumerMember m : group.members.values()) {
            m.cancelTimers();
        }
    }

    // ------------------------------------------------------------------ assignment

    /**
     * The topics the members subscribe to that exist, by name; recomputed only when members,
     * subscriptions or the metadata image changed since the last time.
     */
    Map<String, ConsumerGroup.TopicMeta> subscriptionMetadata(ConsumerGroup group) {
        MetadataImage img = image.get();
        if (group.subscriptionMetadata != null
                && group.metadataSubscriptionsVersion == group.subscriptionsVersion
                && group.metadataImageOffset == img.offset()) {
            return group.subscriptionMetadata;
        }
        group.metadataSubscriptionsVersion = group.subscriptionsVersion;
        group.metadataImageOffset = img.offset();
        Map<String, ConsumerGroup.TopicMeta> out = new TreeMap<>();
        for (ConsumerMember m : group.members.values()) {
            for (String topic : subscribedTopics(m, img)) {
                img.topic(topic)
                        .ifPresent(t -> out.put(t.name(), new ConsumerGroup.TopicMeta(t.id(), t.partitionCount())));
            }
        }
        return out;
    }

    private static Set<String> subscribedTopics(ConsumerMember m, MetadataImage img) {
        Set<String> topics = new TreeSet<>(m.subscribedTopicNames);
        if (m.subscribedTopicRegex != null) {
            Pattern pattern = Pattern.compile(m.subscribedTopicRegex);
            for (String name : img.topicsByName().keySet()) {
                if (!TopicNames.isInternal(name) && pattern.matcher(name).matches()) {
                    topics.add(name);
                }
            }
        }
        return topics;
    }

    private void computeTargetAssignment(ConsumerGroup group, Map<String, ConsumerGroup.TopicMeta> metadata) {
        MetadataImage img = image.get();
        ServerAssignor assignor = selectAssignor(group);
        Map<UUID, ServerAssignor.TopicSpec> topics = new LinkedHashMap<>();
        metadata.forEach((name, meta) ->
                topics.put(meta.id(), new ServerAssignor.TopicSpec(meta.id(), name, meta.partitions())));
        List<ServerAssignor.MemberSpec> specs = new ArrayList<>();
        List<String> ids = new ArrayList<>(group.members.keySet());
        ids.sort(String::compareTo);
        for (String id : ids) {
            ConsumerMember m = group.members.get(id);
            Set<UUID> subscribed = new HashSet<>();
            for (String topic : subscribedTopics(m, img)) {
                ConsumerGroup.TopicMeta meta = metadata.get(topic);
                if (meta != null) {
                    subscribed.add(meta.id());
                }
            }
            specs.add(new ServerAssignor.MemberSpec(
                    id, m.rackId, subscribed, group.targetAssignment.getOrDefault(id, Assignment.EMPTY)));
        }
        Map<String, Map<UUID, Set<Integer>>> target = assignor.assign(specs, topics);
        group.targetAssignment.clear();
        group.targetAssignment.putAll(target);
        group.assignmentEpoch = group.groupEpoch;
        LOG.info(
                "Computed target assignment of consumer group {} for epoch {} with the {} assignor ({} members)",
                group.groupId(),
                group.assignmentEpoch,
                assignor.name(),
                specs.size());
    }

    /** The assignor most members ask for, else the default (the first of group.consumer.assignors). */
    private ServerAssignor selectAssignor(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerMember m : group.members.values()) {
            if (m.serverAssignor != null && assignors.containsKey(m.serverAssignor)) {
                votes.merge(m.serverAssignor, 1, Integer::sum);
            }
        }
        String best = null;
        for (String name : assignors.keySet()) {
            int v = votes.getOrDefault(name, 0);
            if (v > 0 && (best == null || v > votes.get(best))) {
                best = name;
            }
        }
        if (best == null) {
            best = assignors.keySet().iterator().next();
        }
        return assignors.get(best);
    }

    /** The name of the assignor the group uses now (for ConsumerGroupDescribe). */
    String assignorName(ConsumerGroup group) {
        return selectAssignor(group).name();
    }

    // ------------------------------------------------------------------ reconciliation

    /**
     * Moves a member one step towards its target assignment. {@code owned} is what the member
     * reported owning (null when it did not say: assumed unchanged).
     */
    static void reconcile(ConsumerGroup group, ConsumerMember m, Map<UUID, Set<Integer>> owned) {
        int targetEpoch = group.assignmentEpoch;
        Map<UUID, Set<Integer>> target = group.targetAssignment.getOrDefault(m.memberId, Assignment.EMPTY);
        switch (m.state) {
            case STABLE -> {
                if (m.memberEpoch != targetEpoch) {
                    computeNextAssignment(group, m, m.memberEpoch, target, targetEpoch);
                }
            }
            case UNREVOKED_PARTITIONS -> {
                if (owned == null || Assignment.overlaps(owned, m.pendingRevocation)) {
                    return;
                }
                // Revocation done: release the partitions, then go on at the next epoch.
                group.releasePartitions(m.pendingRevocation);
                m.pendingRevocation = Assignment.EMPTY;
                computeNextAssignment(group, m, Math.min(m.memberEpoch + 1, targetEpoch), target, targetEpoch);
            }
            case UNRELEASED_PARTITIONS -> computeNextAssignment(group, m, m.memberEpoch, target, targetEpoch);
        }
    }

    private static void computeNextAssignment(
            ConsumerGroup group, ConsumerMember m, int memberEpoch, Map<UUID, Set<Integer>> target, int targetEpoch) {
        Map<UUID, Set<Integer>> kept = Assignment.intersect(m.assigned, target);
        Map<UUID, Set<Integer>> toRevoke = Assignment.minus(m.assigned, target);
        Map<UUID, Set<Integer>> toAssign = new HashMap<>();
        boolean unreleased = false;
        for (Map.Entry<UUID, Set<Integer>> e :
                Assignment.minus(target, m.assigned).entrySet()) {
            for (int p : e.getValue()) {
                if (group.partitionEpoch(e.getKey(), p) != -1) {
                    unreleased = true;
                } else {
                    toAssign.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(p);
                }
            }
        }
        int previousEpoch = m.memberEpoch;
        group.releasePartitions(m.owned());
        if (!toRevoke.isEmpty()) {
            m.state = ConsumerMember.MemberState.UNREVOKED_PARTITIONS;
            m.assigned = kept;
            m.pendingRevocation = Assignment.union(m.pendingRevocation, toRevoke);
            setEpoch(m, memberEpoch, previousEpoch);
        } else if (!toAssign.isEmpty()) {
            m.state = unreleased ? ConsumerMember.MemberState.UNRELEASED_PARTITIONS : ConsumerMember.MemberState.STABLE;
            m.assigned = Assignment.union(kept, Assignment.copyOf(toAssign));
            setEpoch(m, targetEpoch, previousEpoch);
        } else {
            m.state = unreleased ? ConsumerMember.MemberState.UNRELEASED_PARTITIONS : ConsumerMember.MemberState.STABLE;
            m.assigned = kept;
            setEpoch(m, targetEpoch, previousEpoch);
        }
        group.ownPartitions(m.owned(), m.memberEpoch);
    }

    private static void setEpoch(ConsumerMember m, int epoch, int previousEpoch) {
        if (epoch != previousEpoch) {
            m.previousMemberEpoch = previousEpoch;
        }
        m.memberEpoch = epoch;
    }

    private static Map<UUID, Set<Integer>> owned(ConsumerGroupHeartbeatRequestData r) {
        if (r.topicPartitions() == null) {
            return null;
        }
        Map<UUID, Set<Integer>> out = new HashMap<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : r.topicPartitions()) {
            out.computeIfAbsent(tp.topicId(), k -> new TreeSet<>()).addAll(tp.partitions());
        }
        return Assignment.copyOf(out);
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment assignmentOf(Map<UUID, Set<Integer>> assigned) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> out = new ArrayList<>();
        assigned.forEach((topic, partitions) -> out.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(topic)
                .setPartitions(new ArrayList<>(partitions))));
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(out);
    }

    static ConsumerGroupHeartbeatResponseData error(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(error.code())
                .setErrorMessage(message)
                .setMemberEpoch(-1)
                .setHeartbeatIntervalMs(0);
    }

    /** The topic name of an id in the current image, or null. */
    String topicName(UUID id) {
        TopicImage t = image.get().topicsById().get(id);
        return t == null ? null : t.name();
    }
}

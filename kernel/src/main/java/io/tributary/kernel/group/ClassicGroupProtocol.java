package io.tributary.kernel.group;

import io.tributary.protocol.Errors;
import io.tributary.protocol.message.JoinGroupResponseData;
import io.tributary.protocol.message.SyncGroupResponseData;
import io.tributary.spi.plugin.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) with Kafka's
 * semantics: the MEMBER_ID_REQUIRED handshake (JoinGroup v4+), protocol selection by votes, the
 * first member to join leads, a rebalance waits for every member up to the rebalance timeout,
 * an empty group waits {@code group.initial.rebalance.delay.ms} (extended while members keep
 * arriving), SyncGroup waits for the leader's assignment to be stored, members expire after
 * their session timeout, and members that do not sync within the rebalance timeout are removed.
 * Static members ({@code group.instance.id}) that restart take their place back without a
 * rebalance; the instance they replace is fenced.
 *
 * <p>The coordinator is agnostic of assignors: the leader computes the assignment, so eager
 * (range, round-robin, sticky) and cooperative (cooperative-sticky) assignors all work, and a
 * rebalance never stops members from fetching or committing with the current generation.
 *
 * <p>Not thread-safe: runs on the request handler thread, like all group state.
 */
final class ClassicGroupProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupProtocol.class);

    /** A JoinGroup request, version-independent. */
    record JoinRequest(
            String groupId,
            String memberId,
            String groupInstanceId,
            int sessionTimeoutMs,
            int rebalanceTimeoutMs,
            String protocolType,
            List<ClassicMember.Protocol> protocols,
            String clientId,
            String clientHost,
            short version) {}

    /** A SyncGroup request, version-independent. */
    record SyncRequest(
            String memberId,
            String groupInstanceId,
            int generationId,
            String protocolType,
            String protocolName,
            Map<String, byte[]> assignments) {}

    /** One member of a LeaveGroup request. */
    record LeavingMember(String memberId, String groupInstanceId) {}

    private final GroupConfig config;
    private final Scheduler scheduler;
    private final Time time;
    private final GroupLog log;

    ClassicGroupProtocol(GroupConfig config, Scheduler scheduler, Time time, GroupLog log) {
        this.config = config;
        this.scheduler = scheduler;
        this.time = time;
        this.log = log;
    }

    // ------------------------------------------------------------------ JoinGroup

    /** Handles a JoinGroup for an existing (possibly just created) group. */
    void join(ClassicGroup group, JoinRequest r, Consumer<JoinGroupResponseData> done) {
        if (group.is(ClassicGroup.State.DEAD)) {
            done.accept(joinError(r.memberId(), Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(r.protocolType(), r.protocols())) {
            done.accept(joinError(r.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (r.memberId().isEmpty()) {
            joinUnknownMember(group, r, done);
        } else {
            joinKnownMember(group, r, done);
        }
    }

    private void joinUnknownMember(ClassicGroup group, JoinRequest r, Consumer<JoinGroupResponseData> done) {
        String existingStatic = group.staticMemberId(r.groupInstanceId());
        if (existingStatic == null && group.size() >= config.maxSize()) {
            done.accept(joinError(r.memberId(), Errors.GROUP_MAX_SIZE_REACHED));
            return;
        }
        String prefix = r.groupInstanceId() != null ? r.groupInstanceId() : r.clientId();
        String newMemberId = prefix + "-" + UUID.randomUUID();
        if (r.groupInstanceId() != null) {
            if (existingStatic != null) {
                updateStaticMember(group, existingStatic, newMemberId, r, done);
            } else {
                addMemberAndRebalance(group, newMemberId, r, done);
            }
        } else if (r.version() >= 4) {
            // KIP-394: hand out the id first, so a client that never comes back leaves no member.
            group.pendingMembers.put(
                    newMemberId,
                    scheduler.schedule(r.sessionTimeoutMs(), () -> expirePendingMember(group, newMemberId)));
            done.accept(joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(group, newMemberId, r, done);
        }
    }

    private void joinKnownMember(ClassicGroup group, JoinRequest r, Consumer<JoinGroupResponseData> done) {
        String memberId = r.memberId();
        if (group.isPendingMember(memberId)) {
            group.pendingMembers.remove(memberId).cancel();
            addMemberAndRebalance(group, memberId, r, done);
            return;
        }
        Errors invalid = group.validateMember(memberId, r.groupInstanceId());
        if (invalid != Errors.NONE) {
            done.accept(joinError(memberId, invalid));
            return;
        }
        ClassicMember member = group.member(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, r, done);
            case COMPLETING_REBALANCE -> {
                if (member.matches(r.protocols())) {
                    // A retry of a join that already completed: answer it again.
                    member.joinVersion = r.version();
                    done.accept(joinResult(group, member));
                } else {
                    updateMemberAndRebalance(group, member, r, done);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(r.protocols())) {
                    // The leader rejoins to make the group rebalance (its metadata changed), or protocols changed.
                    updateMemberAndRebalance(group, member, r, done);
                } else {
                    member.joinVersion = r.version();
                    done.accept(joinResult(group, member));
                }
            }
            case EMPTY, DEAD -> done.accept(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(
            ClassicGroup group, String memberId, JoinRequest r, Consumer<JoinGroupResponseData> done) {
        ClassicMember member = new ClassicMember(
                memberId,
                r.groupInstanceId(),
                r.clientId(),
                r.clientHost(),
                r.rebalanceTimeoutMs(),
                r.sessionTimeoutMs(),
                r.protocolType(),
                r.protocols());
        member.isNew = true;
        member.joinVersion = r.version();
        member.awaitingJoin = done;
        group.add(member);
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE) && group.initialDelay) {
            group.newMemberAdded = true;
        }
        scheduleHeartbeatExpiry(group, member);
        maybePrepareRebalance(group, "adding member " + memberId);
    }

    private void updateMemberAndRebalance(
            ClassicGroup group, ClassicMember member, JoinRequest r, Consumer<JoinGroupResponseData> done) {
        updateMember(member, r, done);
        maybePrepareRebalance(group, "member " + member.memberId + " rejoined");
    }

    private static void updateMember(ClassicMember member, JoinRequest r, Consumer<JoinGroupResponseData> done) {
        if (member.awaitingJoin != null && member.awaitingJoin != done) {
            // A second JoinGroup while one is parked (a client that reconnected): the newer one waits.
            member.awaitingJoin.accept(joinError(member.memberId, Errors.REBALANCE_IN_PROGRESS));
        }
        member.protocols = List.copyOf(r.protocols());
        member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        member.sessionTimeoutMs = r.sessionTimeoutMs();
        member.clientId = r.clientId();
        member.clientHost = r.clientHost();
        member.joinVersion = r.version();
        member.awaitingJoin = done;
    }

    /**
     * A restarted static member (same group.instance.id, no member id) takes the old member's
     * place. In a Stable group with an unchanged protocol choice it gets the current generation
     * and assignment back without a rebalance.
     */
    private void updateStaticMember(
            ClassicGroup group,
            String oldMemberId,
            String newMemberId,
            JoinRequest r,
            Consumer<JoinGroupResponseData> done) {
        ClassicMember member = group.member(oldMemberId);
        List<ClassicMember.Protocol> oldProtocols = member.protocols;
        int oldRebalanceTimeout = member.rebalanceTimeoutMs;
        int oldSessionTimeout = member.sessionTimeoutMs;
        fence(member);
        group.replaceMemberId(oldMemberId, newMemberId);
        updateMember(member, r, done);
        member.isNew = false;
        scheduleHeartbeatExpiry(group, member);
        switch (group.state) {
            case STABLE -> {
                String selected = group.protocolName;
                if (selected == null || !selected.equals(group.selectProtocol())) {
                    prepareRebalance(group, "static member " + r.groupInstanceId() + " changed protocols");
                    return;
                }
                member.awaitingJoin = null;
                int generation = group.generationId;
                log.append(
                        group.partition(),
                        List.of(GroupRecords.classicGroup(group.groupId(), group.toValue(null))),
                        error -> {
                            Errors mapped = GroupLog.groupError(error);
                            if (mapped != Errors.NONE) {
                                if (group.member(newMemberId) == member && group.generationId == generation) {
                                    group.replaceMemberId(newMemberId, oldMemberId);
                                    member.protocols = oldProtocols;
                                    member.rebalanceTimeoutMs = oldRebalanceTimeout;
                                    member.sessionTimeoutMs = oldSessionTimeout;
                                }
                                done.accept(joinError("", mapped));
                                return;
                            }
                            boolean leader = group.isLeader(newMemberId);
                            boolean skip = leader && r.version() >= 9;
                            done.accept(new JoinGroupResponseData()
                                    .setErrorCode(Errors.NONE.code())
                                    .setGenerationId(group.generationId)
                                    .setProtocolType(group.protocolType)
                                    .setProtocolName(group.protocolName)
                                    .setLeader(group.leaderId)
                                    .setSkipAssignment(skip)
                                    .setMemberId(newMemberId)
                                    .setMembers(skip ? group.currentMemberMetadata() : new ArrayList<>()));
                        });
            }
            case COMPLETING_REBALANCE -> prepareRebalance(group, "static member " + r.groupInstanceId() + " rejoined");
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            case EMPTY, DEAD -> maybePrepareRebalance(group, "static member " + r.groupInstanceId() + " rejoined");
        }
    }

    /** Answers the parked requests of a member replaced by a newer instance of the same static member. */
    private static void fence(ClassicMember member) {
        if (member.awaitingJoin != null) {
            Consumer<JoinGroupResponseData> join = member.awaitingJoin;
            member.awaitingJoin = null;
            join.accept(joinError(member.memberId, Errors.FENCED_INSTANCE_ID));
        }
        if (member.awaitingSync != null) {
            Consumer<SyncGroupResponseData> sync = member.awaitingSync;
            member.awaitingSync = null;
            sync.accept(syncError(Errors.FENCED_INSTANCE_ID));
        }
    }

    private void maybePrepareRebalance(ClassicGroup group, String reason) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE, EMPTY -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            case DEAD -> {}
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        cancel(group.syncTimer);
        group.syncTimer = null;
        group.pendingSyncMembers.clear();
        boolean wasEmpty = group.is(ClassicGroup.State.EMPTY);
        group.transitionTo(ClassicGroup.State.PREPARING_REBALANCE, time.milliseconds());
        LOG.info(
                "Preparing to rebalance group {} in state PreparingRebalance with old generation {} ({})",
                group.groupId(),
                group.generationId,
                reason);
        cancel(group.joinTimer);
        if (wasEmpty) {
            int rebalanceTimeout = group.rebalanceTimeoutMs();
            int delay = Math.min(config.initialRebalanceDelayMs(), rebalanceTimeout);
            int remaining = Math.max(rebalanceTimeout - config.initialRebalanceDelayMs(), 0);
            group.initialDelay = true;
            group.newMemberAdded = false;
            scheduleInitialJoin(group, delay, remaining);
        } else {
            group.initialDelay = false;
            group.joinTimer = scheduler.schedule(group.rebalanceTimeoutMs(), () -> completeJoin(group));
            maybeCompleteJoin(group);
        }
    }

    private void scheduleInitialJoin(ClassicGroup group, int delayMs, int remainingMs) {
        group.joinTimer = scheduler.schedule(delayMs, () -> {
            if (group.newMemberAdded && remainingMs != 0) {
                // Members keep arriving: wait once more, within the rebalance timeout.
                group.newMemberAdded = false;
                int delay = Math.min(config.initialRebalanceDelayMs(), remainingMs);
                int remaining = Math.max(remainingMs - delayMs, 0);
                scheduleInitialJoin(group, delay, remaining);
            } else {
                completeJoin(group);
            }
        });
    }

    private void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE) && !group.initialDelay && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /** The join phase ends: every member rejoined, or the rebalance timeout passed. */
    private void completeJoin(ClassicGroup group) {
        if (!group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            return;
        }
        cancel(group.joinTimer);
        group.joinTimer = null;
        group.initialDelay = false;
        // Dynamic members that did not rejoin in time are gone; static ones keep their place.
        for (ClassicMember m : List.copyOf(group.members.values())) {
            if (!m.isAwaitingJoin() && !m.isStatic()) {
                m.cancelHeartbeatTimer();
                group.remove(m.memberId);
                LOG.info("Member {} left group {}: it did not rejoin in time", m.memberId, group.groupId());
            }
        }
        if (!group.maybeElectNewJoinedLeader() && !group.members.isEmpty()) {
            // Only static members that have not come back remain: give them another rebalance timeout.
            group.joinTimer = scheduler.schedule(group.rebalanceTimeoutMs(), () -> completeJoin(group));
            return;
        }
        group.initNextGeneration(time.milliseconds());
        if (group.is(ClassicGroup.State.EMPTY)) {
            LOG.info("Group {} with generation {} is now empty", group.groupId(), group.generationId);
            storeQuietly(group);
            return;
        }
        LOG.info(
                "Stabilized group {} generation {} with {} members (protocol {})",
                group.groupId(),
                group.generationId,
                group.members.size(),
                group.protocolName);
        for (ClassicMember m : List.copyOf(group.members.values())) {
            if (m.awaitingJoin != null) {
                Consumer<JoinGroupResponseData> join = m.awaitingJoin;
                m.awaitingJoin = null;
                join.accept(joinResult(group, m));
            }
            m.isNew = false;
            scheduleHeartbeatExpiry(group, m);
            group.pendingSyncMembers.add(m.memberId);
        }
        schedulePendingSync(group);
    }

    private JoinGroupResponseData joinResult(ClassicGroup group, ClassicMember member) {
        boolean leader = group.isLeader(member.memberId);
        return new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generationId)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setSkipAssignment(false)
                .setMemberId(member.memberId)
                .setMembers(leader ? group.currentMemberMetadata() : new ArrayList<>());
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData()
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setProtocolName(null)
                .setLeader("")
                .setMemberId(memberId == null ? "" : memberId);
    }

    private void schedulePendingSync(ClassicGroup group) {
        cancel(group.syncTimer);
        int generation = group.generationId;
        group.syncTimer = scheduler.schedule(group.rebalanceTimeoutMs(), () -> expirePendingSync(group, generation));
    }

    private void expirePendingSync(ClassicGroup group, int generation) {
        group.syncTimer = null;
        if (generation != group.generationId || group.pendingSyncMembers.isEmpty()) {
            return;
        }
        if (!group.is(ClassicGroup.State.COMPLETING_REBALANCE) && !group.is(ClassicGroup.State.STABLE)) {
            return;
        }
        for (String memberId : List.copyOf(group.pendingSyncMembers)) {
            ClassicMember m = group.member(memberId);
            if (m != null) {
                LOG.info("Member {} left group {}: it did not send SyncGroup in time", memberId, group.groupId());
                answerRemoved(m);
                m.cancelHeartbeatTimer();
                group.remove(memberId);
            }
        }
        group.pendingSyncMembers.clear();
        prepareRebalance(group, "members did not sync in time");
    }

    // ------------------------------------------------------------------ SyncGroup

    void sync(ClassicGroup group, SyncRequest r, Consumer<SyncGroupResponseData> done) {
        if (group.is(ClassicGroup.State.DEAD)) {
            done.accept(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        Errors invalid = group.validateMember(r.memberId(), r.groupInstanceId());
        if (invalid != Errors.NONE) {
            done.accept(syncError(invalid));
            return;
        }
        if (r.generationId() != group.generationId) {
            done.accept(syncError(Errors.ILLEGAL_GENERATION));
            return;
        }
        if ((r.protocolType() != null && !r.protocolType().equals(group.protocolType))
                || (r.protocolName() != null && !r.protocolName().equals(group.protocolName))) {
            done.accept(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        ClassicMember member = group.member(r.memberId());
        switch (group.state) {
            case EMPTY, DEAD -> done.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
            case PREPARING_REBALANCE -> done.accept(syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                if (member.awaitingSync != null) {
                    member.awaitingSync.accept(syncError(Errors.REBALANCE_IN_PROGRESS));
                }
                member.awaitingSync = done;
                removePendingSync(group, member.memberId);
                if (group.isLeader(member.memberId)) {
                    storeAssignment(group, r.assignments());
                }
            }
            case STABLE -> {
                removePendingSync(group, member.memberId);
                scheduleHeartbeatExpiry(group, member);
                done.accept(syncResult(group, member.assignment));
            }
        }
    }

    private void removePendingSync(ClassicGroup group, String memberId) {
        group.pendingSyncMembers.remove(memberId);
        if (group.pendingSyncMembers.isEmpty()) {
            cancel(group.syncTimer);
            group.syncTimer = null;
        }
    }

    /** Stores the leader's assignment, then hands each member its part and makes the group Stable. */
    private void storeAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        Map<String, byte[]> complete = new HashMap<>();
        for (String memberId : group.members.keySet()) {
            complete.put(memberId, assignments.getOrDefault(memberId, new byte[0]));
        }
        int generation = group.generationId;
        log.append(
                group.partition(),
                List.of(GroupRecords.classicGroup(group.groupId(), group.toValue(complete))),
                error -> {
                    if (!group.is(ClassicGroup.State.COMPLETING_REBALANCE) || group.generationId != generation) {
                        return;
                    }
                    Errors mapped = GroupLog.groupError(error);
                    if (mapped == Errors.NONE) {
                        for (ClassicMember m : group.members.values()) {
                            m.assignment = complete.getOrDefault(m.memberId, new byte[0]);
                        }
                        group.transitionTo(ClassicGroup.State.STABLE, time.milliseconds());
                        for (ClassicMember m : List.copyOf(group.members.values())) {
                            if (m.awaitingSync != null) {
                                Consumer<SyncGroupResponseData> sync = m.awaitingSync;
                                m.awaitingSync = null;
                                sync.accept(syncResult(group, m.assignment));
                            }
                            scheduleHeartbeatExpiry(group, m);
                        }
                    } else {
                        LOG.warn("Storing the assignment of group {} failed: {}", group.groupId(), error);
                        resetAndPropagateAssignmentError(group, mapped);
                        maybePrepareRebalance(group, "storing the assignment failed");
                    }
                });
    }

    private static void resetAndPropagateAssignmentError(ClassicGroup group, Errors error) {
        for (ClassicMember m : List.copyOf(group.members.values())) {
            m.assignment = new byte[0];
            if (m.awaitingSync != null) {
                Consumer<SyncGroupResponseData> sync = m.awaitingSync;
                m.awaitingSync = null;
                sync.accept(syncError(error));
            }
        }
    }

    private static SyncGroupResponseData syncResult(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setAssignment(assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    // ------------------------------------------------------------------ Heartbeat

    Errors heartbeat(ClassicGroup group, String memberId, String groupInstanceId, int generationId) {
        if (group.is(ClassicGroup.State.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors invalid = group.validateMember(memberId, groupInstanceId);
        if (invalid != Errors.NONE) {
            return invalid;
        }
        if (generationId != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        ClassicMember member = group.member(memberId);
        return switch (group.state) {
            case EMPTY, DEAD -> Errors.UNKNOWN_MEMBER_ID;
            case COMPLETING_REBALANCE, STABLE -> {
                scheduleHeartbeatExpiry(group, member);
                yield Errors.NONE;
            }
            case PREPARING_REBALANCE -> {
                scheduleHeartbeatExpiry(group, member);
                yield Errors.REBALANCE_IN_PROGRESS;
            }
        };
    }

    /** Restarts a member's session: it expires after its session timeout without a heartbeat. */
    void scheduleHeartbeatExpiry(ClassicGroup group, ClassicMember member) {
        member.lastHeartbeatMs = time.milliseconds();
        member.cancelHeartbeatTimer();
        long timeout = member.isNew ? GroupConfig.NEW_MEMBER_JOIN_TIMEOUT_MS : member.sessionTimeoutMs;
        member.heartbeatTimer = scheduler.schedule(timeout, () -> expireHeartbeat(group, member));
    }

    private void expireHeartbeat(ClassicGroup group, ClassicMember member) {
        member.heartbeatTimer = null;
        if (group.member(member.memberId) != member) {
            return;
        }
        // A member waiting in a join or sync is bounded by the rebalance, not by its session.
        if ((member.isAwaitingJoin() && !member.isNew) || member.isAwaitingSync()) {
            scheduleHeartbeatExpiry(group, member);
            return;
        }
        LOG.info(
                "Member {} in group {} has failed, removing it from the group (session timeout {} ms)",
                member.memberId,
                group.groupId(),
                member.isNew ? GroupConfig.NEW_MEMBER_JOIN_TIMEOUT_MS : member.sessionTimeoutMs);
        removeMemberAndUpdateGroup(group, member);
    }

    private void expirePendingMember(ClassicGroup group, String memberId) {
        if (group.pendingMembers.remove(memberId) != null) {
            maybeCompleteJoin(group);
        }
    }

    // ------------------------------------------------------------------ LeaveGroup

    /** Removes each leaving member; one error per member, in request order. */
    List<Errors> leave(ClassicGroup group, List<LeavingMember> leaving) {
        List<Errors> out = new ArrayList<>();
        for (LeavingMember l : leaving) {
            String memberId = l.memberId();
            if (memberId.isEmpty()) {
                memberId = group.staticMemberId(l.groupInstanceId());
                if (memberId == null) {
                    out.add(Errors.UNKNOWN_MEMBER_ID);
                    continue;
                }
            } else if (group.isPendingMember(memberId)) {
                group.pendingMembers.remove(memberId).cancel();
                maybeCompleteJoin(group);
                out.add(Errors.NONE);
                continue;
            }
            Errors invalid = group.validateMember(memberId, l.groupInstanceId());
            if (invalid != Errors.NONE) {
                out.add(invalid);
                continue;
            }
            ClassicMember member = group.member(memberId);
            LOG.info("Member {} left group {} (LeaveGroup)", memberId, group.groupId());
            removeMemberAndUpdateGroup(group, member);
            out.add(Errors.NONE);
        }
        return out;
    }

    private void removeMemberAndUpdateGroup(ClassicGroup group, ClassicMember member) {
        answerRemoved(member);
        member.cancelHeartbeatTimer();
        group.remove(member.memberId);
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "removing member " + member.memberId);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            case EMPTY, DEAD -> {}
        }
    }

    private static void answerRemoved(ClassicMember member) {
        if (member.awaitingJoin != null) {
            Consumer<JoinGroupResponseData> join = member.awaitingJoin;
            member.awaitingJoin = null;
            join.accept(joinError(member.memberId, Errors.UNKNOWN_MEMBER_ID));
        }
        if (member.awaitingSync != null) {
            Consumer<SyncGroupResponseData> sync = member.awaitingSync;
            member.awaitingSync = null;
            sync.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Arms session timers for the members of a group just loaded from the log. */
    void activate(ClassicGroup group) {
        for (ClassicMember m : group.members.values()) {
            scheduleHeartbeatExpiry(group, m);
        }
    }

    /** Drops a group whose partition moved away: timers stop, parked requests learn NOT_COORDINATOR. */
    void unload(ClassicGroup group) {
        cancel(group.joinTimer);
        cancel(group.syncTimer);
        group.pendingMembers.values().forEach(Scheduler.Task::cancel);
        for (ClassicMember m : group.members.values()) {
            m.cancelHeartbeatTimer();
            if (m.awaitingJoin != null) {
                Consumer<JoinGroupResponseData> join = m.awaitingJoin;
                m.awaitingJoin = null;
                join.accept(joinError(m.memberId, Errors.NOT_COORDINATOR));
            }
            if (m.awaitingSync != null) {
                Consumer<SyncGroupResponseData> sync = m.awaitingSync;
                m.awaitingSync = null;
                sync.accept(syncError(Errors.NOT_COORDINATOR));
            }
        }
    }

    /** Writes the group's current state without waiting (a group that became Empty). */
    private void storeQuietly(ClassicGroup group) {
        log.append(
                group.partition(), List.of(GroupRecords.classicGroup(group.groupId(), group.toValue(null))), error -> {
                    if (error != Errors.NONE) {
                        LOG.warn("Storing group {} failed: {}", group.groupId(), error);
                    }
                });
    }

    private static void cancel(Scheduler.Task task) {
        if (task != null) {
            task.cancel();
        }
    }
}

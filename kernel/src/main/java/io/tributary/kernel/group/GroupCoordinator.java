package io.tributary.kernel.group;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.coordinator.InternalTopic;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.protocol.message.ConsumerGroupDescribeResponseData;
import io.tributary.protocol.message.ConsumerGroupHeartbeatRequestData;
import io.tributary.protocol.message.ConsumerGroupHeartbeatResponseData;
import io.tributary.protocol.message.DeleteGroupsResponseData;
import io.tributary.protocol.message.DescribeGroupsResponseData;
import io.tributary.protocol.message.JoinGroupRequestData;
import io.tributary.protocol.message.JoinGroupResponseData;
import io.tributary.protocol.message.ListGroupsResponseData;
import io.tributary.protocol.message.OffsetCommitRequestData;
import io.tributary.protocol.message.OffsetCommitResponseData;
import io.tributary.protocol.message.OffsetDeleteRequestData;
import io.tributary.protocol.message.OffsetDeleteResponseData;
import io.tributary.protocol.message.OffsetFetchRequestData;
import io.tributary.protocol.message.OffsetFetchResponseData;
import io.tributary.protocol.message.SyncGroupRequestData;
import io.tributary.protocol.message.SyncGroupResponseData;
import io.tributary.protocol.message.TxnOffsetCommitRequestData;
import io.tributary.protocol.message.TxnOffsetCommitResponseData;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.plugin.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator: owns the groups of the {@code __consumer_offsets} partitions this broker
 * leads (one shard per partition), routes each group API to them, and keeps them in step with
 * the log: a shard is rebuilt by replaying its partition when this broker gains its leadership
 * ({@link #beginLoad}, {@link #replay}, {@link #completeLoad}) and dropped when it loses it
 * ({@link #unload}). A group's partition is {@code abs(groupId.hashCode()) % partitions}.
 *
 * <p>Requests for a group whose partition is not led here get NOT_COORDINATOR; while its
 * partition loads, COORDINATOR_LOAD_IN_PROGRESS. Group ids must be non-empty and at most {@link
 * #MAX_GROUP_ID_LENGTH} characters (INVALID_GROUP_ID otherwise).
 *
 * <p>Not thread-safe: every method runs on the request handler thread, which owns all group
 * state; callbacks are invoked there too.
 */
public final class GroupCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    /**
     * The longest group id accepted. Kafka sets no limit; Tributary refuses ids longer than this
     * (INVALID_GROUP_ID) so that a group id stays a reasonable record key and log line.
     */
    public static final int MAX_GROUP_ID_LENGTH = 255;

    /** READ, DELETE, DESCRIBE (Kafka's AclOperation codes 3, 6, 8): everything until an authorizer exists. */
    static final int ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

    /** Who sent a request: for member descriptions and generated member ids. */
    public record Client(String clientId, String clientHost, short version) {}

    /** The groups of one {@code __consumer_offsets} partition. */
    private static final class Shard {
        final int partition;
        boolean loading = true;
        final Map<String, Group> groups = new HashMap<>();
        /** The groups with offsets in each undecided transaction, by producer id, so a marker visits only those. */
        final Map<Long, Set<String>> txnGroups = new HashMap<>();

        Shard(int partition) {
            this.partition = partition;
        }
    }

    private record Target(Shard shard, Errors error) {}

    private final GroupConfig config;
    private final Supplier<MetadataImage> image;
    private final Time time;
    private final GroupLog log;
    private final Map<Integer, Shard> shards = new HashMap<>();
    private final ClassicGroupProtocol classic;
    private final ConsumerGroupProtocol consumer;
    private final OffsetManager offsets;

    public GroupCoordinator(
            GroupConfig config, Supplier<MetadataImage> image, Scheduler scheduler, Time time, GroupLog log) {
        this.config = config;
        this.image = image;
        this.time = time;
        this.log = log;
        this.classic = new ClassicGroupProtocol(config, scheduler, time, log);
        this.consumer = new ConsumerGroupProtocol(config, scheduler, time, log, image);
        this.offsets = new OffsetManager(config, time, log, image);
    }

    public GroupConfig config() {
        return config;
    }

    /** The internal topic that holds groups and offsets, as it is created on first use. */
    public InternalTopic offsetsTopic() {
        return new InternalTopic(
                TopicNames.CONSUMER_OFFSETS,
                config.offsetsTopicPartitions(),
                config.offsetsTopicReplicationFactor(),
                Map.of(
                        "cleanup.policy", "compact",
                        "segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes()),
                        "compression.type", "producer"));
    }

    // ------------------------------------------------------------------ shards

    /** This broker now leads {@code partition}: its groups are unavailable until {@link #completeLoad}. */
    public void beginLoad(int partition) {
        Shard previous = shards.put(partition, new Shard(partition));
        if (previous != null) {
            unloadShard(previous);
        }
    }

    /** True while {@code partition} is being loaded here. */
    public boolean isLoading(int partition) {
        Shard s = shards.get(partition);
        return s != null && s.loading;
    }

    /**
     * Applies one record of {@code partition} read back from the log, in log order.
     * Malformed records are logged and skipped.
     */
    public void replay(int partition, ByteBuf key, ByteBuf value) {
        Shard shard = shards.get(partition);
        if (shard == null || key == null) {
            return;
        }
        try {
            switch (GroupRecords.decodeKey(key)) {
                case GroupRecords.OffsetKey k -> {
                    TopicPartitionKey tp = new TopicPartitionKey(k.topic(), k.partition());
                    if (value == null) {
                        Group g = shard.groups.get(k.group());
                        if (g != null) {
                            g.offsets.remove(tp);
                        }
                    } else {
                        OffsetAndMetadata o = GroupRecords.decodeOffset(value);
                        shard.groups
                                .computeIfAbsent(k.group(), id -> new ClassicGroup(id, partition, o.commitTimestamp()))
                                .offsets
                                .put(tp, o);
                    }
                }
                case GroupRecords.GroupKey k -> {
                    Group existing = shard.groups.remove(k.group());
                    if (value != null) {
                        Group restored = switch (GroupRecords.decodeGroup(value)) {
                            case GroupRecords.ClassicGroupValue v ->
                                ClassicGroup.fromValue(k.group(), partition, v, time.milliseconds());
                            case GroupRecords.ConsumerGroupValue v ->
                                ConsumerGroup.fromValue(k.group(), partition, v, time.milliseconds());
                        };
                        if (existing != null) {
                            restored.takeOffsetsOf(existing);
                        }
                        shard.groups.put(k.group(), restored);
                    }
                }
                case GroupRecords.UnknownKey k -> LOG.debug("Skipping a record of unknown type {}", k.type());
            }
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Skipping a malformed record in {}-{}: {}", TopicNames.CONSUMER_OFFSETS, partition, e.getMessage());
        }
    }

    /**
     * Applies one offset record of a transactional batch of {@code producerId} read back from
     * {@code partition}: pending until the transaction's marker is replayed. Records of other
     * types are not written transactionally and are skipped.
     */
    public void replayTransactional(int partition, long producerId, ByteBuf key, ByteBuf value) {
        Shard shard = shards.get(partition);
        if (shard == null || key == null || value == null) {
            return;
        }
        try {
            if (GroupRecords.decodeKey(key) instanceof GroupRecords.OffsetKey k) {
                OffsetAndMetadata o = GroupRecords.decodeOffset(value);
                shard.groups
                        .computeIfAbsent(k.group(), id -> new ClassicGroup(id, partition, o.commitTimestamp()))
                        .addPendingTxnOffset(producerId, new TopicPartitionKey(k.topic(), k.partition()), o);
                shard.txnGroups
                        .computeIfAbsent(producerId, id -> new java.util.HashSet<>())
                        .add(k.group());
            }
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Skipping a malformed transactional record in {}-{}: {}",
                    TopicNames.CONSUMER_OFFSETS,
                    partition,
                    e.getMessage());
        }
    }

    /**
     * A transaction marker of {@code producerId} reached {@code partition} (written now, or read
     * back while loading): the transaction's offsets in that partition's groups become committed
     * offsets (COMMIT) or are dropped (ABORT).
     */
    public void completeTransaction(int partition, long producerId, boolean commit) {
        Shard shard = shards.get(partition);
        if (shard == null) {
            return;
        }
        Set<String> groupIds = shard.txnGroups.remove(producerId);
        if (groupIds == null) {
            return;
        }
        for (String groupId : groupIds) {
            Group g = shard.groups.get(groupId);
            if (g == null) {
                continue;
            }
            int applied = g.completeTransaction(producerId, commit);
            if (applied > 0 && !shard.loading) {
                LOG.debug(
                        "Committed {} transactional offsets of producer {} for group {}", applied, producerId, groupId);
            }
        }
    }

    /** The partition is loaded: its groups serve requests and their members' timers start. */
    public void completeLoad(int partition) {
        Shard shard = shards.get(partition);
        if (shard == null) {
            return;
        }
        shard.loading = false;
        for (Group g : shard.groups.values()) {
            switch (g) {
                case ClassicGroup c -> classic.activate(c);
                case ConsumerGroup c -> consumer.activate(c);
            }
        }
        LOG.info("Loaded {} groups of {}-{}", shard.groups.size(), TopicNames.CONSUMER_OFFSETS, partition);
    }

    /** This broker no longer leads {@code partition}: its groups are dropped from memory. */
    public void unload(int partition) {
        Shard shard = shards.remove(partition);
        if (shard != null) {
            unloadShard(shard);
            LOG.info("Unloaded the groups of {}-{}", TopicNames.CONSUMER_OFFSETS, partition);
        }
    }

    private void unloadShard(Shard shard) {
        for (Group g : shard.groups.values()) {
            switch (g) {
                case ClassicGroup c -> classic.unload(c);
                case ConsumerGroup c -> consumer.unload(c);
            }
        }
        shard.groups.clear();
    }

    private Target target(String groupId) {
        Optional<TopicImage> topic = image.get().topic(TopicNames.CONSUMER_OFFSETS);
        if (topic.isEmpty() || topic.get().partitionCount() == 0) {
            return new Target(null, Errors.NOT_COORDINATOR);
        }
        int partition = InternalTopic.partitionFor(groupId, topic.get().partitionCount());
        Shard shard = shards.get(partition);
        if (shard == null) {
            return new Target(null, Errors.NOT_COORDINATOR);
        }
        if (shard.loading) {
            return new Target(null, Errors.COORDINATOR_LOAD_IN_PROGRESS);
        }
        return new Target(shard, Errors.NONE);
    }

    static boolean isValidGroupId(String groupId) {
        return groupId != null && !groupId.isEmpty() && groupId.length() <= MAX_GROUP_ID_LENGTH;
    }

    /** The group, or null when it does not exist (or was deleted). */
    private static Group live(Shard shard, String groupId) {
        Group g = shard.groups.get(groupId);
        return g == null || g.isDead() ? null : g;
    }

    // ------------------------------------------------------------------ classic protocol

    public void joinGroup(JoinGroupRequestData r, Client client, Consumer<JoinGroupResponseData> done) {
        if (!isValidGroupId(r.groupId())) {
            done.accept(ClassicGroupProtocol.joinError(r.memberId(), Errors.INVALID_GROUP_ID));
            return;
        }
        if (r.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || r.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            done.accept(ClassicGroupProtocol.joinError(r.memberId(), Errors.INVALID_SESSION_TIMEOUT));
            return;
        }
        Target t = target(r.groupId());
        if (t.error() != Errors.NONE) {
            done.accept(ClassicGroupProtocol.joinError(r.memberId(), t.error()));
            return;
        }
        Group existing = t.shard().groups.get(r.groupId());
        ClassicGroup group;
        boolean created = false;
        if (existing == null) {
            if (!r.memberId().isEmpty()) {
                done.accept(ClassicGroupProtocol.joinError(r.memberId(), Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            group = new ClassicGroup(r.groupId(), t.shard().partition, time.milliseconds());
            t.shard().groups.put(r.groupId(), group);
            created = true;
        } else if (existing instanceof ConsumerGroup cg) {
            if (!cg.hasNoMembers()) {
                done.accept(ClassicGroupProtocol.joinError(r.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL));
                return;
            }
            // An empty consumer-protocol group turns into a classic group, keeping its offsets.
            group = new ClassicGroup(r.groupId(), t.shard().partition, time.milliseconds());
            group.takeOffsetsOf(cg);
            t.shard().groups.put(r.groupId(), group);
        } else {
            group = (ClassicGroup) existing;
        }
        int rebalanceTimeout =
                client.version() == 0 || r.rebalanceTimeoutMs() < 0 ? r.sessionTimeoutMs() : r.rebalanceTimeoutMs();
        List<ClassicMember.Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestData.JoinGroupRequestProtocol p : r.protocols()) {
            protocols.add(new ClassicMember.Protocol(p.name(), p.metadata()));
        }
        classic.join(
                group,
                new ClassicGroupProtocol.JoinRequest(
                        r.groupId(),
                        r.memberId(),
                        r.groupInstanceId(),
                        r.sessionTimeoutMs(),
                        rebalanceTimeout,
                        r.protocolType(),
                        protocols,
                        client.clientId(),
                        client.clientHost(),
                        client.version()),
                done);
        if (created && group.members.isEmpty() && group.pendingMembers.isEmpty() && group.offsets.isEmpty()) {
            t.shard().groups.remove(r.groupId(), group);
        }
    }

    public void syncGroup(SyncGroupRequestData r, Consumer<SyncGroupResponseData> done) {
        if (!isValidGroupId(r.groupId())) {
            done.accept(ClassicGroupProtocol.syncError(Errors.INVALID_GROUP_ID));
            return;
        }
        Target t = target(r.groupId());
        if (t.error() != Errors.NONE) {
            done.accept(ClassicGroupProtocol.syncError(t.error()));
            return;
        }
        if (!(live(t.shard(), r.groupId()) instanceof ClassicGroup group)) {
            done.accept(ClassicGroupProtocol.syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestData.SyncGroupRequestAssignment a : r.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        classic.sync(
                group,
                new ClassicGroupProtocol.SyncRequest(
                        r.memberId(),
                        r.groupInstanceId(),
                        r.generationId(),
                        r.protocolType(),
                        r.protocolName(),
                        assignments),
                done);
    }

    public Errors heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        if (!isValidGroupId(groupId)) {
            return Errors.INVALID_GROUP_ID;
        }
        Target t = target(groupId);
        if (t.error() != Errors.NONE) {
            return t.error();
        }
        if (!(live(t.shard(), groupId) instanceof ClassicGroup group)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return classic.heartbeat(group, memberId, groupInstanceId, generationId);
    }

    /** A LeaveGroup answer: a group-level error, else one error per leaving member. */
    public record LeaveResult(Errors error, List<Errors> members) {}

    public LeaveResult leaveGroup(String groupId, List<ClassicGroupProtocol.LeavingMember> leaving) {
        if (!isValidGroupId(groupId)) {
            return new LeaveResult(Errors.INVALID_GROUP_ID, List.of());
        }
        Target t = target(groupId);
        if (t.error() != Errors.NONE) {
            return new LeaveResult(t.error(), List.of());
        }
        Group g = t.shard().groups.get(groupId);
        if (g instanceof ClassicGroup group && group.isDead()) {
            return new LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, List.of());
        }
        if (!(g instanceof ClassicGroup group)) {
            return new LeaveResult(
                    Errors.NONE,
                    leaving.stream().map(l -> Errors.UNKNOWN_MEMBER_ID).toList());
        }
        return new LeaveResult(Errors.NONE, classic.leave(group, leaving));
    }

    // ------------------------------------------------------------------ offsets

    /**
     * OffsetCommit: checks the group, generation (or member epoch) and member, then writes.
     * Every partition gets the group-level error when that check fails.
     */
    public void commitOffsets(OffsetCommitRequestData r, short version, Consumer<OffsetCommitResponseData> done) {
        Errors error;
        if (!isValidGroupId(r.groupId())) {
            error = Errors.INVALID_GROUP_ID;
        } else {
            Target t = target(r.groupId());
            error = t.error();
            if (error == Errors.NONE) {
                Shard shard = t.shard();
                Group group = shard.groups.get(r.groupId());
                if (group == null) {
                    if (r.generationIdOrMemberEpoch() < 0) {
                        // A simple group: offsets committed without group management (Admin, assign()).
                        group = new ClassicGroup(r.groupId(), shard.partition, time.milliseconds());
                        shard.groups.put(r.groupId(), group);
                    } else {
                        error = version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
                    }
                }
                if (group != null) {
                    error = switch (group) {
                        case ClassicGroup c -> validateClassicCommit(c, r);
                        case ConsumerGroup c -> validateConsumerCommit(c, r, version);
                    };
                }
                if (error == Errors.NONE) {
                    offsets.commit(group, r, version, () -> live(shard, r.groupId()), done);
                    return;
                }
            }
        }
        OffsetCommitResponseData response = new OffsetCommitResponseData().setThrottleTimeMs(0);
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : r.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic()
                            .setName(version >= 10 ? "" : topic.name())
                            .setTopicId(version >= 10 ? topic.topicId() : new UUID(0, 0));
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                rt.partitions()
                        .add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(error.code()));
            }
            response.topics().add(rt);
        }
        done.accept(response);
    }

    /**
     * TxnOffsetCommit, once the transaction coordinator has verified (or, for Transactions V2,
     * added) the group's partition in the producer's transaction: checks the group and the
     * member when the request names one (v3+), then writes the offsets as a transactional batch.
     * A missing group is created as a simple group when no generation is given, as Kafka does.
     */
    public void commitTransactionalOffsets(
            TxnOffsetCommitRequestData r, short version, Consumer<TxnOffsetCommitResponseData> done) {
        Errors error;
        if (!isValidGroupId(r.groupId())) {
            error = Errors.INVALID_GROUP_ID;
        } else {
            Target t = target(r.groupId());
            error = t.error();
            if (error == Errors.NONE) {
                Shard shard = t.shard();
                Group group = live(shard, r.groupId());
                if (group == null) {
                    if (r.generationIdOrMemberEpoch() < 0) {
                        group = new ClassicGroup(r.groupId(), shard.partition, time.milliseconds());
                        shard.groups.put(r.groupId(), group);
                    } else {
                        error = Errors.ILLEGAL_GENERATION;
                    }
                }
                if (group != null) {
                    error = validateTransactionalCommit(group, r);
                }
                if (error == Errors.NONE) {
                    shard.txnGroups
                            .computeIfAbsent(r.producerId(), id -> new java.util.HashSet<>())
                            .add(r.groupId());
                    offsets.commitTransactional(group, r, version, () -> live(shard, r.groupId()), done);
                    return;
                }
            }
        }
        done.accept(txnCommitError(r, version, error));
    }

    /** A TxnOffsetCommit answer with {@code error} for every partition. */
    public static TxnOffsetCommitResponseData txnCommitError(
            TxnOffsetCommitRequestData r, short version, Errors error) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData().setThrottleTimeMs(0);
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic : r.topics()) {
            TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic rt =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic()
                            .setName(version >= 6 ? "" : topic.name())
                            .setTopicId(version >= 6 ? topic.topicId() : new UUID(0, 0));
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                rt.partitions()
                        .add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(error.code()));
            }
            response.topics().add(rt);
        }
        return response;
    }

    /**
     * Kafka's member checks for a transactional commit: none when the request names no member
     * and no generation (v0-2 cannot, and a producer may commit for a group it is not part of);
     * otherwise the member must exist and its generation (classic) or epoch (consumer protocol,
     * answered ILLEGAL_GENERATION as Kafka does for transactional commits) match.
     */
    private static Errors validateTransactionalCommit(Group group, TxnOffsetCommitRequestData r) {
        if (group.isDead()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        String memberId = r.memberId() == null ? "" : r.memberId();
        int generation = r.generationIdOrMemberEpoch();
        if (generation < 0 && memberId.isEmpty() && r.groupInstanceId() == null) {
            return Errors.NONE;
        }
        return switch (group) {
            case ClassicGroup c -> {
                Errors invalid = c.validateMember(memberId, r.groupInstanceId());
                if (invalid != Errors.NONE) {
                    yield invalid;
                }
                yield generation != c.generationId ? Errors.ILLEGAL_GENERATION : Errors.NONE;
            }
            case ConsumerGroup c -> {
                ConsumerMember member = c.members.get(memberId);
                if (member == null) {
                    yield Errors.UNKNOWN_MEMBER_ID;
                }
                yield generation != member.memberEpoch ? Errors.ILLEGAL_GENERATION : Errors.NONE;
            }
        };
    }

    /** Kafka's checks for a commit to a classic group. */
    private static Errors validateClassicCommit(ClassicGroup group, OffsetCommitRequestData r) {
        if (group.isDead()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        int generation = r.generationIdOrMemberEpoch();
        String memberId = r.memberId() == null ? "" : r.memberId();
        if (generation < 0 && group.is(ClassicGroup.State.EMPTY)) {
            return Errors.NONE; // Admin or a consumer without group management
        }
        if (generation >= 0 || !memberId.isEmpty() || r.groupInstanceId() != null) {
            Errors invalid = group.validateMember(memberId, r.groupInstanceId());
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (generation != group.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else {
            // No member id and no generation: only an empty group takes such commits.
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            // The member has its new generation but not its assignment yet.
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    /** Kafka's checks for a commit to a consumer-protocol group. */
    private static Errors validateConsumerCommit(ConsumerGroup group, OffsetCommitRequestData r, short version) {
        if (group.isDead()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        int epoch = r.generationIdOrMemberEpoch();
        if (epoch < 0 && group.members.isEmpty()) {
            return Errors.NONE;
        }
        ConsumerMember member = group.members.get(r.memberId());
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (version < 9) {
            return Errors.UNSUPPORTED_VERSION;
        }
        if (epoch != member.memberEpoch) {
            return Errors.STALE_MEMBER_EPOCH;
        }
        return Errors.NONE;
    }

    /**
     * OffsetFetch for one group, in the v8+ shape (the handler converts for older versions).
     *
     * @param memberId v9+: the fetching member of a consumer-protocol group, or null
     * @param memberEpoch v9+: its epoch, or -1
     */
    public OffsetFetchResponseData.OffsetFetchResponseGroup fetchOffsets(
            String groupId,
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics,
            String memberId,
            int memberEpoch,
            boolean requireStable,
            boolean useTopicIds) {
        if (!isValidGroupId(groupId)) {
            return groupError(groupId, Errors.INVALID_GROUP_ID);
        }
        Target t = target(groupId);
        if (t.error() != Errors.NONE) {
            return groupError(groupId, t.error());
        }
        Group group = live(t.shard(), groupId);
        if (group instanceof ConsumerGroup cg && (memberId != null || memberEpoch >= 0)) {
            ConsumerMember member = memberId == null ? null : cg.members.get(memberId);
            if (member == null) {
                return groupError(groupId, Errors.UNKNOWN_MEMBER_ID);
            }
            if (member.memberEpoch != memberEpoch) {
                return groupError(groupId, Errors.STALE_MEMBER_EPOCH);
            }
        }
        return offsets.fetch(group, groupId, topics, requireStable, useTopicIds);
    }

    private static OffsetFetchResponseData.OffsetFetchResponseGroup groupError(String groupId, Errors error) {
        return new OffsetFetchResponseData.OffsetFetchResponseGroup()
                .setGroupId(groupId)
                .setErrorCode(error.code());
    }

    public void deleteOffsets(OffsetDeleteRequestData r, Consumer<OffsetDeleteResponseData> done) {
        if (!isValidGroupId(r.groupId())) {
            done.accept(new OffsetDeleteResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
            return;
        }
        Target t = target(r.groupId());
        if (t.error() != Errors.NONE) {
            done.accept(new OffsetDeleteResponseData().setErrorCode(t.error().code()));
            return;
        }
        Group group = live(t.shard(), r.groupId());
        if (group == null) {
            done.accept(new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
            return;
        }
        offsets.delete(group, r, done);
    }

    // ------------------------------------------------------------------ admin

    public List<DescribeGroupsResponseData.DescribedGroup> describeGroups(
            List<String> groupIds, boolean includeAuthorizedOperations, short version) {
        List<DescribeGroupsResponseData.DescribedGroup> out = new ArrayList<>();
        for (String groupId : groupIds) {
            DescribeGroupsResponseData.DescribedGroup d = new DescribeGroupsResponseData.DescribedGroup()
                    .setGroupId(groupId)
                    .setGroupState("")
                    .setProtocolType("")
                    .setProtocolData("")
                    .setAuthorizedOperations(includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : Integer.MIN_VALUE);
            out.add(d);
            if (!isValidGroupId(groupId)) {
                d.setErrorCode(Errors.INVALID_GROUP_ID.code());
                continue;
            }
            Target t = target(groupId);
            if (t.error() != Errors.NONE) {
                d.setErrorCode(t.error().code());
                continue;
            }
            if (!(live(t.shard(), groupId) instanceof ClassicGroup group)) {
                // Missing (or a consumer-protocol group, which DescribeGroups does not describe).
                d.setGroupState(ClassicGroup.State.DEAD.label());
                if (version >= 6) {
                    d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + groupId + " not found.");
                }
                continue;
            }
            boolean stable = group.is(ClassicGroup.State.STABLE);
            d.setErrorCode(Errors.NONE.code())
                    .setGroupState(group.stateName())
                    .setProtocolType(group.protocolType())
                    .setProtocolData(stable ? group.protocolName : "");
            for (ClassicMember m : group.members.values()) {
                byte[] metadata = stable ? m.metadata(group.protocolName) : null;
                d.members()
                        .add(new DescribeGroupsResponseData.DescribedGroupMember()
                                .setMemberId(m.memberId)
                                .setGroupInstanceId(m.groupInstanceId)
                                .setClientId(m.clientId)
                                .setClientHost(m.clientHost)
                                .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                                .setMemberAssignment(stable ? m.assignment : new byte[0]));
            }
        }
        return out;
    }

    /**
     * ListGroups over every partition led here.
     *
     * @param states state names to keep (case-insensitive); empty keeps all
     * @param types group types to keep ({@code classic}, {@code consumer}); empty keeps all
     */
    public ListGroupsResponseData listGroups(List<String> states, List<String> types) {
        Set<String> wantedStates =
                states.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> wantedTypes =
                types.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
        Map<String, Group> all = new TreeMap<>();
        for (Shard shard : shards.values()) {
            if (shard.loading) {
                response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
                continue;
            }
            shard.groups.values().stream().filter(g -> !g.isDead()).forEach(g -> all.put(g.groupId(), g));
        }
        for (Group g : all.values()) {
            if (!wantedStates.isEmpty() && !wantedStates.contains(g.stateName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!wantedTypes.isEmpty() && !wantedTypes.contains(g.type())) {
                continue;
            }
            response.groups()
                    .add(new ListGroupsResponseData.ListedGroup()
                            .setGroupId(g.groupId())
                            .setProtocolType(g.protocolType())
                            .setGroupState(g.stateName())
                            .setGroupType(g.type()));
        }
        return response;
    }

    /** DeleteGroups: each group must exist and be empty; its offsets and record get tombstones. */
    public void deleteGroups(
            List<String> groupIds, Consumer<List<DeleteGroupsResponseData.DeletableGroupResult>> done) {
        List<DeleteGroupsResponseData.DeletableGroupResult> results = new ArrayList<>();
        Map<Integer, List<GroupRecords.Entry>> byPartition = new TreeMap<>();
        Map<Integer, List<Group>> deleting = new HashMap<>();
        Map<String, DeleteGroupsResponseData.DeletableGroupResult> resultOf = new HashMap<>();
        for (String groupId : groupIds) {
            DeleteGroupsResponseData.DeletableGroupResult result =
                    new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId);
            if (resultOf.putIfAbsent(groupId, result) != null) {
                continue; // one result per group, as Kafka's response (keyed by group id) has
            }
            results.add(result);
            if (!isValidGroupId(groupId)) {
                result.setErrorCode(Errors.INVALID_GROUP_ID.code());
                continue;
            }
            Target t = target(groupId);
            if (t.error() != Errors.NONE) {
                result.setErrorCode(t.error().code());
                continue;
            }
            Group group = live(t.shard(), groupId);
            if (group == null) {
                result.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
                continue;
            }
            if (!group.hasNoMembers() || (group instanceof ClassicGroup c && !c.is(ClassicGroup.State.EMPTY))) {
                result.setErrorCode(Errors.NON_EMPTY_GROUP.code());
                continue;
            }
            List<GroupRecords.Entry> entries = byPartition.computeIfAbsent(group.partition(), p -> new ArrayList<>());
            for (TopicPartitionKey tp : group.offsets.keySet()) {
                entries.add(GroupRecords.offsetTombstone(groupId, tp));
            }
            for (TopicPartitionKey tp : group.pendingCommits.keySet()) {
                if (!group.offsets.containsKey(tp)) {
                    entries.add(GroupRecords.offsetTombstone(groupId, tp));
                }
            }
            entries.add(GroupRecords.groupTombstone(groupId));
            markDead(group);
            deleting.computeIfAbsent(group.partition(), p -> new ArrayList<>()).add(group);
            result.setErrorCode(Errors.NONE.code());
        }
        if (byPartition.isEmpty()) {
            done.accept(results);
            return;
        }
        int[] remaining = {byPartition.size()};
        byPartition.forEach((partition, entries) -> log.append(partition, entries, error -> {
            Errors mapped = GroupLog.groupError(error);
            Shard shard = shards.get(partition);
            for (Group g : deleting.get(partition)) {
                if (mapped == Errors.NONE) {
                    if (shard != null) {
                        shard.groups.remove(g.groupId(), g);
                    }
                    LOG.info("Deleted group {}", g.groupId());
                } else {
                    reviveEmpty(g);
                    resultOf.get(g.groupId()).setErrorCode(mapped.code());
                }
            }
            if (--remaining[0] == 0) {
                done.accept(results);
            }
        }));
    }

    private void markDead(Group group) {
        switch (group) {
            case ClassicGroup c -> c.transitionTo(ClassicGroup.State.DEAD, time.milliseconds());
            case ConsumerGroup c -> c.dead = true;
        }
    }

    private void reviveEmpty(Group group) {
        switch (group) {
            case ClassicGroup c -> c.transitionTo(ClassicGroup.State.EMPTY, time.milliseconds());
            case ConsumerGroup c -> c.dead = false;
        }
    }

    // ------------------------------------------------------------------ consumer protocol

    public void consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequestData r, Client client, Consumer<ConsumerGroupHeartbeatResponseData> done) {
        ConsumerGroupProtocol.Failure invalid = consumer.validate(r, client.version());
        if (invalid != null) {
            done.accept(ConsumerGroupProtocol.error(invalid.error(), invalid.message()));
            return;
        }
        Target t = target(r.groupId());
        if (t.error() != Errors.NONE) {
            done.accept(ConsumerGroupProtocol.error(t.error(), null));
            return;
        }
        Shard shard = t.shard();
        Group existing = shard.groups.get(r.groupId());
        ConsumerGroup group;
        if (existing != null && existing.isDead()) {
            // Being deleted: the client retries once the deletion is written.
            done.accept(ConsumerGroupProtocol.error(Errors.COORDINATOR_NOT_AVAILABLE, null));
            return;
        }
        if (existing == null) {
            if (r.memberEpoch() != 0) {
                done.accept(ConsumerGroupProtocol.error(
                        Errors.UNKNOWN_MEMBER_ID, "Group " + r.groupId() + " has no member " + r.memberId() + "."));
                return;
            }
            group = new ConsumerGroup(r.groupId(), shard.partition, time.milliseconds());
            shard.groups.put(r.groupId(), group);
        } else if (existing instanceof ClassicGroup c) {
            if (!c.hasNoMembers() || !c.is(ClassicGroup.State.EMPTY) || !c.pendingMembers.isEmpty()) {
                done.accept(ConsumerGroupProtocol.error(
                        Errors.GROUP_ID_NOT_FOUND, "Group " + r.groupId() + " is not a consumer group."));
                return;
            }
            if (r.memberEpoch() != 0) {
                done.accept(ConsumerGroupProtocol.error(
                        Errors.UNKNOWN_MEMBER_ID, "Group " + r.groupId() + " has no member " + r.memberId() + "."));
                return;
            }
            // An empty classic group (or one with only offsets) turns into a consumer-protocol group.
            classic.unload(c);
            group = new ConsumerGroup(r.groupId(), shard.partition, time.milliseconds());
            group.takeOffsetsOf(c);
            shard.groups.put(r.groupId(), group);
        } else {
            group = (ConsumerGroup) existing;
        }
        consumer.heartbeat(
                group,
                new ConsumerGroupProtocol.HeartbeatRequest(r, client.clientId(), client.clientHost(), client.version()),
                done);
    }

    public List<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(
            List<String> groupIds, boolean includeAuthorizedOperations) {
        List<ConsumerGroupDescribeResponseData.DescribedGroup> out = new ArrayList<>();
        for (String groupId : groupIds) {
            ConsumerGroupDescribeResponseData.DescribedGroup d = new ConsumerGroupDescribeResponseData.DescribedGroup()
                    .setGroupId(groupId)
                    .setGroupState("")
                    .setAssignorName("")
                    .setAuthorizedOperations(includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : Integer.MIN_VALUE);
            out.add(d);
            if (!isValidGroupId(groupId)) {
                d.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage("Group id is invalid.");
                continue;
            }
            Target t = target(groupId);
            if (t.error() != Errors.NONE) {
                d.setErrorCode(t.error().code());
                continue;
            }
            Group g = live(t.shard(), groupId);
            if (!(g instanceof ConsumerGroup group)) {
                d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage(
                                g == null
                                        ? "Group " + groupId + " not found."
                                        : "Group " + groupId + " is not a consumer group.");
                continue;
            }
            d.setErrorCode(Errors.NONE.code())
                    .setGroupState(group.stateName())
                    .setGroupEpoch(group.groupEpoch)
                    .setAssignmentEpoch(group.assignmentEpoch)
                    .setAssignorName(consumer.assignorName(group));
            for (ConsumerMember m : group.members.values()) {
                d.members()
                        .add(new ConsumerGroupDescribeResponseData.Member()
                                .setMemberId(m.memberId)
                                .setInstanceId(m.instanceId)
                                .setRackId(m.rackId)
                                .setMemberEpoch(m.memberEpoch)
                                .setClientId(m.clientId)
                                .setClientHost(m.clientHost)
                                .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames))
                                .setSubscribedTopicRegex(m.subscribedTopicRegex)
                                .setAssignment(describe(m.assigned))
                                .setTargetAssignment(
                                        describe(group.targetAssignment.getOrDefault(m.memberId, Assignment.EMPTY)))
                                .setMemberType((byte) 1));
            }
        }
        return out;
    }

    private ConsumerGroupDescribeResponseData.Assignment describe(Map<UUID, Set<Integer>> partitions) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> out = new ArrayList<>();
        partitions.forEach((topic, ps) -> {
            String name = consumer.topicName(topic);
            out.add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                    .setTopicId(topic)
                    .setTopicName(name == null ? "" : name)
                    .setPartitions(new ArrayList<>(ps)));
        });
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(out);
    }

    // ------------------------------------------------------------------ retention

    /**
     * Expires offsets of empty groups past {@code offsets.retention.minutes}, and deletes groups
     * left with neither members nor offsets. Run every {@code offsets.retention.check.interval.ms}.
     */
    public void expireOffsets() {
        long now = time.milliseconds();
        for (Shard shard : shards.values()) {
            if (shard.loading) {
                continue;
            }
            List<GroupRecords.Entry> entries = new ArrayList<>();
            for (Group g : List.copyOf(shard.groups.values())) {
                if (g.isDead()) {
                    continue;
                }
                int before = g.offsets.size();
                entries.addAll(offsets.expire(g, now));
                if (g.offsets.size() < before) {
                    LOG.info("Expired {} offsets of group {}", before - g.offsets.size(), g.groupId());
                }
                boolean empty = g.hasNoMembers() && g.offsets.isEmpty() && !g.hasPendingCommits();
                boolean idle = !(g instanceof ClassicGroup c)
                        || (c.is(ClassicGroup.State.EMPTY) && c.pendingMembers.isEmpty());
                if (empty && idle) {
                    entries.add(GroupRecords.groupTombstone(g.groupId()));
                    markDead(g);
                    shard.groups.remove(g.groupId(), g);
                    LOG.info("Removed group {}: no members and no offsets left", g.groupId());
                }
            }
            if (!entries.isEmpty()) {
                log.append(shard.partition, entries, error -> {
                    if (error != Errors.NONE) {
                        LOG.warn(
                                "Writing expired offsets of {}-{} failed: {}",
                                TopicNames.CONSUMER_OFFSETS,
                                shard.partition,
                                error);
                    }
                });
            }
        }
    }

    /** The group with this id if it is loaded here (tests and tools). */
    public Optional<Group> group(String groupId) {
        for (Shard shard : shards.values()) {
            Group g = shard.groups.get(groupId);
            if (g != null && !g.isDead()) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}

package io.tributary.kernel.group;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ConsumerGroupDescribeRequestData;
import io.tributary.protocol.message.ConsumerGroupDescribeResponseData;
import io.tributary.protocol.message.ConsumerGroupHeartbeatRequestData;
import io.tributary.protocol.message.DeleteGroupsRequestData;
import io.tributary.protocol.message.DeleteGroupsResponseData;
import io.tributary.protocol.message.DescribeGroupsRequestData;
import io.tributary.protocol.message.DescribeGroupsResponseData;
import io.tributary.protocol.message.HeartbeatRequestData;
import io.tributary.protocol.message.HeartbeatResponseData;
import io.tributary.protocol.message.JoinGroupRequestData;
import io.tributary.protocol.message.JoinGroupResponseData;
import io.tributary.protocol.message.LeaveGroupRequestData;
import io.tributary.protocol.message.LeaveGroupResponseData;
import io.tributary.protocol.message.ListGroupsRequestData;
import io.tributary.protocol.message.ListGroupsResponseData;
import io.tributary.protocol.message.OffsetCommitRequestData;
import io.tributary.protocol.message.OffsetDeleteRequestData;
import io.tributary.protocol.message.OffsetFetchRequestData;
import io.tributary.protocol.message.OffsetFetchResponseData;
import io.tributary.protocol.message.SyncGroupRequestData;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The API handlers of the group coordinator, one per API, each a thin adapter between a request
 * version and {@link GroupCoordinator}. All run on the request handler thread.
 */
public final class GroupHandlers {
    private GroupHandlers() {}

    /** Every group API handler: the classic protocol, offsets, admin, and KIP-848 when enabled. */
    public static List<ApiHandler> all(GroupCoordinator coordinator) {
        List<ApiHandler> out = new ArrayList<>(List.of(
                new JoinGroup(coordinator),
                new SyncGroup(coordinator),
                new Heartbeat(coordinator),
                new LeaveGroup(coordinator),
                new OffsetCommit(coordinator),
                new OffsetFetch(coordinator),
                new DescribeGroups(coordinator),
                new ListGroups(coordinator),
                new DeleteGroups(coordinator),
                new OffsetDelete(coordinator)));
        if (coordinator.config().consumerProtocolEnabled()) {
            out.add(new ConsumerGroupHeartbeat(coordinator));
            out.add(new ConsumerGroupDescribe(coordinator));
        }
        return out;
    }

    static GroupCoordinator.Client client(RequestContext context) {
        InetSocketAddress remote = context.connection().remoteAddress();
        String host = remote == null || remote.getAddress() == null
                ? ""
                : "/" + remote.getAddress().getHostAddress();
        return new GroupCoordinator.Client(context.clientId(), host, context.apiVersion());
    }

    /** JoinGroup v0-9. */
    static final class JoinGroup implements ApiHandler {
        private final GroupCoordinator coordinator;

        JoinGroup(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.JOIN_GROUP;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            short version = context.apiVersion();
            coordinator.joinGroup((JoinGroupRequestData) message, client(context), response -> {
                JoinGroupResponseData r = response.setThrottleTimeMs(0);
                if (version < 7 && r.protocolName() == null) {
                    r.setProtocolName("");
                }
                if (version < 9) {
                    r.setSkipAssignment(false);
                }
                context.respond(r);
            });
        }
    }

    /** SyncGroup v0-5. */
    static final class SyncGroup implements ApiHandler {
        private final GroupCoordinator coordinator;

        SyncGroup(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.SYNC_GROUP;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            coordinator.syncGroup(
                    (SyncGroupRequestData) message, response -> context.respond(response.setThrottleTimeMs(0)));
        }
    }

    /** Heartbeat v0-4. */
    static final class Heartbeat implements ApiHandler {
        private final GroupCoordinator coordinator;

        Heartbeat(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.HEARTBEAT;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            HeartbeatRequestData r = (HeartbeatRequestData) message;
            Errors error = coordinator.heartbeat(r.groupId(), r.memberId(), r.groupInstanceId(), r.generationId());
            context.respond(new HeartbeatResponseData().setThrottleTimeMs(0).setErrorCode(error.code()));
        }
    }

    /** LeaveGroup v0-5: one member (v0-2) or a batch of members (v3+). */
    static final class LeaveGroup implements ApiHandler {
        private final GroupCoordinator coordinator;

        LeaveGroup(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.LEAVE_GROUP;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            LeaveGroupRequestData r = (LeaveGroupRequestData) message;
            short version = context.apiVersion();
            List<ClassicGroupProtocol.LeavingMember> leaving = new ArrayList<>();
            if (version < 3) {
                leaving.add(new ClassicGroupProtocol.LeavingMember(r.memberId(), null));
            } else {
                for (LeaveGroupRequestData.MemberIdentity m : r.members()) {
                    leaving.add(new ClassicGroupProtocol.LeavingMember(m.memberId(), m.groupInstanceId()));
                }
            }
            GroupCoordinator.LeaveResult result = coordinator.leaveGroup(r.groupId(), leaving);
            LeaveGroupResponseData response = new LeaveGroupResponseData().setThrottleTimeMs(0);
            if (version < 3) {
                Errors e = result.error() != Errors.NONE
                        ? result.error()
                        : result.members().getFirst();
                context.respond(response.setErrorCode(e.code()));
                return;
            }
            response.setErrorCode(result.error().code());
            if (result.error() == Errors.NONE) {
                for (int i = 0; i < leaving.size(); i++) {
                    response.members()
                            .add(new LeaveGroupResponseData.MemberResponse()
                                    .setMemberId(leaving.get(i).memberId())
                                    .setGroupInstanceId(leaving.get(i).groupInstanceId())
                                    .setErrorCode(result.members().get(i).code()));
                }
            }
            context.respond(response);
        }
    }

    /** OffsetCommit v2-10 (topic ids in v10). */
    static final class OffsetCommit implements ApiHandler {
        private final GroupCoordinator coordinator;

        OffsetCommit(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.OFFSET_COMMIT;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            coordinator.commitOffsets((OffsetCommitRequestData) message, context.apiVersion(), context::respond);
        }
    }

    /** OffsetFetch v1-10: one group (v1-7) or a batch of groups (v8+), topic ids in v10. */
    static final class OffsetFetch implements ApiHandler {
        private final GroupCoordinator coordinator;

        OffsetFetch(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.OFFSET_FETCH;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            OffsetFetchRequestData r = (OffsetFetchRequestData) message;
            short version = context.apiVersion();
            OffsetFetchResponseData response = new OffsetFetchResponseData().setThrottleTimeMs(0);
            if (version >= 8) {
                for (OffsetFetchRequestData.OffsetFetchRequestGroup g : r.groups()) {
                    response.groups()
                            .add(coordinator.fetchOffsets(
                                    g.groupId(),
                                    g.topics(),
                                    version >= 9 ? g.memberId() : null,
                                    version >= 9 ? g.memberEpoch() : -1,
                                    r.requireStable(),
                                    version >= 10));
                }
                context.respond(response);
                return;
            }
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = null;
            if (r.topics() != null) {
                topics = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : r.topics()) {
                    topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                            .setName(t.name())
                            .setPartitionIndexes(t.partitionIndexes()));
                }
            }
            OffsetFetchResponseData.OffsetFetchResponseGroup group =
                    coordinator.fetchOffsets(r.groupId(), topics, null, -1, version >= 7 && r.requireStable(), false);
            Errors groupError = Errors.forCode(group.errorCode());
            if (groupError != Errors.NONE && version >= 2) {
                context.respond(response.setErrorCode(groupError.code()));
                return;
            }
            if (groupError != Errors.NONE) {
                // v1 has no group-level error: every requested partition carries it.
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : r.topics()) {
                    OffsetFetchResponseData.OffsetFetchResponseTopic rt =
                            new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
                    for (int p : t.partitionIndexes()) {
                        rt.partitions()
                                .add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                        .setPartitionIndex(p)
                                        .setCommittedOffset(-1)
                                        .setMetadata("")
                                        .setErrorCode(groupError.code()));
                    }
                    response.topics().add(rt);
                }
                context.respond(response);
                return;
            }
            for (OffsetFetchResponseData.OffsetFetchResponseTopics t : group.topics()) {
                OffsetFetchResponseData.OffsetFetchResponseTopic rt =
                        new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
                for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                    rt.partitions()
                            .add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                    .setPartitionIndex(p.partitionIndex())
                                    .setCommittedOffset(p.committedOffset())
                                    .setCommittedLeaderEpoch(p.committedLeaderEpoch())
                                    .setMetadata(p.metadata())
                                    .setErrorCode(p.errorCode()));
                }
                response.topics().add(rt);
            }
            context.respond(response.setErrorCode(Errors.NONE.code()));
        }
    }

    /** DescribeGroups v0-6. */
    static final class DescribeGroups implements ApiHandler {
        private final GroupCoordinator coordinator;

        DescribeGroups(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.DESCRIBE_GROUPS;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            DescribeGroupsRequestData r = (DescribeGroupsRequestData) message;
            context.respond(new DescribeGroupsResponseData()
                    .setThrottleTimeMs(0)
                    .setGroups(coordinator.describeGroups(
                            r.groups(), r.includeAuthorizedOperations(), context.apiVersion())));
        }
    }

    /** ListGroups v0-5 (states filter v4+, types filter v5+). */
    static final class ListGroups implements ApiHandler {
        private final GroupCoordinator coordinator;

        ListGroups(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.LIST_GROUPS;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            ListGroupsRequestData r = (ListGroupsRequestData) message;
            short version = context.apiVersion();
            ListGroupsResponseData response = coordinator.listGroups(
                    version >= 4 ? r.statesFilter() : List.of(), version >= 5 ? r.typesFilter() : List.of());
            context.respond(response.setThrottleTimeMs(0));
        }
    }

    /** DeleteGroups v0-3. */
    static final class DeleteGroups implements ApiHandler {
        private final GroupCoordinator coordinator;

        DeleteGroups(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.DELETE_GROUPS;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            DeleteGroupsRequestData r = (DeleteGroupsRequestData) message;
            coordinator.deleteGroups(
                    r.groupsNames(),
                    results -> context.respond(
                            new DeleteGroupsResponseData().setThrottleTimeMs(0).setResults(results)));
        }
    }

    /** OffsetDelete v0. */
    static final class OffsetDelete implements ApiHandler {
        private final GroupCoordinator coordinator;

        OffsetDelete(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.OFFSET_DELETE;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            coordinator.deleteOffsets(
                    (OffsetDeleteRequestData) message, response -> context.respond(response.setThrottleTimeMs(0)));
        }
    }

    /** ConsumerGroupHeartbeat v0-1 (KIP-848). */
    static final class ConsumerGroupHeartbeat implements ApiHandler {
        private final GroupCoordinator coordinator;

        ConsumerGroupHeartbeat(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.CONSUMER_GROUP_HEARTBEAT;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            coordinator.consumerGroupHeartbeat(
                    (ConsumerGroupHeartbeatRequestData) message,
                    client(context),
                    response -> context.respond(response.setThrottleTimeMs(0)));
        }
    }

    /** ConsumerGroupDescribe v0-1 (KIP-848). */
    static final class ConsumerGroupDescribe implements ApiHandler {
        private final GroupCoordinator coordinator;

        ConsumerGroupDescribe(GroupCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.CONSUMER_GROUP_DESCRIBE;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            ConsumerGroupDescribeRequestData r = (ConsumerGroupDescribeRequestData) message;
            context.respond(new ConsumerGroupDescribeResponseData()
                    .setThrottleTimeMs(0)
                    .setGroups(coordinator.consumerGroupDescribe(r.groupIds(), r.includeAuthorizedOperations())));
        }
    }
}

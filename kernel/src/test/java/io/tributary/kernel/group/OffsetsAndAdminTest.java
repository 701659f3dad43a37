package io.tributary.kernel.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.protocol.Errors;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Committed offsets, their retention, and the admin APIs (list, describe, delete). */
class OffsetsAndAdminTest {
    private static final String GROUP = "offsets-group";
    private static final String TOPIC = "events";

    private final GroupTestKit kit = new GroupTestKit();
    private UUID topicId;

    @BeforeEach
    void topic() {
        topicId = kit.topic(TOPIC, 3);
    }

    private OffsetCommitResponseData commit(
            String group, int generation, String memberId, short version, int partition, long offset, String metadata) {
        OffsetCommitRequestData r = new OffsetCommitRequestData()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(generation)
                .setMemberId(memberId)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(TOPIC)
                        .setTopicId(topicId)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)
                                .setCommittedLeaderEpoch(5)
                                .setCommittedMetadata(metadata)))));
        AtomicReference<OffsetCommitResponseData> out = new AtomicReference<>();
        kit.coordinator.commitOffsets(r, version, out::set);
        assertNotNull(out.get());
        return out.get();
    }

    private static short error(OffsetCommitResponseData r) {
        return r.topics().getFirst().partitions().getFirst().errorCode();
    }

    private OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(String group, int partition, boolean stable) {
        OffsetFetchResponseData.OffsetFetchResponseGroup g = kit.coordinator.fetchOffsets(
                group,
                List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName(TOPIC)
                        .setPartitionIndexes(List.of(partition))),
                null,
                -1,
                stable,
                false);
        assertEquals(Errors.NONE.code(), g.errorCode());
        return g.topics().getFirst().partitions().getFirst();
    }

    /** A classic group with one Stable member; returns its member id. */
    private String stableMember(String group) {
        AtomicReference<JoinGroupResponseData> join = new AtomicReference<>();
        kit.coordinator.joinGroup(
                new JoinGroupRequestData()
                        .setGroupId(group)
                        .setMemberId("")
                        .setSessionTimeoutMs(10_000)
                        .setRebalanceTimeoutMs(10_000)
                        .setProtocolType("consumer")
                        .setProtocols(List.of(new JoinGroupRequestData.JoinGroupRequestProtocol()
                                .setName("range")
                                .setMetadata(new byte[0]))),
                new GroupCoordinator.Client("c", "/h", (short) 3),
                join::set);
        kit.clock.runDue();
        String id = join.get().memberId();
        kit.coordinator.syncGroup(
                new SyncGroupRequestData().setGroupId(group).setMemberId(id).setGenerationId(1), r -> {});
        return id;
    }

    @Test
    void shouldRoundTripOffsetMetadataAndLeaderEpochAcrossARestart() {
        assertEquals(Errors.NONE.code(), error(commit(GROUP, -1, "", (short) 8, 1, 42, "checkpoint-7")));
        kit.restart();
        OffsetFetchResponseData.OffsetFetchResponsePartitions p = fetch(GROUP, 1, false);
        assertEquals(42, p.committedOffset());
        assertEquals(5, p.committedLeaderEpoch());
        assertEquals("checkpoint-7", p.metadata());
        assertEquals(-1, fetch(GROUP, 0, false).committedOffset());
    }

    @Test
    void shouldCommitByTopicIdFromVersionTen() {
        assertEquals(Errors.NONE.code(), error(commit(GROUP, -1, "", (short) 10, 2, 9, null)));
        OffsetFetchResponseData.OffsetFetchResponseGroup g = kit.coordinator.fetchOffsets(
                GROUP,
                List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setTopicId(topicId)
                        .setPartitionIndexes(List.of(2))),
                null,
                -1,
                false,
                true);
        assertEquals(topicId, g.topics().getFirst().topicId());
        assertEquals(9, g.topics().getFirst().partitions().getFirst().committedOffset());
        assertEquals("", g.topics().getFirst().partitions().getFirst().metadata());
    }

    @Test
    void shouldRefuseCommitsFromUnknownMembersAndOldGenerationsAndChangeNothing() {
        String member = stableMember(GROUP);
        assertEquals(Errors.NONE.code(), error(commit(GROUP, 1, member, (short) 8, 0, 10, "")));
        int appends = kit.log.appends;
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), error(commit(GROUP, 1, "intruder", (short) 8, 0, 99, "")));
        assertEquals(Errors.ILLEGAL_GENERATION.code(), error(commit(GROUP, 0, member, (short) 8, 0, 99, "")));
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), error(commit(GROUP, -1, "", (short) 8, 0, 99, "")));
        assertEquals(appends, kit.log.appends, "nothing written");
        assertEquals(10, fetch(GROUP, 0, false).committedOffset());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), error(commit("no-such-group", 3, "m", (short) 9, 0, 1, "")));
        assertEquals(Errors.ILLEGAL_GENERATION.code(), error(commit("no-such-group", 3, "m", (short) 8, 0, 1, "")));
    }

    @Test
    void shouldRefuseCommitsForUnknownPartitionsAndOversizedMetadata() {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), error(commit(GROUP, -1, "", (short) 8, 3, 1, "")));
        assertEquals(
                Errors.OFFSET_METADATA_TOO_LARGE.code(),
                error(commit(GROUP, -1, "", (short) 8, 0, 1, "x".repeat(5000))));
        kit.deleteTopic(TOPIC);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), error(commit(GROUP, -1, "", (short) 8, 0, 1, "")));
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), error(commit(GROUP, -1, "", (short) 10, 0, 1, "")));
    }

    @Test
    void shouldReportUnstableOffsetsWhileACommitIsInFlight() {
        commit(GROUP, -1, "", (short) 8, 0, 5, "");
        kit.log.hold();
        AtomicReference<OffsetCommitResponseData> pending = new AtomicReference<>();
        kit.coordinator.commitOffsets(
                new OffsetCommitRequestData()
                        .setGroupId(GROUP)
                        .setGenerationIdOrMemberEpoch(-1)
                        .setMemberId("")
                        .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                                .setName(TOPIC)
                                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                        .setPartitionIndex(0)
                                        .setCommittedOffset(6))))),
                (short) 8,
                pending::set);
        assertNull(pending.get());
        assertEquals(Errors.UNSTABLE_OFFSET_COMMIT.code(), fetch(GROUP, 0, true).errorCode());
        assertEquals(5, fetch(GROUP, 0, false).committedOffset(), "only durable offsets are visible");
        kit.log.release();
        assertNotNull(pending.get());
        assertEquals(6, fetch(GROUP, 0, true).committedOffset());
    }

    @Test
    void shouldExpireOffsetsOfEmptyGroupsAndThenTheGroup() {
        commit(GROUP, -1, "", (short) 8, 0, 5, "");
        kit.clock.advance(kit.config.offsetsRetentionMs() - 1);
        kit.coordinator.expireOffsets();
        assertEquals(5, fetch(GROUP, 0, false).committedOffset());
        kit.clock.advance(2);
        kit.coordinator.expireOffsets();
        assertEquals(-1, fetch(GROUP, 0, false).committedOffset());
        assertTrue(kit.coordinator.group(GROUP).isEmpty(), "a group with no members and no offsets is removed");
        kit.restart();
        assertEquals(-1, fetch(GROUP, 0, false).committedOffset(), "tombstones were written");
        assertTrue(kit.coordinator.group(GROUP).isEmpty());
    }

    @Test
    void shouldKeepOffsetsOfGroupsWithMembers() {
        String member = stableMember(GROUP);
        commit(GROUP, 1, member, (short) 8, 0, 5, "");
        // The member stays alive (heartbeats within its session) for longer than the retention.
        for (long t = 0; t <= kit.config.offsetsRetentionMs(); t += 5000) {
            kit.clock.advance(5000);
            assertEquals(Errors.NONE, kit.coordinator.heartbeat(GROUP, member, null, 1));
        }
        kit.coordinator.expireOffsets();
        assertEquals(5, fetch(GROUP, 0, false).committedOffset());
    }

    @Test
    void shouldDeleteOnlyEmptyExistingGroups() {
        String member = stableMember("busy");
        commit(GROUP, -1, "", (short) 8, 0, 5, "");
        List<DeleteGroupsResponseData.DeletableGroupResult> results = delete(List.of(GROUP, "busy", "ghost", ""));
        assertEquals(Errors.NONE.code(), results.get(0).errorCode());
        assertEquals(Errors.NON_EMPTY_GROUP.code(), results.get(1).errorCode());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), results.get(2).errorCode());
        assertEquals(Errors.INVALID_GROUP_ID.code(), results.get(3).errorCode());
        assertTrue(kit.coordinator.group(GROUP).isEmpty());
        assertTrue(kit.coordinator.group("busy").isPresent());
        kit.restart();
        assertEquals(-1, fetch(GROUP, 0, false).committedOffset());
        assertTrue(kit.coordinator.group(GROUP).isEmpty());
        assertFalse(member.isEmpty());
    }

    @Test
    void shouldKeepAGroupWhoseDeletionCouldNotBeWritten() {
        commit(GROUP, -1, "", (short) 8, 0, 5, "");
        kit.log.failNext(Errors.NOT_LEADER_OR_FOLLOWER);
        assertEquals(
                Errors.NOT_COORDINATOR.code(), delete(List.of(GROUP)).getFirst().errorCode());
        assertEquals(5, fetch(GROUP, 0, false).committedOffset());
        assertEquals("Empty", kit.coordinator.group(GROUP).orElseThrow().stateName());
    }

    private List<DeleteGroupsResponseData.DeletableGroupResult> delete(List<String> groups) {
        AtomicReference<List<DeleteGroupsResponseData.DeletableGroupResult>> out = new AtomicReference<>();
        kit.coordinator.deleteGroups(groups, out::set);
        assertNotNull(out.get());
        return out.get();
    }

    @Test
    void shouldRefuseToDeleteOffsetsOfSubscribedTopics() {
        commit(GROUP, -1, "", (short) 8, 0, 5, "");
        commit(GROUP, -1, "", (short) 8, 1, 6, "");
        AtomicReference<OffsetDeleteResponseData> out = new AtomicReference<>();
        kit.coordinator.deleteOffsets(
                new OffsetDeleteRequestData()
                        .setGroupId(GROUP)
                        .setTopics(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                                .setName(TOPIC)
                                .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition()
                                        .setPartitionIndex(0))))),
                out::set);
        assertEquals(Errors.NONE.code(), out.get().errorCode());
        assertEquals(-1, fetch(GROUP, 0, false).committedOffset());
        assertEquals(6, fetch(GROUP, 1, false).committedOffset());
        kit.coordinator.deleteOffsets(
                new OffsetDeleteRequestData().setGroupId("ghost").setTopics(List.of()), out::set);
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), out.get().errorCode());
    }

    @Test
    void shouldListGroupsWithStateAndTypeFilters() {
        stableMember("classic-stable");
        commit("simple", -1, "", (short) 8, 0, 5, "");
        ListGroupsResponseData all = kit.coordinator.listGroups(List.of(), List.of());
        assertEquals(Set.of("classic-stable", "simple"), names(all));
        assertEquals(Set.of("simple"), names(kit.coordinator.listGroups(List.of("empty"), List.of())));
        assertEquals(
                Set.of("classic-stable"), names(kit.coordinator.listGroups(List.of("Stable"), List.of("classic"))));
        assertEquals(Set.of(), names(kit.coordinator.listGroups(List.of(), List.of("consumer"))));
        ListGroupsResponseData.ListedGroup simple = all.groups().stream()
                .filter(g -> g.groupId().equals("simple"))
                .findFirst()
                .orElseThrow();
        assertEquals("", simple.protocolType());
        assertEquals("classic", simple.groupType());
    }

    private static Set<String> names(ListGroupsResponseData r) {
        return Set.copyOf(r.groups().stream()
                .map(ListGroupsResponseData.ListedGroup::groupId)
                .toList());
    }

    @Test
    void shouldDescribeAStableGroupWithAssignmentsAndAMissingOneAsDead() {
        String member = stableMember(GROUP);
        List<DescribeGroupsResponseData.DescribedGroup> d =
                kit.coordinator.describeGroups(List.of(GROUP, "ghost"), true, (short) 5);
        assertEquals("Stable", d.get(0).groupState());
        assertEquals("range", d.get(0).protocolData());
        assertEquals(member, d.get(0).members().getFirst().memberId());
        assertEquals("/h", d.get(0).members().getFirst().clientHost());
        assertEquals(GroupCoordinator.ALL_GROUP_OPERATIONS, d.get(0).authorizedOperations());
        assertEquals("Dead", d.get(1).groupState());
        assertEquals(Errors.NONE.code(), d.get(1).errorCode());
        assertEquals(
                Errors.GROUP_ID_NOT_FOUND.code(),
                kit.coordinator
                        .describeGroups(List.of("ghost"), false, (short) 6)
                        .getFirst()
                        .errorCode());
    }

    @Test
    void shouldRoundTripEveryRecordFormat() {
        OffsetAndMetadata o = new OffsetAndMetadata(7, 3, "meta", 100, -1);
        GroupRecords.Entry offset = GroupRecords.offset("g", new TopicPartitionKey("t", 2), o);
        assertEquals(
                new GroupRecords.OffsetKey("g", "t", 2), GroupRecords.decodeKey(Unpooled.wrappedBuffer(offset.key())));
        assertEquals(o, GroupRecords.decodeOffset(Unpooled.wrappedBuffer(offset.value())));
        GroupRecords.ConsumerMemberValue m = new GroupRecords.ConsumerMemberValue(
                "m",
                "i",
                "rack",
                "client",
                "/h",
                3000,
                List.of("a", "b"),
                null,
                "uniform",
                4,
                3,
                (byte) 1,
                Map.of(topicId, Set.of(1, 2)),
                Map.of(topicId, Set.of(0)),
                Map.of(topicId, Set.of(1, 2)));
        GroupRecords.Entry group =
                GroupRecords.consumerGroup("g", new GroupRecords.ConsumerGroupValue(5, 5, 99, List.of(m)));
        GroupRecords.ConsumerGroupValue back =
                (GroupRecords.ConsumerGroupValue) GroupRecords.decodeGroup(Unpooled.wrappedBuffer(group.value()));
        assertEquals(5, back.groupEpoch());
        assertEquals(m.memberId(), back.members().getFirst().memberId());
        assertEquals(m.assigned(), back.members().getFirst().assigned());
        assertEquals(m.subscribedTopicNames(), back.members().getFirst().subscribedTopicNames());
        assertEquals(
                new GroupRecords.UnknownKey((short) 99),
                GroupRecords.decodeKey(Unpooled.wrappedBuffer(new byte[] {0, 99, 1})));
    }
}

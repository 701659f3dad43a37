package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What well-behaved clients never send to the group coordinator, over raw sockets: commits from
 * strangers and stale generations, empty and too long group ids, unknown partitions and key
 * types. Each gets Kafka's error and changes nothing.
 */
class GroupBadInputTest {
    private static final String TOPIC = "bad-group-input";
    private static final String GROUP = "guarded";
    private static final String TOO_LONG = "g".repeat(256);
    private static InProcessBroker broker;
    private static KafkaConsumer<String, String> member;
    private static ConsumerGroupMetadata metadata;

    @BeforeAll
    static void start() throws Exception {
        broker = InProcessBroker.start(GroupTesting.fastGroups());
        Clients.createTopic(broker.bootstrap(), TOPIC, 2, Map.of());
        Map<String, Object> config = new HashMap<>(GroupTesting.consumerConfig("classic"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        member = Clients.consumer(broker.bootstrap(), config);
        member.subscribe(List.of(TOPIC));
        Await.until("the member is assigned", Duration.ofSeconds(30), () -> {
            member.poll(Duration.ofMillis(100));
            return member.assignment().size() == 2;
        });
        member.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(5)));
        metadata = member.groupMetadata();
    }

    @AfterAll
    static void stop() {
        member.close();
        broker.close();
    }

    private static Errors commit(String group, int generation, String memberId, String topic, int partition)
            throws Exception {
        OffsetCommitRequestData data = new OffsetCommitRequestData()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(generation)
                .setMemberId(memberId)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(99)))));
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            OffsetCommitResponse r = (OffsetCommitResponse)
                    c.call(OffsetCommitRequest.Builder.forTopicNames(data).build((short) 8));
            return Errors.forCode(
                    r.data().topics().getFirst().partitions().getFirst().errorCode());
        }
    }

    private static long committed(int partition) throws Exception {
        return member.committed(java.util.Set.of(new TopicPartition(TOPIC, partition)))
                .get(new TopicPartition(TOPIC, partition))
                .offset();
    }

    @Test
    void shouldRefuseCommitsFromUnknownMembersAndOldGenerationsAndKeepTheOffset() throws Exception {
        int generation = metadata.generationId();
        assertEquals(Errors.UNKNOWN_MEMBER_ID, commit(GROUP, generation, "intruder", TOPIC, 0));
        assertEquals(Errors.ILLEGAL_GENERATION, commit(GROUP, generation - 1, metadata.memberId(), TOPIC, 0));
        assertEquals(Errors.ILLEGAL_GENERATION, commit(GROUP, generation + 1, metadata.memberId(), TOPIC, 0));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, commit(GROUP, -1, "", TOPIC, 0), "no admin commits to a live group");
        assertEquals(5, committed(0));
    }

    @Test
    void shouldRefuseCommitsToPartitionsThatDoNotExist() throws Exception {
        int generation = metadata.generationId();
        assertEquals(
                Errors.UNKNOWN_TOPIC_OR_PARTITION, commit(GROUP, generation, metadata.memberId(), "no-such-topic", 0));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, commit(GROUP, generation, metadata.memberId(), TOPIC, 99));
        assertEquals(5, committed(0));
    }

    @Test
    void shouldRefuseEmptyAndTooLongGroupIdsEverywhere() throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            for (String id : List.of("", TOO_LONG)) {
                JoinGroupResponse join =
                        (JoinGroupResponse) c.call(new JoinGroupRequest.Builder(new JoinGroupRequestData()
                                        .setGroupId(id)
                                        .setMemberId("")
                                        .setSessionTimeoutMs(3000)
                                        .setRebalanceTimeoutMs(3000)
                                        .setProtocolType("consumer")
                                        .setProtocols(new JoinGroupRequestData.JoinGroupRequestProtocolCollection(
                                                List.of(new JoinGroupRequestData.JoinGroupRequestProtocol()
                                                                .setName("range")
                                                                .setMetadata(new byte[0]))
                                                        .iterator())))
                                .build((short) 9));
                assertEquals(Errors.INVALID_GROUP_ID, join.error(), "JoinGroup '" + id + "'");
                HeartbeatResponse hb =
                        (HeartbeatResponse) c.call(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                                        .setGroupId(id)
                                        .setMemberId("m")
                                        .setGenerationId(1))
                                .build((short) 4));
                assertEquals(Errors.INVALID_GROUP_ID, hb.error());
                SyncGroupResponse sync =
                        (SyncGroupResponse) c.call(new SyncGroupRequest.Builder(new SyncGroupRequestData()
                                        .setGroupId(id)
                                        .setMemberId("m")
                                        .setGenerationId(1))
                                .build((short) 5));
                assertEquals(Errors.INVALID_GROUP_ID, sync.error());
                assertEquals(Errors.INVALID_GROUP_ID, commit(id, -1, "", TOPIC, 0));
                OffsetFetchResponse fetch = (OffsetFetchResponse) c.call(OffsetFetchRequest.Builder.forTopicNames(
                                new OffsetFetchRequestData()
                                        .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                                                .setGroupId(id)
                                                .setTopics(null))),
                                false)
                        .build((short) 8));
                assertEquals(
                        Errors.INVALID_GROUP_ID.code(),
                        fetch.data().groups().getFirst().errorCode());
                DescribeGroupsResponse describe = (DescribeGroupsResponse)
                        c.call(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData().setGroups(List.of(id)))
                                .build((short) 5));
                assertEquals(
                        Errors.INVALID_GROUP_ID.code(),
                        describe.data().groups().getFirst().errorCode());
                DeleteGroupsResponse delete = (DeleteGroupsResponse) c.call(
                        new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData().setGroupsNames(List.of(id)))
                                .build((short) 2));
                assertEquals(
                        Errors.INVALID_GROUP_ID.code(),
                        delete.data().results().iterator().next().errorCode());
            }
            ConsumerGroupHeartbeatResponse cg = (ConsumerGroupHeartbeatResponse)
                    c.call(new ConsumerGroupHeartbeatRequest.Builder(new ConsumerGroupHeartbeatRequestData()
                                    .setGroupId("")
                                    .setMemberId("m")
                                    .setMemberEpoch(0))
                            .build((short) 1));
            assertEquals(Errors.INVALID_REQUEST.code(), cg.data().errorCode());
        }
    }

    @Test
    void shouldRefuseHeartbeatsAndSyncsFromStrangersAndStaleGenerations() throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            HeartbeatResponse stale = (HeartbeatResponse) c.call(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                            .setGroupId(GROUP)
                            .setMemberId(metadata.memberId())
                            .setGenerationId(metadata.generationId() - 1))
                    .build((short) 4));
            assertEquals(Errors.ILLEGAL_GENERATION, stale.error());
            HeartbeatResponse stranger =
                    (HeartbeatResponse) c.call(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                                    .setGroupId(GROUP)
                                    .setMemberId("stranger")
                                    .setGenerationId(metadata.generationId()))
                            .build((short) 4));
            assertEquals(Errors.UNKNOWN_MEMBER_ID, stranger.error());
            SyncGroupResponse sync = (SyncGroupResponse) c.call(new SyncGroupRequest.Builder(new SyncGroupRequestData()
                            .setGroupId(GROUP)
                            .setMemberId("stranger")
                            .setGenerationId(metadata.generationId()))
                    .build((short) 5));
            assertEquals(Errors.UNKNOWN_MEMBER_ID, sync.error());
        }
        assertEquals(2, member.assignment().size(), "the real member is undisturbed");
    }

    @Test
    void shouldLocateGroupsAndTransactionalIdsInBatches() throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            FindCoordinatorResponse batch =
                    (FindCoordinatorResponse) c.call(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                                    .setKeyType((byte) 0)
                                    .setCoordinatorKeys(List.of("a", "b", GROUP)))
                            .build((short) 4));
            assertEquals(3, batch.data().coordinators().size());
            for (var coordinator : batch.data().coordinators()) {
                assertEquals(Errors.NONE.code(), coordinator.errorCode());
                assertEquals(broker.port(), coordinator.port());
            }
            FindCoordinatorResponse single =
                    (FindCoordinatorResponse) c.call(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                                    .setKeyType((byte) 0)
                                    .setKey(GROUP))
                            .build((short) 3));
            assertEquals(Errors.NONE, single.error());
            assertEquals(broker.port(), single.data().port());
            // Transactional ids (key type 1) have their coordinator too, in __transaction_state
            // (created by the first lookup; clients retry COORDINATOR_NOT_AVAILABLE meanwhile).
            FindCoordinatorResponse[] txn = new FindCoordinatorResponse[1];
            Await.until("the transaction coordinator", java.time.Duration.ofSeconds(30), () -> {
                try {
                    txn[0] = (FindCoordinatorResponse)
                            c.call(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                                            .setKeyType((byte) 1)
                                            .setCoordinatorKeys(List.of("my-transactional-id")))
                                    .build((short) 4));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return txn[0].data().coordinators().getFirst().errorCode() == Errors.NONE.code();
            });
            assertEquals(broker.port(), txn[0].data().coordinators().getFirst().port());
        }
    }

    @Test
    void shouldRefuseClientWritesToTheOffsetsTopic() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "forged".getBytes()));
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            assertEquals(
                    Errors.INVALID_TOPIC_EXCEPTION.code(),
                    c.produce("__consumer_offsets", 0, null, (short) 1, records, (short) 9)
                            .errorCode());
        }
        assertEquals(5, committed(0), "the coordinator's state is untouched");
    }
}

package io.tributary.tests.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CreatePartitions, DescribeTopicPartitions, DescribeCluster, DescribeLogDirs, ElectLeaders,
 * DescribeProducers, DeleteRecords, features and topic auto-creation through the Admin client.
 */
class ClusterAdminTest {
    private static InProcessBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start();
        admin = Clients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static TopicDescription describeTopic(String name) throws Exception {
        return admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
    }

    private static void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    @Test
    void shouldIncreasePartitionsAndRefuseDecreasesAndUnknownTopics() throws Exception {
        Clients.createTopic(broker.bootstrap(), "grow", 2, Map.of());
        admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(5)))
                .all()
                .get();
        assertEquals(5, describeTopic("grow").partitions().size());
        produce("grow", 4, 3);

        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3)))
                        .all()
                        .get());
        assertInstanceOf(InvalidPartitionsException.class, e.getCause());
        assertTrue(
                e.getCause().getMessage().contains("would not be an increase"),
                e.getCause().getMessage());
        e = assertThrows(
                ExecutionException.class,
                () -> admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(5)))
                        .all()
                        .get());
        assertInstanceOf(InvalidPartitionsException.class, e.getCause());
        e = assertThrows(
                ExecutionException.class,
                () -> admin.createPartitions(Map.of("nowhere", NewPartitions.increaseTo(5)))
                        .all()
                        .get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
    }

    @Test
    void shouldCreatePartitionsWithAssignmentsAndValidateOnly() throws Exception {
        Clients.createTopic(broker.bootstrap(), "assigned", 1, Map.of());
        admin.createPartitions(
                        Map.of("assigned", NewPartitions.increaseTo(3)),
                        new CreatePartitionsOptions().validateOnly(true))
                .all()
                .get();
        assertEquals(1, describeTopic("assigned").partitions().size());
        admin.createPartitions(Map.of("assigned", NewPartitions.increaseTo(3, List.of(List.of(1), List.of(1)))))
                .all()
                .get();
        assertEquals(3, describeTopic("assigned").partitions().size());
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> admin.createPartitions(Map.of("assigned", NewPartitions.increaseTo(4, List.of(List.of(7)))))
                        .all()
                        .get());
        assertInstanceOf(InvalidReplicaAssignmentException.class, e.getCause());
    }

    @Test
    void shouldRefuseAReplicationFactorAboveTheBrokerCount() {
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("too-many-replicas", 1, (short) 3)))
                        .all()
                        .get());
        assertInstanceOf(InvalidReplicationFactorException.class, e.getCause());
    }

    @Test
    void shouldDescribeTopicsPageByPageInOrder() throws Exception {
        Clients.createTopic(broker.bootstrap(), "paged-a", 5, Map.of());
        Clients.createTopic(broker.bootstrap(), "paged-b", 3, Map.of());
        Map<String, TopicDescription> topics = admin.describeTopics(
                        List.of("paged-b", "paged-a"), new DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
                .allTopicNames()
                .get();
        TopicDescription a = topics.get("paged-a");
        assertEquals(
                List.of(0, 1, 2, 3, 4),
                a.partitions().stream().map(TopicPartitionInfo::partition).toList());
        assertEquals(3, topics.get("paged-b").partitions().size());
        TopicPartitionInfo p0 = a.partitions().getFirst();
        assertEquals(1, p0.leader().id());
        assertEquals(List.of(1), p0.replicas().stream().map(Node::id).toList());
        assertEquals(List.of(1), p0.isr().stream().map(Node::id).toList());
        assertFalse(a.isInternal());
        assertNotNull(a.topicId());
        ExecutionException e = assertThrows(ExecutionException.class, () -> describeTopic("missing-topic"));
        assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
    }

    @Test
    void shouldDescribeTheCluster() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        String clusterId = cluster.clusterId().get();
        assertNotNull(clusterId);
        assertEquals(22, clusterId.length(), clusterId);
        assertEquals(1, cluster.controller().get().id());
        List<Node> nodes = List.copyOf(cluster.nodes().get());
        assertEquals(1, nodes.size());
        assertEquals(broker.port(), nodes.getFirst().port());
        assertEquals("127.0.0.1", nodes.getFirst().host());
    }

    @Test
    void shouldDescribeLogDirsWithPartitionSizes() throws Exception {
        Clients.createTopic(broker.bootstrap(), "sized", 2, Map.of());
        produce("sized", 1, 20);
        Map<String, LogDirDescription> dirs =
                admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
        Path expected = broker.dataDir().resolve("logs").toAbsolutePath();
        LogDirDescription dir = dirs.get(expected.toString());
        assertNotNull(dir, dirs.keySet().toString());
        ReplicaInfo p1 = dir.replicaInfos().get(new TopicPartition("sized", 1));
        ReplicaInfo p0 = dir.replicaInfos().get(new TopicPartition("sized", 0));
        assertTrue(p1.size() > 0, "size of a partition with records: " + p1.size());
        assertEquals(0, p0.size());
        assertTrue(dir.totalBytes().orElseThrow() > 0);
        assertTrue(dir.usableBytes().orElseThrow() > 0);
        assertNotNull(
                admin.describeReplicaLogDirs(List.of(new org.apache.kafka.common.TopicPartitionReplica("sized", 1, 1)))
                        .all()
                        .get()
                        .values()
                        .iterator()
                        .next()
                        .getCurrentReplicaLogDir());
    }

    @Test
    void shouldAnswerElectionNotNeededForThePreferredLeader() throws Exception {
        Clients.createTopic(broker.bootstrap(), "elected", 2, Map.of());
        TopicPartition tp = new TopicPartition("elected", 0);
        Map<TopicPartition, Optional<Throwable>> result = admin.electLeaders(ElectionType.PREFERRED, Set.of(tp))
                .partitions()
                .get();
        assertInstanceOf(ElectionNotNeededException.class, result.get(tp).orElseThrow());
        assertTrue(admin.electLeaders(ElectionType.PREFERRED, null)
                .partitions()
                .get()
                .isEmpty());
        Map<TopicPartition, Optional<Throwable>> unknown = admin.electLeaders(
                        ElectionType.PREFERRED, Set.of(new TopicPartition("elected", 9)))
                .partitions()
                .get();
        assertInstanceOf(
                UnknownTopicOrPartitionException.class,
                unknown.get(new TopicPartition("elected", 9)).orElseThrow());
    }

    @Test
    void shouldDescribeIdempotentProducers() throws Exception {
        Clients.createTopic(broker.bootstrap(), "produced", 1, Map.of());
        produce("produced", 0, 5);
        TopicPartition tp = new TopicPartition("produced", 0);
        List<ProducerState> producers =
                admin.describeProducers(List.of(tp)).all().get().get(tp).activeProducers();
        assertEquals(1, producers.size());
        ProducerState state = producers.getFirst();
        assertTrue(state.producerId() >= 0);
        assertEquals(0, state.producerEpoch());
        assertEquals(4, state.lastSequence());
        assertTrue(state.lastTimestamp() > 0);
        assertTrue(state.currentTransactionStartOffset().isEmpty());
        // The Admin client retries a partition it cannot find in metadata; ask the broker directly.
        DescribeProducersRequestData data = new DescribeProducersRequestData();
        data.topics()
                .add(new DescribeProducersRequestData.TopicRequest()
                        .setName("produced")
                        .setPartitionIndexes(List.of(0, 3)));
        try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
            DescribeProducersResponse response =
                    (DescribeProducersResponse) raw.call(new DescribeProducersRequest.Builder(data).build((short) 0));
            List<DescribeProducersResponseData.PartitionResponse> partitions =
                    response.data().topics().getFirst().partitions();
            assertEquals(Errors.NONE.code(), partitions.get(0).errorCode());
            assertEquals(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partitions.get(1).errorCode());
        }
    }

    @Test
    void shouldDeleteRecordsUpToAnOffsetAndReportTheLowWatermark() throws Exception {
        Clients.createTopic(broker.bootstrap(), "trimmed", 1, Map.of());
        produce("trimmed", 0, 10);
        TopicPartition tp = new TopicPartition("trimmed", 0);
        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
                .lowWatermarks()
                .get(tp)
                .get()
                .lowWatermark();
        assertEquals(4, low);
        ListOffsetsResult.ListOffsetsResultInfo earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                .partitionResult(tp)
                .get();
        assertEquals(4, earliest.offset());
        // Lower than the start: nothing changes.
        assertEquals(
                4,
                admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2)))
                        .lowWatermarks()
                        .get(tp)
                        .get()
                        .lowWatermark());
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(11)))
                        .lowWatermarks()
                        .get(tp)
                        .get());
        assertInstanceOf(OffsetOutOfRangeException.class, e.getCause());
        assertEquals(
                10,
                admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1)))
                        .lowWatermarks()
                        .get(tp)
                        .get()
                        .lowWatermark());
    }

    @Test
    void shouldAnswerListOffsetsVersionsWithoutLeaderEpochs() throws Exception {
        Clients.createTopic(broker.bootstrap(), "old-list-offsets", 1, Map.of());
        produce("old-list-offsets", 0, 2);
        for (short version = 1; version <= 4; version++) {
            ListOffsetsRequest.Builder request = ListOffsetsRequest.Builder.forConsumer(
                            false, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)
                    .setTargetTimes(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                            .setName("old-list-offsets")
                            .setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                                    .setPartitionIndex(0)
                                    .setTimestamp(-1)))));
            try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
                ListOffsetsResponse response = (ListOffsetsResponse) raw.call(request.build(version));
                ListOffsetsResponseData.ListOffsetsPartitionResponse p =
                        response.data().topics().getFirst().partitions().getFirst();
                assertEquals(Errors.NONE.code(), p.errorCode(), "v" + version);
                assertEquals(2, p.offset(), "v" + version);
            }
        }
    }

    @Test
    void shouldRefuseToDeleteRecordsOfACompactedTopic() throws Exception {
        Clients.createTopic(broker.bootstrap(), "compacted-only", 1, Map.of("cleanup.policy", "compact"));
        produce("compacted-only", 0, 3);
        TopicPartition tp = new TopicPartition("compacted-only", 0);
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(1)))
                        .lowWatermarks()
                        .get(tp)
                        .get());
        assertInstanceOf(PolicyViolationException.class, e.getCause());
    }

    @Test
    void shouldDescribeFeaturesAsKafka44WithTransactionsV2AndWithoutUnbuiltOnes() throws Exception {
        FeatureMetadata features = admin.describeFeatures().featureMetadata().get();
        FinalizedVersionRange metadata = features.finalizedFeatures().get("metadata.version");
        assertEquals(33, metadata.maxVersionLevel());
        assertEquals(7, features.supportedFeatures().get("metadata.version").minVersion());
        assertEquals(33, features.supportedFeatures().get("metadata.version").maxVersion());
        assertTrue(features.finalizedFeaturesEpoch().isPresent());
        assertEquals(2, features.finalizedFeatures().get("transaction.version").maxVersionLevel());
        assertEquals(0, features.supportedFeatures().get("transaction.version").minVersion());
        assertEquals(2, features.supportedFeatures().get("transaction.version").maxVersion());
        assertFalse(features.finalizedFeatures().containsKey("group.version"));

        admin.updateFeatures(
                        Map.of("metadata.version", new FeatureUpdate((short) 33, FeatureUpdate.UpgradeType.UPGRADE)),
                        new UpdateFeaturesOptions())
                .all()
                .get();
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> admin.updateFeatures(
                                Map.of(
                                        "transaction.version",
                                        new FeatureUpdate((short) 3, FeatureUpdate.UpgradeType.UPGRADE)),
                                new UpdateFeaturesOptions())
                        .all()
                        .get());
        assertInstanceOf(InvalidUpdateVersionException.class, e.getCause());
    }

    @Test
    void shouldAutoCreateTopicsFromMetadataButNeverFromProduce() throws Exception {
        try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
            assertEquals(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    raw.produce("produced-to-nothing", 0, null, (short) 1, records, (short) 9)
                            .errorCode());
            assertFalse(admin.listTopics().names().get().contains("produced-to-nothing"));

            MetadataRequestData md = new MetadataRequestData().setAllowAutoTopicCreation(true);
            md.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("made-by-metadata"));
            MetadataResponse metadata = (MetadataResponse) raw.call(new MetadataRequest.Builder(md).build((short) 12));
            assertEquals(Errors.NONE, metadata.errors().getOrDefault("made-by-metadata", Errors.NONE));
            assertTrue(admin.listTopics().names().get().contains("made-by-metadata"));
        }
    }
}

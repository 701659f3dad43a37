package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fetch as Kafka defines it: long polls, byte limits, out-of-range offsets, topic ids. */
class FetchSemanticsTest {
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Uuid topicId(String topic) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .topicId();
        }
    }

    private static FetchRequest fetch(
            String topic, Uuid id, long offset, int partitionMaxBytes, int maxWait, short version) {
        return fetch(topic, id, offset, partitionMaxBytes, maxWait, version, Optional.empty());
    }

    private static FetchRequest fetch(
            String topic,
            Uuid id,
            long offset,
            int partitionMaxBytes,
            int maxWait,
            short version,
            Optional<Integer> currentLeaderEpoch) {
        Map<TopicPartition, FetchRequest.PartitionData> data = new LinkedHashMap<>();
        data.put(
                new TopicPartition(topic, 0),
                new FetchRequest.PartitionData(id, offset, -1, partitionMaxBytes, currentLeaderEpoch));
        return FetchRequest.Builder.forConsumer(version, maxWait, 1, data).build(version);
    }

    /** Partition 0's leader epoch, as Metadata reports it. */
    private static int leaderEpoch(RawClient c, String topic) throws Exception {
        MetadataResponse r =
                (MetadataResponse) c.call(new MetadataRequest.Builder(List.of(topic), false).build((short) 12));
        return r.topicMetadata()
                .iterator()
                .next()
                .partitionMetadata()
                .getFirst()
                .leaderEpoch
                .orElseThrow();
    }

    private static FetchResponseData.PartitionData only(FetchResponse r) {
        return r.data().responses().getFirst().partitions().getFirst();
    }

    @Test
    void shouldAnswerAWaitingFetchAsSoonAsARecordArrives() throws Exception {
        Clients.createTopic(broker.bootstrap(), "long-poll", 1, Map.of());
        Uuid id = topicId("long-poll");
        try (RawClient c = new RawClient("127.0.0.1", broker.port());
                KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            // Wait up to a minute; the answer must come once the record is stored, not at the deadline.
            RequestHeader header = c.send(fetch("long-poll", id, 0, 1 << 20, 60_000, (short) 17));
            producer.send(new ProducerRecord<>("long-poll", "k", "v")).get();
            long t0 = System.nanoTime();
            FetchResponse response = (FetchResponse)
                    org.apache.kafka.common.requests.AbstractResponse.parseResponse(c.readFrame(), header);
            assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "answered long before max.wait.ms");
            FetchResponseData.PartitionData p = only(response);
            assertEquals(Errors.NONE.code(), p.errorCode());
            assertEquals(1, p.highWatermark());
            MemoryRecords records = (MemoryRecords) p.records();
            assertEquals(1, records.batches().iterator().next().countOrNull());
        }
    }

    @Test
    void shouldReturnTheFirstBatchEvenWhenLargerThanTheLimitButNoMore() throws Exception {
        Clients.createTopic(broker.bootstrap(), "limits", 1, Map.of());
        Uuid id = topicId("limits");
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("limits", "k", "x".repeat(1000)))
                        .get();
            }
        }
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            FetchResponse response = (FetchResponse) c.call(fetch("limits", id, 0, 10, 0, (short) 17));
            MemoryRecords records = (MemoryRecords) only(response).records();
            int batches = 0;
            for (RecordBatch b : records.batches()) {
                batches++;
                assertEquals(0, b.baseOffset());
            }
            assertEquals(1, batches, "one whole batch despite a 10-byte limit (KIP-74), and no more");
            FetchResponse all = (FetchResponse) c.call(fetch("limits", id, 1, 1 << 20, 0, (short) 17));
            long count = 0;
            for (RecordBatch b : ((MemoryRecords) only(all).records()).batches()) {
                count += b.countOrNull();
                assertTrue(b.lastOffset() >= 1);
            }
            assertEquals(2, count, "a fetch from offset 1 starts at the batch holding it");
        }
    }

    @Test
    void shouldAnswerOffsetOutOfRangeBeyondTheLogEnd() throws Exception {
        Clients.createTopic(broker.bootstrap(), "range", 1, Map.of());
        Uuid id = topicId("range");
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            FetchResponse response = (FetchResponse) c.call(fetch("range", id, 42, 1 << 20, 0, (short) 17));
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), only(response).errorCode());
        }
    }

    @Test
    void shouldCheckTheLeaderEpochTheConsumerSends() throws Exception {
        Clients.createTopic(broker.bootstrap(), "epochs", 1, Map.of());
        Uuid id = topicId("epochs");
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            int epoch = leaderEpoch(c, "epochs");
            FetchResponse same =
                    (FetchResponse) c.call(fetch("epochs", id, 0, 1 << 20, 0, (short) 17, Optional.of(epoch)));
            FetchResponse newer =
                    (FetchResponse) c.call(fetch("epochs", id, 0, 1 << 20, 0, (short) 17, Optional.of(epoch + 1)));

            assertEquals(Errors.NONE.code(), only(same).errorCode());
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), only(newer).errorCode());
        }
    }

    @Test
    void shouldAnswerUnknownTopicIdForAnUnknownId() throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            FetchResponse response =
                    (FetchResponse) c.call(fetch("whatever", Uuid.randomUuid(), 0, 1 << 20, 0, (short) 17));
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), only(response).errorCode());
        }
    }

    @Test
    void shouldServeOldFetchVersionsByName() throws Exception {
        Clients.createTopic(broker.bootstrap(), "by-name", 1, Map.of());
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>("by-name", "k", "v")).get();
        }
        for (short v = 4; v <= 12; v++) {
            try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
                FetchResponse response = (FetchResponse) c.call(fetch("by-name", Uuid.ZERO_UUID, 0, 1 << 20, 0, v));
                assertEquals(Errors.NONE.code(), only(response).errorCode(), "version " + v);
                assertEquals(1, only(response).highWatermark(), "version " + v);
            }
        }
    }
}

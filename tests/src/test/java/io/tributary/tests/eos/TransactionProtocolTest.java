package io.tributary.tests.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transaction APIs over raw sockets, version by version: what each produce version gets for a
 * transactional batch of a partition not in the transaction (KIP-890), EndTxn v5's bumped epoch,
 * the errors older clients expect, batched verification (AddPartitionsToTxn v4+), WriteTxnMarkers
 * from another coordinator, and duplicates of a transactional batch before and after a restart.
 */
class TransactionProtocolTest {
    private static final String TOPIC = "raw-txn";
    private static InProcessBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = InProcessBroker.start(TxnTesting.broker(2));
        Clients.createTopic(broker.bootstrap(), TOPIC, 4, Map.of());
        try (RawClient c = client()) {
            // The first lookup creates __transaction_state; clients retry until it is ready.
            io.tributary.tests.support.Await.until("the transaction coordinator", Duration.ofSeconds(30), () -> {
                try {
                    FindCoordinatorResponse found = (FindCoordinatorResponse)
                            c.call(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                                            .setKeyType((byte) 1)
                                            .setKey("raw"))
                                    .build((short) 3));
                    return found.error() == Errors.NONE;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static RawClient client() throws Exception {
        return new RawClient("127.0.0.1", broker.port());
    }

    private record Producer(long id, short epoch) {}

    private static Producer init(RawClient c, String transactionalId, short version) throws Exception {
        InitProducerIdResponse r =
                (InitProducerIdResponse) c.call(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                                .setTransactionalId(transactionalId)
                                .setTransactionTimeoutMs(60_000))
                        .build(version));
        assertEquals(Errors.NONE.code(), r.data().errorCode());
        return new Producer(r.data().producerId(), r.data().producerEpoch());
    }

    private static Errors addPartitions(RawClient c, String id, Producer p, int partition, short version)
            throws Exception {
        AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse) c.call(AddPartitionsToTxnRequest.Builder.forClient(
                        id, p.id(), p.epoch(), List.of(new TopicPartition(TOPIC, partition)))
                .build(version));
        return r.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(new TopicPartition(TOPIC, partition));
    }

    private static EndTxnResponse endTxn(
            RawClient c, String id, long producerId, short epoch, boolean commit, short version) throws Exception {
        return (EndTxnResponse) c.call(new EndTxnRequest.Builder(
                        new EndTxnRequestData()
                                .setTransactionalId(id)
                                .setProducerId(producerId)
                                .setProducerEpoch(epoch)
                                .setCommitted(commit),
                        version >= 5)
                .build(version));
    }

    private static ProduceResponseData produce(
            RawClient c, String transactionalId, int partition, MemoryRecords records, short version) throws Exception {
        var p = c.produce(TOPIC, partition, transactionalId, (short) -1, records, version);
        return new ProduceResponseData(Errors.forCode(p.errorCode()), p.baseOffset());
    }

    private record ProduceResponseData(Errors error, long baseOffset) {}

    private static MemoryRecords txnBatch(Producer p, int sequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, values[i].getBytes());
        }
        return MemoryRecords.withTransactionalRecords(Compression.NONE, p.id(), p.epoch(), sequence, records);
    }

    @Test
    void shouldAnswerEachProduceVersionAsKafkaWhenThePartitionIsNotInTheTransaction() throws Exception {
        try (RawClient c = client()) {
            Producer p = init(c, "unverified", (short) 5);
            assertEquals(
                    Errors.INVALID_TXN_STATE,
                    produce(c, "unverified", 0, txnBatch(p, 0, "x"), (short) 10).error());
            assertEquals(
                    Errors.TRANSACTION_ABORTABLE,
                    produce(c, "unverified", 0, txnBatch(p, 0, "x"), (short) 11).error());
            // Produce v12 is Transactions V2: the write adds its partition to the transaction itself.
            assertEquals(
                    Errors.NONE,
                    produce(c, "unverified", 0, txnBatch(p, 0, "x"), (short) 12).error());
            assertEquals(
                    Errors.NONE,
                    produce(c, "unverified", 0, txnBatch(p, 1, "y"), (short) 11).error());
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                assertEquals(
                        java.util.Set.of(new TopicPartition(TOPIC, 0)),
                        TxnTesting.describe(admin, "unverified").topicPartitions());
            }
            assertEquals(
                    Errors.INVALID_TXN_STATE,
                    produce(c, null, 1, txnBatch(p, 0, "z"), (short) 11).error(),
                    "a transactional batch without a transactional id");
            EndTxnResponse end = endTxn(c, "unverified", p.id(), p.epoch(), false, (short) 5);
            assertEquals(Errors.NONE, end.error());
        }
    }

    @Test
    void shouldBumpTheEpochWithEndTxnV5AndRefuseTheOldEpochAfterwards() throws Exception {
        try (RawClient c = client()) {
            Producer p = init(c, "bumped", (short) 5);
            assertEquals(
                    Errors.NONE,
                    produce(c, "bumped", 1, txnBatch(p, 0, "a", "b"), (short) 12)
                            .error());
            EndTxnResponse end = endTxn(c, "bumped", p.id(), p.epoch(), true, (short) 5);
            assertEquals(Errors.NONE, end.error());
            assertEquals(p.id(), end.data().producerId());
            assertEquals(p.epoch() + 1, end.data().producerEpoch());
            assertEquals(
                    Errors.INVALID_PRODUCER_EPOCH,
                    produce(c, "bumped", 1, txnBatch(p, 2, "late"), (short) 12).error(),
                    "a write of the ended transaction is fenced by the marker's epoch");
            Producer next = new Producer(p.id(), end.data().producerEpoch());
            assertEquals(
                    Errors.NONE,
                    produce(c, "bumped", 1, txnBatch(next, 0, "c"), (short) 12).error());
            assertEquals(
                    Errors.NONE,
                    endTxn(c, "bumped", next.id(), next.epoch(), true, (short) 5)
                            .error());
        }
        assertEquals(List.of("a", "b", "c"), committedValues(1));
    }

    @Test
    void shouldAnswerOldClientsInvalidProducerEpochWherePRODUCER_FENCEDIsTooNew() throws Exception {
        try (RawClient c = client()) {
            Producer old = init(c, "old-client", (short) 1);
            Producer current = init(c, "old-client", (short) 1);
            assertEquals(old.epoch() + 1, current.epoch());
            assertEquals(Errors.INVALID_PRODUCER_EPOCH, addPartitions(c, "old-client", old, 2, (short) 1));
            assertEquals(Errors.PRODUCER_FENCED, addPartitions(c, "old-client", old, 2, (short) 2));
            assertEquals(
                    Errors.INVALID_PRODUCER_EPOCH,
                    endTxn(c, "old-client", old.id(), old.epoch(), true, (short) 1)
                            .error());
            assertEquals(
                    Errors.PRODUCER_FENCED,
                    endTxn(c, "old-client", old.id(), old.epoch(), true, (short) 2)
                            .error());
            InitProducerIdRequestData recover = new InitProducerIdRequestData()
                    .setTransactionalId("old-client")
                    .setTransactionTimeoutMs(60_000)
                    .setProducerId(old.id())
                    .setProducerEpoch((short) 17);
            assertEquals(
                    Errors.INVALID_PRODUCER_EPOCH.code(),
                    ((InitProducerIdResponse) c.call(new InitProducerIdRequest.Builder(recover).build((short) 3)))
                            .data()
                            .errorCode());
            assertEquals(
                    Errors.PRODUCER_FENCED.code(),
                    ((InitProducerIdResponse) c.call(new InitProducerIdRequest.Builder(recover).build((short) 4)))
                            .data()
                            .errorCode());
            InitProducerIdResponse tooLong =
                    (InitProducerIdResponse) c.call(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                                    .setTransactionalId("old-client")
                                    .setTransactionTimeoutMs(900_001))
                            .build((short) 4));
            assertEquals(
                    Errors.INVALID_TRANSACTION_TIMEOUT.code(), tooLong.data().errorCode());
        }
    }

    @Test
    void shouldVerifySeveralTransactionsInOneAddPartitionsToTxnRequest() throws Exception {
        try (RawClient c = client()) {
            Producer p = init(c, "verified", (short) 5);
            assertEquals(Errors.NONE, addPartitions(c, "verified", p, 2, (short) 3));
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns =
                    new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
            txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                    .setTransactionalId("verified")
                    .setProducerId(p.id())
                    .setProducerEpoch(p.epoch())
                    .setVerifyOnly(true)
                    .setTopics(topics(2, 3)));
            txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                    .setTransactionalId("stranger")
                    .setProducerId(p.id())
                    .setProducerEpoch(p.epoch())
                    .setVerifyOnly(true)
                    .setTopics(topics(2)));
            AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse)
                    c.call(AddPartitionsToTxnRequest.Builder.forBroker(txns).build((short) 5));
            assertEquals(Errors.NONE.code(), r.data().errorCode());
            Map<String, Map<TopicPartition, Errors>> errors = r.errors();
            assertEquals(Errors.NONE, errors.get("verified").get(new TopicPartition(TOPIC, 2)));
            assertEquals(Errors.TRANSACTION_ABORTABLE, errors.get("verified").get(new TopicPartition(TOPIC, 3)));
            assertEquals(
                    Errors.INVALID_PRODUCER_ID_MAPPING, errors.get("stranger").get(new TopicPartition(TOPIC, 2)));
            assertEquals(
                    Errors.NONE,
                    endTxn(c, "verified", p.id(), p.epoch(), false, (short) 4).error());
        }
    }

    private static AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics(int... partitions) {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic()
                .setName(TOPIC)
                .setPartitions(java.util.Arrays.stream(partitions).boxed().toList()));
        return topics;
    }

    @Test
    void shouldWriteMarkersSentByAnotherCoordinator() throws Exception {
        try (RawClient c = client();
                Admin admin = Clients.admin(broker.bootstrap())) {
            // An open transaction in partition 3 whose coordinator is, for this request, elsewhere.
            Producer p = init(c, "remote", (short) 5);
            assertEquals(
                    Errors.NONE,
                    produce(c, "remote", 3, txnBatch(p, 0, "remote-1"), (short) 12)
                            .error());
            TopicPartition tp = new TopicPartition(TOPIC, 3);
            long stableBefore = TxnTesting.endOffset(admin, tp, true);
            assertEquals(Errors.NONE.code(), partitionError(writeMarker(c, p, 3, 1000)));
            assertEquals(TxnTesting.endOffset(admin, tp, false), TxnTesting.endOffset(admin, tp, true));
            assertTrue(TxnTesting.endOffset(admin, tp, true) > stableBefore, "the marker moved the last stable offset");
            assertEquals(
                    Errors.TRANSACTION_COORDINATOR_FENCED.code(),
                    partitionError(writeMarker(c, p, 3, 999)),
                    "a marker from an older coordinator");
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partitionError(writeMarker(c, p, 99, 1000)));
            assertEquals(
                    Errors.NONE,
                    endTxn(c, "remote", p.id(), p.epoch(), false, (short) 5).error());
        }
    }

    private static WriteTxnMarkersResponse writeMarker(RawClient c, Producer p, int partition, int coordinatorEpoch)
            throws Exception {
        WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData()
                .setMarkers(List.of(new WriteTxnMarkersRequestData.WritableTxnMarker()
                        .setProducerId(p.id())
                        .setProducerEpoch(p.epoch())
                        .setTransactionResult(true)
                        .setCoordinatorEpoch(coordinatorEpoch)
                        .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                                .setName(TOPIC)
                                .setPartitionIndexes(List.of(partition))))));
        return (WriteTxnMarkersResponse) c.call(new WriteTxnMarkersRequest.Builder(data).build((short) 1));
    }

    private static short partitionError(WriteTxnMarkersResponse r) {
        WriteTxnMarkersResponseData.WritableTxnMarkerResult m =
                r.data().markers().getFirst();
        return m.topics().getFirst().partitions().getFirst().errorCode();
    }

    @Test
    void shouldStoreARedeliveredTransactionalBatchOnceBeforeAndAfterARestart() throws Exception {
        String topic = "txn-dedupe";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        Producer p;
        long first;
        MemoryRecords batch;
        try (RawClient c = client()) {
            p = init(c, "redelivered", (short) 5);
            batch = txnBatch(p, 0, "t1", "t2", "t3");
            first = produceTo(c, topic, "redelivered", batch).baseOffset();
            assertEquals(first, produceTo(c, topic, "redelivered", batch).baseOffset(), "a duplicate");
        }
        broker.restart();
        try (RawClient c = client()) {
            assertEquals(first, produceTo(c, topic, "redelivered", batch).baseOffset(), "recognised after a restart");
            assertEquals(
                    Errors.NONE,
                    endTxn(c, "redelivered", p.id(), p.epoch(), true, (short) 5).error());
        }
        try (KafkaConsumer<String, String> consumer = TxnTesting.consumer(broker.bootstrap(), true)) {
            assertEquals(
                    List.of("t1", "t2", "t3"),
                    Clients.readToEnd(consumer, topic, 1, Duration.ofSeconds(30)).stream()
                            .map(ConsumerRecord::value)
                            .toList());
        }
    }

    private static ProduceResponseData produceTo(RawClient c, String topic, String id, MemoryRecords records)
            throws Exception {
        var p = c.produce(topic, id, records, (short) 12);
        assertEquals(Errors.NONE.code(), p.errorCode());
        return new ProduceResponseData(Errors.NONE, p.baseOffset());
    }

    private static List<String> committedValues(int partition) {
        try (KafkaConsumer<String, String> consumer = TxnTesting.consumer(broker.bootstrap(), true)) {
            TopicPartition tp = new TopicPartition(TOPIC, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            java.util.ArrayList<String> out = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> out.add(r.value()));
            }
            return out;
        }
    }
}

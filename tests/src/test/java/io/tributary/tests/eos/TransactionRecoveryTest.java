package io.tributary.tests.eos;

import static io.tributary.tests.eos.TxnTesting.describe;
import static io.tributary.tests.eos.TxnTesting.endOffset;
import static io.tributary.tests.eos.TxnTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.BrokerProcess;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactions across broker restarts (clean, and SIGKILL of a broker process): an open
 * transaction survives and can still be committed, its records stay hidden until then; offsets
 * sent to a transaction are unstable for require_stable readers until the commit, applied on
 * commit and dropped on abort, also when the commit comes after a restart.
 */
class TransactionRecoveryTest {

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {2, 1})
    void shouldCommitATransactionLeftOpenAcrossACleanBrokerRestart(int version) throws Exception {
        String topic = "restart-" + version;
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(version));
                Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
            try (KafkaProducer<String, String> producer =
                    TxnTesting.transactional(broker.bootstrap(), "across-" + version)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 4; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k", "before-" + i))
                            .get();
                }
                broker.restart();
                assertEquals(
                        TransactionState.ONGOING,
                        describe(admin, "across-" + version).state());
                assertEquals(0, endOffset(admin, new TopicPartition(topic, 0), true), "still open after the restart");
                assertEquals(List.of(), values(broker.bootstrap(), topic, 2, true));
                for (int i = 0; i < 4; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k", "after-" + i))
                            .get();
                }
                producer.commitTransaction();
            }
            assertEquals(
                    List.of("after-0", "after-1", "after-2", "after-3", "before-0", "before-1", "before-2", "before-3"),
                    values(broker.bootstrap(), topic, 2, true));
        }
    }

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {2, 1})
    void shouldCommitATransactionLeftOpenWhenTheBrokerWasKilled(int version) throws Exception {
        String topic = "killed-" + version;
        try (BrokerProcess broker = BrokerProcess.start(TxnTesting.broker(version))) {
            Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
            try (Admin admin = Clients.admin(broker.bootstrap());
                    KafkaProducer<String, String> producer =
                            TxnTesting.transactional(broker.bootstrap(), "survivor-" + version)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 4; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k", "before-" + i))
                            .get();
                }
                broker.kill9();
                broker.restart();
                // Recovered from the logs alone: the coordinator's state and the partitions' open transaction.
                assertEquals(
                        TransactionState.ONGOING,
                        describe(admin, "survivor-" + version).state());
                assertEquals(0, endOffset(admin, new TopicPartition(topic, 1), true));
                assertEquals(2, endOffset(admin, new TopicPartition(topic, 1), false));
                for (int i = 0; i < 4; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k", "after-" + i))
                            .get();
                }
                producer.commitTransaction();
                assertEquals(
                        TransactionState.COMPLETE_COMMIT,
                        describe(admin, "survivor-" + version).state());
            }
            assertEquals(
                    List.of("after-0", "after-1", "after-2", "after-3", "before-0", "before-1", "before-2", "before-3"),
                    values(broker.bootstrap(), topic, 2, true));
        }
    }

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {2, 1})
    void shouldKeepTransactionalOffsetsUnstableUntilCommittedAndDropThemOnAbort(int version) throws Exception {
        String topic = "offsets-" + version;
        String group = "txn-group-" + version;
        TopicPartition tp = new TopicPartition(topic, 0);
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(version))) {
            Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
            try (KafkaProducer<String, String> producer =
                    TxnTesting.transactional(broker.bootstrap(), "offsets-" + version)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "v"));
                producer.sendOffsetsToTransaction(
                        Map.of(tp, new OffsetAndMetadata(42)), new ConsumerGroupMetadata(group));
                assertEquals(
                        Errors.UNSTABLE_OFFSET_COMMIT.code(),
                        fetch(broker, group, topic, true).errorCode());
                assertEquals(-1, fetch(broker, group, topic, false).committedOffset(), "not committed yet");
                broker.restart(); // the pending offsets come back from __consumer_offsets
                assertEquals(
                        Errors.UNSTABLE_OFFSET_COMMIT.code(),
                        fetch(broker, group, topic, true).errorCode());
                producer.commitTransaction();
                assertEquals(42, fetch(broker, group, topic, true).committedOffset());

                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "v"));
                producer.sendOffsetsToTransaction(
                        Map.of(tp, new OffsetAndMetadata(50)), new ConsumerGroupMetadata(group));
                producer.abortTransaction();
                OffsetFetchResponseData.OffsetFetchResponsePartitions after = fetch(broker, group, topic, true);
                assertEquals(Errors.NONE.code(), after.errorCode());
                assertEquals(42, after.committedOffset(), "an aborted transaction's offsets are dropped");
            }
            broker.restart();
            assertEquals(42, fetch(broker, group, topic, true).committedOffset(), "and stay dropped after a restart");
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(tp);
                assertEquals(42, committed.offset());
            }
        }
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(
            InProcessBroker broker, String group, String topic, boolean requireStable) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            OffsetFetchResponse r = (OffsetFetchResponse) c.call(OffsetFetchRequest.Builder.forTopicNames(
                            new OffsetFetchRequestData()
                                    .setRequireStable(requireStable)
                                    .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                                            .setGroupId(group)
                                            .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                                    .setName(topic)
                                                    .setPartitionIndexes(List.of(0)))))),
                            requireStable)
                    .build((short) 8));
            OffsetFetchResponseData.OffsetFetchResponseGroup g =
                    r.data().groups().getFirst();
            assertTrue(g.errorCode() == 0, "group error " + g.errorCode());
            return g.topics().getFirst().partitions().getFirst();
        }
    }
}

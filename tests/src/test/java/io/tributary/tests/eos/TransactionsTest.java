package io.tributary.tests.eos;

import static io.tributary.tests.eos.TxnTesting.describe;
import static io.tributary.tests.eos.TxnTesting.endOffset;
import static io.tributary.tests.eos.TxnTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactions with the Java client, with {@code transaction.version} finalized at 2 (the client
 * uses Transactions V2: Produce v12 adds partitions, EndTxn v5 bumps the epoch) and at 1 (the
 * client falls back to V1: AddPartitionsToTxn, AddOffsetsToTxn, verification of KIP-890 part 1).
 */
class TransactionsTest {

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {2, 1})
    void shouldHideAbortedRecordsFromReadCommittedOnlyAndNeverBlockLaterCommittedOnes(int version) throws Exception {
        String topic = "visibility-" + version;
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(version));
                Admin admin = Clients.admin(broker.bootstrap())) {
            FeatureMetadata features =
                    admin.describeFeatures().featureMetadata().get();
            assertEquals(
                    version,
                    features.finalizedFeatures().get("transaction.version").maxVersionLevel());
            Clients.createTopic(broker.bootstrap(), topic, 3, Map.of());
            try (KafkaProducer<String, String> producer =
                    TxnTesting.transactional(broker.bootstrap(), "vis-" + version)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 9; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "aborted-" + i));
                }
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                for (int i = 0; i < 9; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "committed-" + i));
                }
                producer.commitTransaction();
            }
            List<String> committed = new ArrayList<>();
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                committed.add("committed-" + i);
                all.add("aborted-" + i);
                all.add("committed-" + i);
            }
            assertEquals(committed, values(broker.bootstrap(), topic, 3, true));
            assertEquals(all.stream().sorted().toList(), values(broker.bootstrap(), topic, 3, false));
            for (int p = 0; p < 3; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                assertEquals(endOffset(admin, tp, false), endOffset(admin, tp, true), "nothing open in " + tp);
            }
            TransactionDescription d = describe(admin, "vis-" + version);
            assertEquals(TransactionState.COMPLETE_COMMIT, d.state());
            // Transactions V2 bumps the epoch with every commit and abort; V1 keeps it.
            assertEquals(version == 2 ? 2 : 0, d.producerEpoch());
        }
    }

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {2, 1})
    void shouldFenceAZombieSoThatNothingItWritesAfterwardsBecomesVisible(int version) throws Exception {
        String topic = "zombie-" + version;
        String id = "fenced-" + version;
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(version))) {
            Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
            try (KafkaProducer<String, String> zombie = TxnTesting.transactional(broker.bootstrap(), id);
                    KafkaProducer<String, String> successor = TxnTesting.transactional(broker.bootstrap(), id)) {
                zombie.initTransactions();
                zombie.beginTransaction();
                zombie.send(new ProducerRecord<>(topic, 0, "k", "zombie-before"))
                        .get();

                successor.initTransactions(); // fences the zombie and aborts its transaction
                successor.beginTransaction();
                successor.send(new ProducerRecord<>(topic, 1, "k", "successor")).get();
                successor.commitTransaction();

                Future<?> late0 = zombie.send(new ProducerRecord<>(topic, 0, "k", "zombie-after-0"));
                Future<?> late1 = zombie.send(new ProducerRecord<>(topic, 1, "k", "zombie-after-1"));
                ExecutionException lateError = assertThrows(ExecutionException.class, late0::get);
                assertThrows(ExecutionException.class, late1::get);
                assertInstanceOf(KafkaException.class, lateError.getCause());
                KafkaException commit = assertThrows(KafkaException.class, zombie::commitTransaction);
                assertTrue(
                        commit instanceof ProducerFencedException
                                || commit.getCause() instanceof ProducerFencedException
                                || hasFencedCause(lateError),
                        "fenced: " + commit + " / " + lateError);
            }
            assertEquals(List.of("successor"), values(broker.bootstrap(), topic, 2, true));
        }
    }

    private static boolean hasFencedCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProducerFencedException
                    || c instanceof org.apache.kafka.common.errors.InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {2, 1})
    void shouldAbortATransactionLeftOpenPastItsTimeoutAndMoveTheLastStableOffset(int version) throws Exception {
        String topic = "timeout-" + version;
        String id = "forgetful-" + version;
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(version));
                Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
            TopicPartition tp = new TopicPartition(topic, 0);
            try (KafkaProducer<String, String> forgetful =
                            TxnTesting.transactional(broker.bootstrap(), id, Map.of("transaction.timeout.ms", "1500"));
                    KafkaProducer<String, String> plain = Clients.producer(broker.bootstrap(), Map.of())) {
                forgetful.initTransactions();
                forgetful.beginTransaction();
                forgetful.send(new ProducerRecord<>(topic, "k", "left-open")).get();
                plain.send(new ProducerRecord<>(topic, "k", "after")).get();
                assertEquals(0, endOffset(admin, tp, true), "the open transaction holds the last stable offset");
                assertEquals(2, endOffset(admin, tp, false));

                Await.until("the coordinator aborts the transaction", Duration.ofSeconds(30), () -> {
                    try {
                        return endOffset(admin, tp, true) == endOffset(admin, tp, false);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals(
                        TransactionState.COMPLETE_ABORT, describe(admin, id).state());
                assertEquals(List.of("after"), values(broker.bootstrap(), topic, 1, true));
                assertThrows(KafkaException.class, forgetful::commitTransaction);
            }
        }
    }

    @Test
    void shouldListAndDescribeTransactionsWithTheAdminClient() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(2));
                Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(broker.bootstrap(), "listed", 2, Map.of());
            try (KafkaProducer<String, String> open = TxnTesting.transactional(broker.bootstrap(), "open-one");
                    KafkaProducer<String, String> done = TxnTesting.transactional(broker.bootstrap(), "done-one")) {
                done.initTransactions();
                done.beginTransaction();
                done.send(new ProducerRecord<>("listed", 0, "k", "v")).get();
                done.commitTransaction();
                open.initTransactions();
                open.beginTransaction();
                open.send(new ProducerRecord<>("listed", 1, "k", "v")).get();

                TransactionDescription d = describe(admin, "open-one");
                assertEquals(TransactionState.ONGOING, d.state());
                assertEquals(java.util.Set.of(new TopicPartition("listed", 1)), d.topicPartitions());
                assertEquals(60_000, d.transactionTimeoutMs());
                assertTrue(d.transactionStartTimeMs().isPresent());

                List<String> ongoing = admin
                        .listTransactions(new org.apache.kafka.clients.admin.ListTransactionsOptions()
                                .filterStates(List.of(TransactionState.ONGOING)))
                        .all()
                        .get()
                        .stream()
                        .map(TransactionListing::transactionalId)
                        .toList();
                assertEquals(List.of("open-one"), ongoing);
                List<String> everything = admin.listTransactions().all().get().stream()
                        .map(TransactionListing::transactionalId)
                        .sorted()
                        .toList();
                assertEquals(List.of("done-one", "open-one"), everything);
                open.commitTransaction();
            }
        }
    }

    @Test
    void shouldLetKafkaFeaturesDowngradeTransactionsToV1AndBack() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(2));
                Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(broker.bootstrap(), "switch", 1, Map.of());
            ExecutionException refused = assertThrows(
                    ExecutionException.class,
                    () -> admin.updateFeatures(
                                    Map.of(
                                            "transaction.version",
                                            new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.UPGRADE)),
                                    new UpdateFeaturesOptions())
                            .all()
                            .get());
            assertInstanceOf(InvalidUpdateVersionException.class, refused.getCause());
            admin.updateFeatures(
                            Map.of(
                                    "transaction.version",
                                    new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)),
                            new UpdateFeaturesOptions())
                    .all()
                    .get();
            assertEquals(
                    1,
                    admin.describeFeatures()
                            .featureMetadata()
                            .get()
                            .finalizedFeatures()
                            .get("transaction.version")
                            .maxVersionLevel());
            commitTwice(broker.bootstrap(), "v1-now");
            assertEquals(0, describe(admin, "v1-now").producerEpoch(), "V1: commits keep the epoch");

            broker.restart();
            assertEquals(
                    1,
                    admin.describeFeatures()
                            .featureMetadata()
                            .get()
                            .finalizedFeatures()
                            .get("transaction.version")
                            .maxVersionLevel(),
                    "the level is stored in the metadata log");
            admin.updateFeatures(
                            Map.of(
                                    "transaction.version",
                                    new FeatureUpdate((short) 2, FeatureUpdate.UpgradeType.UPGRADE)),
                            new UpdateFeaturesOptions())
                    .all()
                    .get();
            commitTwice(broker.bootstrap(), "v2-again");
            assertEquals(2, describe(admin, "v2-again").producerEpoch(), "V2: every commit bumps the epoch");
            assertEquals(List.of("0", "0", "1", "1"), values(broker.bootstrap(), "switch", 1, true));
        }
    }

    private static void commitTwice(String bootstrap, String id) {
        try (KafkaProducer<String, String> p = TxnTesting.transactional(bootstrap, id)) {
            p.initTransactions();
            for (int i = 0; i < 2; i++) {
                p.beginTransaction();
                p.send(new ProducerRecord<>("switch", "k", Integer.toString(i)));
                p.commitTransaction();
            }
        }
    }
}

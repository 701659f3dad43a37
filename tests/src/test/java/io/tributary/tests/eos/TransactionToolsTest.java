package io.tributary.tests.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.KafkaTools;
import io.tributary.tests.support.RawClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;

/**
 * Kafka's {@code kafka-transactions} tool, as a subprocess: list, describe and describe-producers
 * on a live transaction; find-hanging and abort on a hanging one (a transactional write that the
 * coordinator never heard of, possible only with {@code transaction.partition.verification.enable}
 * off), which the abort ends with a marker through WriteTxnMarkers.
 */
class TransactionToolsTest {

    @Test
    void shouldListDescribeFindAndAbortTransactionsWithKafkaTransactions() throws Exception {
        Map<String, String> config = new HashMap<>(TxnTesting.broker(1));
        config.put("transaction.partition.verification.enable", "false");
        try (InProcessBroker broker = InProcessBroker.start(config);
                Admin admin = Clients.admin(broker.bootstrap());
                KafkaProducer<String, String> live = TxnTesting.transactional(broker.bootstrap(), "tool-live")) {
            String bootstrap = broker.bootstrap();
            Clients.createTopic(bootstrap, "tooled", 2, Map.of());
            live.initTransactions();
            live.beginTransaction();
            live.send(new ProducerRecord<>("tooled", 1, "k", "live")).get();

            String list = ok("--bootstrap-server", bootstrap, "list").stdout();
            assertTrue(list.contains("tool-live") && list.contains("Ongoing"), list);
            String described = ok("--bootstrap-server", bootstrap, "describe", "--transactional-id", "tool-live")
                    .stdout();
            assertTrue(described.contains("Ongoing") && described.contains("tooled-1"), described);
            String producers = ok(
                            "--bootstrap-server",
                            bootstrap,
                            "describe-producers",
                            "--topic",
                            "tooled",
                            "--partition",
                            "1")
                    .stdout();
            assertTrue(producers.contains("CurrentTransactionStartOffset"), producers);

            long hangingProducer = hangingWrite(broker);
            String hanging = ok(
                            "--bootstrap-server",
                            bootstrap,
                            "find-hanging",
                            "--broker-id",
                            "1",
                            "--max-transaction-timeout",
                            "0")
                    .stdout();
            List<String> rows =
                    Arrays.stream(hanging.split("\n")).filter(l -> !l.isBlank()).toList();
            assertEquals(2, rows.size(), "a header and one hanging transaction, not the live one: " + hanging);
            assertTrue(
                    rows.get(1).startsWith("tooled") && rows.get(1).contains(Long.toString(hangingProducer)), hanging);

            TopicPartition tp = new TopicPartition("tooled", 0);
            assertEquals(0, TxnTesting.endOffset(admin, tp, true), "the hanging transaction holds the partition");
            ok(
                    "--bootstrap-server",
                    bootstrap,
                    "abort",
                    "--topic",
                    "tooled",
                    "--partition",
                    "0",
                    "--start-offset",
                    "0");
            Await.until("the abort marker", Duration.ofSeconds(30), () -> {
                try {
                    return TxnTesting.endOffset(admin, tp, true) == TxnTesting.endOffset(admin, tp, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            live.commitTransaction();
            assertEquals(List.of("live"), TxnTesting.values(bootstrap, "tooled", 2, true));
        }
    }

    private static KafkaTools.Result ok(String... args) {
        KafkaTools.Result r = KafkaTools.run(KafkaTools.TRANSACTIONS, null, args);
        assertEquals(0, r.exitCode(), () -> String.join(" ", args) + "\n" + r);
        return r;
    }

    /** A transactional batch in partition 0 that the coordinator does not know of, written a minute "ago". */
    private static long hangingWrite(InProcessBroker broker) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            Await.until("the transaction coordinator", Duration.ofSeconds(30), () -> {
                try {
                    return ((FindCoordinatorResponse)
                                            c.call(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                                                            .setKeyType((byte) 1)
                                                            .setKey("tool-hanging"))
                                                    .build((short) 3)))
                                    .error()
                            == Errors.NONE;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InitProducerIdResponse init =
                    (InitProducerIdResponse) c.call(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                                    .setTransactionalId("tool-hanging")
                                    .setTransactionTimeoutMs(60_000))
                            .build((short) 4));
            long producerId = init.data().producerId();
            MemoryRecords records = MemoryRecords.withTransactionalRecords(
                    Compression.NONE,
                    producerId,
                    init.data().producerEpoch(),
                    0,
                    new SimpleRecord(System.currentTimeMillis() - 60_000, null, "stuck".getBytes()));
            assertEquals(
                    Errors.NONE.code(),
                    c.produce("tooled", "tool-hanging", records, (short) 11).errorCode(),
                    "accepted unchecked: verification is off");
            return producerId;
        }
    }
}

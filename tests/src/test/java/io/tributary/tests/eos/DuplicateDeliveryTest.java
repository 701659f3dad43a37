package io.tributary.tests.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;

/**
 * The same idempotent batch (same producer id, epoch and sequence) delivered again, before and
 * after a broker restart, is stored once; every answer points at the first offset.
 */
class DuplicateDeliveryTest {

    @Test
    void shouldStoreARedeliveredBatchOnceBeforeAndAfterARestart() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start()) {
            Clients.createTopic(broker.bootstrap(), "dedupe", 1, Map.of());
            long producerId;
            short epoch;
            try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
                InitProducerIdResponse init = (InitProducerIdResponse)
                        c.call(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                                        .setTransactionalId(null)
                                        .setTransactionTimeoutMs(60000))
                                .build((short) 4));
                assertEquals(Errors.NONE.code(), init.data().errorCode());
                producerId = init.data().producerId();
                epoch = init.data().producerEpoch();
            }
            // Some unrelated data first, so the batch does not land at offset 0.
            assertEquals(
                    0, produce(broker, batch(producerId, epoch, 0, "a", "b")).baseOffset());
            MemoryRecords retried = batch(producerId, epoch, 2, "c", "d", "e");
            assertEquals(2, produce(broker, retried).baseOffset());
            assertEquals(2, produce(broker, retried).baseOffset(), "a duplicate points at the first offset");

            broker.restart();

            assertEquals(2, produce(broker, retried).baseOffset(), "recognised after a restart too");
            assertEquals(5, produce(broker, batch(producerId, epoch, 5, "f")).baseOffset(), "the next batch follows");
            try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
                List<ConsumerRecord<String, String>> all =
                        Clients.readToEnd(consumer, "dedupe", 1, Duration.ofSeconds(30));
                assertEquals(
                        List.of("a", "b", "c", "d", "e", "f"),
                        all.stream().map(ConsumerRecord::value).toList());
            }
        }
    }

    @Test
    void shouldRefuseAGapInSequenceNumbers() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start()) {
            Clients.createTopic(broker.bootstrap(), "gap", 1, Map.of());
            long producerId = 4242;
            assertEquals(
                    0,
                    produce(broker, "gap", batch(producerId, (short) 0, 0, "a")).baseOffset());
            ProduceResponseData.PartitionProduceResponse gap =
                    produce(broker, "gap", batch(producerId, (short) 0, 5, "x"));
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(), gap.errorCode());
            ProduceResponseData.PartitionProduceResponse old =
                    produce(broker, "gap", batch(producerId, (short) 0, 1, "b"));
            assertEquals(Errors.NONE.code(), old.errorCode());
            assertEquals(1, old.baseOffset());
        }
    }

    private static MemoryRecords batch(long producerId, short epoch, int sequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, values[i].getBytes());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, sequence, records);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(InProcessBroker broker, MemoryRecords records)
            throws Exception {
        return produce(broker, "dedupe", records);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(
            InProcessBroker broker, String topic, MemoryRecords records) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", broker.port())) {
            return c.produce(topic, null, records, (short) 11);
        }
    }
}

package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stock Java producer and consumer (kafka-clients 4.4) against one in-process broker. */
class ProduceConsumeTest {
    private static InProcessBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = InProcessBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldRoundTripHundredThousandRecordsInOrderWithTheDefaultProducer() throws Exception {
        String topic = "round-trip";
        Clients.createTopic(broker.bootstrap(), topic, 3, Map.of());
        int n = 100_000;
        Map<String, Integer> partitionOfKey = new HashMap<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, "key-" + (i % 50), "value-" + i);
                r.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                r.headers().add("empty", null);
                sent.add(producer.send(r));
            }
            producer.flush();
            for (int i = 0; i < n; i++) {
                RecordMetadata md = sent.get(i).get();
                Integer previous = partitionOfKey.put("key-" + (i % 50), md.partition());
                if (previous != null) {
                    assertEquals(previous, md.partition(), "key-" + (i % 50) + " moved partitions");
                }
            }
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
            List<ConsumerRecord<String, String>> records =
                    Clients.readAll(consumer, topic, 3, n, Duration.ofSeconds(60));
            assertEquals(n, records.size());
            Map<String, Integer> lastSeqOfKey = new HashMap<>();
            for (List<ConsumerRecord<String, String>> part :
                    Clients.byPartition(records).values()) {
                for (int i = 0; i < part.size(); i++) {
                    assertEquals(i, part.get(i).offset(), "offsets in a partition are consecutive from 0");
                }
            }
            for (ConsumerRecord<String, String> r : records) {
                int seq = Integer.parseInt(r.value().substring("value-".length()));
                assertEquals("key-" + (seq % 50), r.key());
                assertEquals(partitionOfKey.get(r.key()), r.partition());
                Header h = r.headers().lastHeader("seq");
                assertNotNull(h);
                assertEquals(Integer.toString(seq), new String(h.value(), StandardCharsets.UTF_8));
                assertNotNull(r.headers().lastHeader("empty"));
                assertEquals(null, r.headers().lastHeader("empty").value());
                Integer last = lastSeqOfKey.put(r.key(), seq);
                if (last != null) {
                    assertTrue(seq > last, "records of " + r.key() + " arrive in send order");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void shouldRoundTripEveryCompressionCodec(String codec) throws Exception {
        String topic = "codec-" + codec;
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        int n = 5_000;
        try (KafkaProducer<String, String> producer = Clients.producer(
                broker.bootstrap(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, i % 7 == 0 ? null : "k" + i, "compressible value " + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
            List<ConsumerRecord<String, String>> records =
                    Clients.readAll(consumer, topic, 1, n, Duration.ofSeconds(30));
            for (int i = 0; i < n; i++) {
                assertEquals(i, records.get(i).offset());
                assertEquals("compressible value " + i, records.get(i).value());
                assertEquals(i % 7 == 0 ? null : "k" + i, records.get(i).key());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1"})
    void shouldStoreEveryRecordWithAcks(String acks) throws Exception {
        String topic = "acks-" + acks;
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        int n = 10_000;
        try (KafkaProducer<String, String> producer = Clients.producer(
                broker.bootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i), "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
            List<ConsumerRecord<String, String>> records =
                    Clients.readAll(consumer, topic, 2, n, Duration.ofSeconds(30));
            assertEquals(
                    n, records.stream().map(ConsumerRecord::value).distinct().count());
        }
    }

    @Test
    void shouldAnswerListOffsetsEarliestLatestAndByTimestamp() throws Exception {
        String topic = "list-offsets";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        long base = System.currentTimeMillis() - 100_000;
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, "k", "v" + i));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(), Map.of())) {
            assertEquals(0L, consumer.beginningOffsets(List.of(tp)).get(tp));
            assertEquals(100L, consumer.endOffsets(List.of(tp)).get(tp));
            OffsetAndTimestamp at =
                    consumer.offsetsForTimes(Map.of(tp, base + 41_500L)).get(tp);
            assertEquals(42L, at.offset());
            assertEquals(base + 42_000L, at.timestamp());
            assertEquals(
                    null,
                    consumer.offsetsForTimes(Map.of(tp, base + 1_000_000L)).get(tp));
        }
    }

    @Test
    void shouldSeekAndReadFromTheMiddle() throws Exception {
        String topic = "seek";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 1000; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.bytesConsumer(broker.bootstrap())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 777);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < 223 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertEquals(223, got.size());
            assertEquals(777, got.getFirst().offset());
            assertArrayEquals(
                    "v777".getBytes(StandardCharsets.UTF_8), got.getFirst().value());
            assertEquals(999, got.getLast().offset());
        }
    }
}

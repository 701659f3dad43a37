package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What real clients never send, over raw sockets: each gets Kafka's answer (an error code or a
 * closed connection), the broker keeps serving everyone else, and nothing stored changes.
 */
class BadInputTest {
    private static final String TOPIC = "stored";
    private static final int MAX_REQUEST = 1024 * 1024;
    private static InProcessBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = InProcessBroker.start(Map.of("socket.request.max.bytes", Integer.toString(MAX_REQUEST)));
        Clients.createTopic(broker.bootstrap(), TOPIC, 1, Map.of());
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k", "v" + i));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private long endOffsetBefore;

    @BeforeEach
    void rememberEndOffset() {
        endOffsetBefore = endOffset();
    }

    @AfterEach
    void brokerStillServesAndNothingChanged() throws Exception {
        assertEquals(endOffsetBefore, endOffset(), "stored data changed");
        try (RawClient other = raw()) {
            assertEquals(
                    Errors.NONE.code(),
                    ((org.apache.kafka.common.requests.ApiVersionsResponse)
                                    other.call(new ApiVersionsRequest.Builder().build((short) 3)))
                            .data()
                            .errorCode());
        }
    }

    private static long endOffset() {
        try (KafkaConsumer<byte[], byte[]> c = Clients.bytesConsumer(broker.bootstrap())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            return c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
        }
    }

    private static RawClient raw() throws IOException {
        return new RawClient("127.0.0.1", broker.port());
    }

    @Test
    void shouldCloseTheConnectionOnAFrameLargerThanTheLimit() throws Exception {
        try (RawClient c = raw()) {
            ByteBuffer b = ByteBuffer.allocate(4 + 8);
            b.putInt(MAX_REQUEST + 1).putShort((short) 18).putShort((short) 0).putInt(1);
            c.writeRaw(b.array());
            assertTrue(c.closedByBroker());
        }
    }

    @Test
    void shouldCloseTheConnectionOnANegativeSize() throws Exception {
        try (RawClient c = raw()) {
            c.writeRaw(ByteBuffer.allocate(4).putInt(-5).array());
            assertTrue(c.closedByBroker());
        }
    }

    @Test
    void shouldSurviveATruncatedFrame() throws Exception {
        try (RawClient c = raw()) {
            ByteBuffer b = ByteBuffer.allocate(4 + 6);
            b.putInt(100).putShort((short) 18).putShort((short) 3).putShort((short) 0);
            c.writeRaw(b.array());
        }
        // The client went away mid-frame; the check after each test proves the broker still serves.
    }

    @Test
    void shouldCloseTheConnectionOnATooShortHeader() throws Exception {
        try (RawClient c = raw()) {
            ByteBuffer b = ByteBuffer.allocate(4 + 3);
            b.putInt(3).put(new byte[] {0, 18, 0});
            c.writeRaw(b.array());
            assertTrue(c.closedByBroker());
        }
    }

    /** Beyond every key, negative, and a key between implemented ones (4, LeaderAndIsr, is ZooKeeper-era). */
    @ParameterizedTest
    @ValueSource(shorts = {9999, -1, 4})
    void shouldCloseTheConnectionOnAnUnknownApiKey(short apiKey) throws Exception {
        try (RawClient c = raw()) {
            ByteBuffer body = ByteBuffer.allocate(10);
            body.putShort(apiKey)
                    .putShort((short) 0)
                    .putInt(7)
                    .putShort((short) -1)
                    .flip();
            c.writeFrame(body);
            assertTrue(c.closedByBroker());
        }
    }

    @Test
    void shouldCloseTheConnectionOnAnUnsupportedVersion() throws Exception {
        try (RawClient c = raw()) {
            ByteBuffer body = ByteBuffer.allocate(10);
            body.putShort(ApiKeys.METADATA.id)
                    .putShort((short) 99)
                    .putInt(7)
                    .putShort((short) -1)
                    .flip();
            c.writeFrame(body);
            assertTrue(c.closedByBroker());
        }
    }

    @Test
    void shouldAnswerAnOverNewApiVersionsRequestAsKip511Says() throws Exception {
        try (RawClient c = raw()) {
            int correlationId = 42;
            ByteBuffer body = ByteBuffer.allocate(64);
            // ApiVersions v99, header v2: key, version, correlation id, client id, no tagged fields; then a body we do
            // not know.
            body.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(correlationId);
            byte[] clientId = "future-client".getBytes(StandardCharsets.UTF_8);
            body.putShort((short) clientId.length).put(clientId).put((byte) 0);
            body.put(new byte[] {1, 2, 3}).flip();
            c.writeFrame(body);
            ByteBuffer response = c.readFrame();
            ResponseHeader header = ResponseHeader.parse(response, (short) 0);
            assertEquals(correlationId, header.correlationId());
            ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
            ApiVersionsResponseData.ApiVersion av = data.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertEquals(0, av.minVersion());
            assertTrue(av.maxVersion() >= 3);
            // The client retries on the same connection with a version we support.
            org.apache.kafka.common.requests.ApiVersionsResponse retry =
                    (org.apache.kafka.common.requests.ApiVersionsResponse)
                            c.call(new ApiVersionsRequest(new ApiVersionsRequestData(), av.maxVersion()));
            assertEquals(Errors.NONE.code(), retry.data().errorCode());
        }
    }

    @Test
    void shouldRejectABatchWithAWrongCrcAsCorruptMessage() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "value".getBytes()));
        ByteBuffer buf = records.buffer();
        buf.put(buf.limit() - 1, (byte) (buf.get(buf.limit() - 1) ^ 0x01));
        assertEquals(Errors.CORRUPT_MESSAGE, produceError(TOPIC, MemoryRecords.readableRecords(buf)));
    }

    @Test
    void shouldRejectProduceToAnInvalidTopicName() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "v".getBytes()));
        assertFalse(produceError("bad/name", records) == Errors.NONE);
    }

    @Test
    void shouldAnswerMetadataForAnInvalidTopicNameWithInvalidTopicException() throws Exception {
        try (RawClient c = raw()) {
            MetadataResponse response = (MetadataResponse) c.call(new MetadataRequest.Builder(new MetadataRequestData()
                            .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("bad name!")))
                            .setAllowAutoTopicCreation(true))
                    .build((short) 12));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION, response.errors().get("bad name!"));
        }
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            assertFalse(admin.listTopics().names().get().contains("bad name!"));
        }
    }

    @Test
    void shouldRefuseToCreateATopicWithAnInvalidName() {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Executable create = () -> admin.createTopics(List.of(new NewTopic("white space", 1, (short) 1)))
                    .all()
                    .get();
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, create);
            assertTrue(
                    e.getCause() instanceof InvalidTopicException, e.getCause().toString());
        }
    }

    /** The partition's error for a Produce v9 with acks=1 of {@code records} to partition 0 of {@code topic}. */
    private static Errors produceError(String topic, MemoryRecords records) throws IOException {
        try (RawClient c = raw()) {
            return Errors.forCode(
                    c.produce(topic, 0, null, (short) 1, records, (short) 9).errorCode());
        }
    }
}

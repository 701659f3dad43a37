package io.tributary.tests.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.BrokerProcess;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.RawClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;

/**
 * Producer-state snapshots are written while the broker runs (when a segment rolls), not only at
 * a clean shutdown, so a broker killed with SIGKILL recovers its producers from a recent snapshot
 * plus a short tail of the log, and still recognises a retried batch.
 */
class ProducerSnapshotTest {
    private static final String TOPIC = "snapshotted";

    @Test
    void shouldSnapshotOnSegmentRollsAndRecogniseARetryAfterASigkill() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(Map.of())) {
            Clients.createTopic(broker.bootstrap(), TOPIC, 1, Map.of("segment.bytes", "1048576"));
            String[] hostPort = broker.bootstrap().split(":");
            int port = Integer.parseInt(hostPort[1]);
            long producerId;
            short epoch;
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                InitProducerIdResponse init = (InitProducerIdResponse)
                        c.call(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                                        .setTransactionalId(null)
                                        .setTransactionTimeoutMs(60000))
                                .build((short) 4));
                producerId = init.data().producerId();
                epoch = init.data().producerEpoch();
                byte[] value = new byte[10_000];
                int sequence = 0;
                for (int batch = 0; batch < 300; batch++) { // ~3 MB: a few segment rolls
                    SimpleRecord[] records = new SimpleRecord[1];
                    records[0] = new SimpleRecord(System.currentTimeMillis(), null, value);
                    assertEquals(
                            Errors.NONE.code(),
                            produce(
                                            c,
                                            MemoryRecords.withIdempotentRecords(
                                                    Compression.NONE, producerId, epoch, sequence, records))
                                    .errorCode());
                    sequence++;
                }
            }
            Path partitionDir = partitionDir(broker);
            assertTrue(snapshots(partitionDir) > 0, "snapshots written while running, in " + partitionDir);

            MemoryRecords last = MemoryRecords.withIdempotentRecords(
                    Compression.NONE,
                    producerId,
                    epoch,
                    300,
                    new SimpleRecord(System.currentTimeMillis(), null, "last".getBytes()));
            long firstOffset;
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                firstOffset = produce(c, last).baseOffset();
            }
            broker.kill9();
            broker.restart();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                ProduceResponseData r = produce(c, last);
                assertEquals(Errors.NONE.code(), r.errorCode());
                assertEquals(firstOffset, r.baseOffset(), "the retry after SIGKILL is a duplicate");
            }
        }
    }

    private record ProduceResponseData(short errorCode, long baseOffset) {}

    private static ProduceResponseData produce(RawClient c, MemoryRecords records) throws Exception {
        var p = c.produce(TOPIC, null, records, (short) 11);
        return new ProduceResponseData(p.errorCode(), p.baseOffset());
    }

    private static Path partitionDir(BrokerProcess broker) throws Exception {
        Path data = broker.dataDir();
        try (Stream<Path> dirs = Files.walk(data)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> d.getFileName().toString().startsWith(TOPIC + "-0"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no partition directory under " + data));
        }
    }

    private static long snapshots(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".snapshot"))
                    .count();
        }
    }
}

package io.tributary.tests.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.tests.support.ExternalClients;
import io.tributary.tests.support.ExternalClients.Output;
import io.tributary.tests.support.InProcessBroker;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kafkajs 2.x transactions (its V1 protocol: InitProducerId v0-1, AddPartitionsToTxn v0-1,
 * AddOffsetsToTxn, TxnOffsetCommit v0-1, EndTxn v0-1, Produce v3-7 checked by KIP-890 part 1):
 * commit, abort and sendOffsets, then a read_committed kafkajs consumer; the Java client confirms
 * what read_uncommitted sees.
 */
class KafkajsTransactionsTest {

    @Test
    void shouldCommitAndAbortKafkajsTransactions() {
        try (InProcessBroker broker = InProcessBroker.start(TxnTesting.broker(2))) {
            var dir = ExternalClients.requireKafkajs();
            Output out = ExternalClients.run(
                    List.of(
                            "node",
                            ExternalClients.script("kafkajs-transactions.js").toString(),
                            broker.bootstrap(),
                            "js-txn"),
                    Map.of("NODE_PATH", dir.resolve("node_modules").toString()),
                    null,
                    180);
            assertEquals(0, out.exitCode(), out::toString);
            assertEquals(
                    List.of(
                            "OK commit",
                            "OK abort",
                            "OK offsets",
                            "OK read_committed committed-1,committed-2,committed-3",
                            "OK committed offset 7"),
                    Arrays.stream(out.stdout().split("\n"))
                            .filter(l -> !l.isBlank())
                            .toList(),
                    out::toString);
            assertEquals(
                    List.of("aborted-1", "aborted-2", "committed-1", "committed-2", "committed-3"),
                    TxnTesting.values(broker.bootstrap(), "js-txn", 1, false));
        }
    }
}

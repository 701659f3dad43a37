package io.tributary.tests.eos;

import io.tributary.tests.support.Clients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Settings and helpers the transaction tests share. */
final class TxnTesting {
    private TxnTesting() {}

    /**
     * A broker whose {@code transaction.version} is finalized at {@code version}, with few
     * internal partitions and a quick timeout pass.
     */
    static Map<String, String> broker(int version) {
        Map<String, String> c = new HashMap<>();
        c.put("transaction.version", Integer.toString(version));
        c.put("transaction.state.log.num.partitions", "3");
        c.put("offsets.topic.num.partitions", "3");
        c.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200");
        c.put("group.min.session.timeout.ms", "500");
        c.put("group.initial.rebalance.delay.ms", "0");
        return c;
    }

    static KafkaProducer<String, String> transactional(String bootstrap, String transactionalId) {
        return transactional(bootstrap, transactionalId, Map.of());
    }

    static KafkaProducer<String, String> transactional(
            String bootstrap, String transactionalId, Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        c.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        c.putAll(extra);
        return Clients.producer(bootstrap, c);
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, boolean readCommitted) {
        return Clients.consumer(
                bootstrap,
                Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        readCommitted ? "read_committed" : "read_uncommitted",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"));
    }

    /** Every value a consumer with this isolation level can read from the topic now, in partition order. */
    static List<String> values(String bootstrap, String topic, int partitions, boolean readCommitted) {
        try (KafkaConsumer<String, String> c = consumer(bootstrap, readCommitted)) {
            return Clients.readToEnd(c, topic, partitions, Duration.ofSeconds(30)).stream()
                    .map(ConsumerRecord::value)
                    .sorted()
                    .toList();
        }
    }

    /** The end offset of a partition as a read_committed (true: the last stable offset) or read_uncommitted reader sees it. */
    static long endOffset(Admin admin, TopicPartition tp, boolean readCommitted) throws Exception {
        return admin.listOffsets(
                        Map.of(tp, OffsetSpec.latest()),
                        new ListOffsetsOptions(
                                readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED))
                .partitionResult(tp)
                .get()
                .offset();
    }

    static TransactionDescription describe(Admin admin, String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId))
                .description(transactionalId)
                .get();
    }
}

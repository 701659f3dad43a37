package io.tributary.tests.groups;

import io.tributary.tests.support.Clients;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/** Settings and helpers shared by the group integration tests. */
final class GroupTesting {
    private GroupTesting() {}

    /**
     * Broker settings that make group tests fast: short minimum session timeouts for both
     * protocols, quick KIP-848 heartbeats, few offsets-topic partitions.
     */
    static Map<String, String> fastGroups() {
        return Map.of(
                "offsets.topic.num.partitions", "5",
                "group.min.session.timeout.ms", "500",
                "group.consumer.session.timeout.ms", "3000",
                "group.consumer.min.session.timeout.ms", "500",
                "group.consumer.heartbeat.interval.ms", "250",
                "group.consumer.min.heartbeat.interval.ms", "100");
    }

    /** Consumer settings for the protocol: short session for classic (the broker sets it for KIP-848). */
    static Map<String, Object> consumerConfig(String protocol) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        if (protocol.equals("classic")) {
            c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000");
            c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "250");
        }
        return c;
    }

    /** Sizes of the members' assignments, sorted descending (e.g. [2, 1, 1]). */
    static List<Integer> sizes(List<GroupMember> members) {
        List<Integer> out = new ArrayList<>();
        for (GroupMember m : members) {
            out.add(m.assignment().size());
        }
        out.sort((a, b) -> b - a);
        return out;
    }

    /** True when the members' assignments are disjoint and cover exactly {@code partitions} partitions. */
    static boolean coversExactly(List<GroupMember> members, String topic, int partitions) {
        Set<TopicPartition> seen = new HashSet<>();
        for (GroupMember m : members) {
            for (TopicPartition tp : m.assignment()) {
                if (!seen.add(tp)) {
                    return false;
                }
            }
        }
        Set<TopicPartition> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return seen.equals(all);
    }

    /** Keyed records: 20 keys, each value "key:sequence" with a per-key sequence. */
    static final class KeyedProducer implements AutoCloseable {
        private final KafkaProducer<String, String> producer;
        private final String topic;
        private final Map<String, Integer> sequences = new HashMap<>();
        /** Every acknowledged record: partition and offset to its key and value. */
        final Map<TopicPartition, Map<Long, String>> written = new HashMap<>();

        KeyedProducer(String bootstrap, String topic) {
            this.producer = Clients.producer(bootstrap, Map.of());
            this.topic = topic;
        }

        void send(int count) throws Exception {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = "key-" + (sequences.size() < 20 ? sequences.size() : i % 20);
                int seq = sequences.merge(key, 1, Integer::sum);
                String value = key + ":" + seq;
                values.add(value);
                futures.add(producer.send(new ProducerRecord<>(topic, key, value)));
            }
            producer.flush();
            for (int i = 0; i < futures.size(); i++) {
                RecordMetadata md = futures.get(i).get();
                written.computeIfAbsent(new TopicPartition(topic, md.partition()), k -> new HashMap<>())
                        .put(md.offset(), values.get(i));
            }
        }

        int total() {
            return written.values().stream().mapToInt(Map::size).sum();
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}

package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static membership ({@code group.instance.id}): a member that restarts within its session
 * timeout gets its partitions back, and the other members notice nothing (no rebalance).
 */
class StaticMembershipTest {
    private static final int PARTITIONS = 6;
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        Map<String, String> config = new HashMap<>(GroupTesting.fastGroups());
        // Long enough for a restart: the session of a static member outlives a bounce.
        config.put("group.consumer.session.timeout.ms", "20000");
        broker = InProcessBroker.start(config);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void shouldGiveABouncedStaticMemberItsPartitionsBackWithoutARebalance(String protocol) throws Exception {
        String topic = "static-" + protocol;
        String group = "static-" + protocol;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        Queue<GroupMember.Processed> processed = new ConcurrentLinkedQueue<>();
        try (GroupMember a =
                new GroupMember("a", broker.bootstrap(), group, topic, config(protocol, "instance-a"), processed)) {
            GroupMember b =
                    new GroupMember("b", broker.bootstrap(), group, topic, config(protocol, "instance-b"), processed);
            Await.until(
                    "three partitions each",
                    Duration.ofSeconds(30),
                    () -> a.assignment().size() == 3 && b.assignment().size() == 3);
            Set<TopicPartition> aPartitions = a.assignment();
            Set<TopicPartition> bPartitions = b.assignment();
            Await.until("a settled", Duration.ofSeconds(10), () -> a.generation() > 0);
            int callbacks = a.callbacks().size();
            int generation = a.generation();

            b.close(); // a static member does not leave the group when it shuts down
            try (GroupMember b2 = new GroupMember(
                    "b2", broker.bootstrap(), group, topic, config(protocol, "instance-b"), processed)) {
                Await.until(
                        "the restarted instance owns b's partitions",
                        Duration.ofSeconds(30),
                        () -> b2.assignment().equals(bPartitions));
                assertEquals(aPartitions, a.assignment());
                assertEquals(callbacks, a.callbacks().size(), "the other member saw no rebalance");
                assertEquals(generation, a.generation(), "no new generation");
            }
        }
    }

    private static Map<String, Object> config(String protocol, String instanceId) {
        Map<String, Object> c = new HashMap<>(GroupTesting.consumerConfig(protocol));
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        if (protocol.equals("classic")) {
            c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000");
        }
        return c;
    }
}

package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.Clients;
import io.tributary.tests.support.InProcessBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classic coordinator leaves assignment to the group leader, so every assignor of the Java
 * client works: three members share six partitions two each, and then two members three each
 * after one leaves, and every record is read.
 */
class ClientSideAssignorsTest {
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(GroupTesting.fastGroups());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                RangeAssignor.class,
                RoundRobinAssignor.class,
                StickyAssignor.class,
                CooperativeStickyAssignor.class
            })
    void shouldShareTheTopicWithEveryClientSideAssignor(Class<?> assignor) throws Exception {
        String topic = "assigned-by-" + assignor.getSimpleName();
        Clients.createTopic(broker.bootstrap(), topic, 6, Map.of());
        Map<String, Object> config = new HashMap<>(GroupTesting.consumerConfig("classic"));
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
        Queue<GroupMember.Processed> processed = new ConcurrentLinkedQueue<>();
        List<GroupMember> members = new ArrayList<>();
        try (GroupTesting.KeyedProducer producer = new GroupTesting.KeyedProducer(broker.bootstrap(), topic)) {
            producer.send(300);
            for (int i = 0; i < 3; i++) {
                members.add(new GroupMember("m" + i, broker.bootstrap(), topic, topic, config, processed));
            }
            Await.until(
                    "two partitions each",
                    Duration.ofSeconds(30),
                    () -> GroupTesting.sizes(members).equals(List.of(2, 2, 2))
                            && GroupTesting.coversExactly(members, topic, 6));
            members.remove(2).close();
            Await.until(
                    "three partitions each",
                    Duration.ofSeconds(30),
                    () -> GroupTesting.sizes(members).equals(List.of(3, 3))
                            && GroupTesting.coversExactly(members, topic, 6));
            producer.send(300);
            Await.until(
                    "every record read",
                    Duration.ofSeconds(30),
                    () -> offsets(processed).size() == 600);
            assertEquals(600, offsets(processed).size());
        } finally {
            for (GroupMember m : members) {
                m.close();
            }
        }
    }

    private static Set<String> offsets(Queue<GroupMember.Processed> processed) {
        Set<String> out = new HashSet<>();
        processed.forEach(p -> out.add(p.partition() + "@" + p.offset()));
        return out;
    }
}

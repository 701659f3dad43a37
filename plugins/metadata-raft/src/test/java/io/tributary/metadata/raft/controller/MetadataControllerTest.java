package io.tributary.metadata.raft.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.metadata.raft.image.MetadataStateMachine;
import io.tributary.metadata.raft.record.MetadataRecord;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.TopicResult;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataControllerTest {
    private static MetadataImage imageWith(List<MetadataRecord> records) {
        MetadataStateMachine machine = new MetadataStateMachine();
        for (int i = 0; i < records.size(); i++) {
            machine.apply(i, records.get(i));
        }
        return machine.image();
    }

    private static final MetadataRecord BROKER = new MetadataRecord.RegisterBroker(
            new BrokerRegistration(1, new UUID(3, 3), List.of(), Optional.empty(), false));

    private static NewTopic topic(String name) {
        return new NewTopic(name, 1, (short) 1, List.of(), Map.of());
    }

    @Test
    void shouldNeverHandOutZeroDuplicateOrDashLeadingTopicIds() {
        UUID existing = new UUID(0x1234, 0x5678);
        UUID dashLeading = new UUID(0xF800_0000_0000_0000L, 1); // base64 of 0xF8.. starts with '-'
        assertTrue(MetadataController.base64(dashLeading).startsWith("-"));
        UUID fresh = new UUID(0x4242, 0x4242);
        ArrayDeque<UUID> candidates =
                new ArrayDeque<>(List.of(new UUID(0, 0), existing, dashLeading, fresh, fresh, new UUID(7, 7)));
        MetadataController controller =
                new MetadataController(new TopicDefaults(1, (short) 1), new Random(0), candidates::remove);
        MetadataImage image = imageWith(List.of(BROKER, new MetadataRecord.Topic("old", existing)));

        List<TopicResult> results =
                controller.createTopics(image, List.of(topic("a"), topic("b"))).response();
        assertEquals(fresh, results.get(0).image().orElseThrow().id());
        assertEquals(new UUID(7, 7), results.get(1).image().orElseThrow().id(), "no duplicate within a request");
    }

    @Test
    void shouldProduceTopicPartitionAndConfigRecordsInOrder() {
        MetadataController controller =
                new MetadataController(new TopicDefaults(1, (short) 1), new Random(0), () -> new UUID(1, 2));
        ControllerResult<List<TopicResult>> result = controller.createTopics(
                imageWith(List.of(BROKER)),
                List.of(new NewTopic("t", 2, (short) 1, List.of(), Map.of("b", "2", "a", "1"))));

        List<MetadataRecord> records = result.records();
        assertEquals(new MetadataRecord.Topic("t", new UUID(1, 2)), records.get(0));
        assertEquals(0, ((MetadataRecord.Partition) records.get(1)).partition());
        assertEquals(1, ((MetadataRecord.Partition) records.get(2)).partition());
        assertEquals("a", ((MetadataRecord.Config) records.get(3)).key());
        assertEquals("b", ((MetadataRecord.Config) records.get(4)).key());
        assertEquals(5, records.size());
    }

    @Test
    void shouldWriteNothingForConfigChangesThatChangeNothing() {
        MetadataController controller =
                new MetadataController(new TopicDefaults(1, (short) 1), new Random(0), UUID::randomUUID);
        MetadataImage image = imageWith(List.of(
                BROKER,
                new MetadataRecord.Config(io.tributary.spi.metadata.ConfigResource.broker(1), "a", Optional.of("1"))));
        java.util.HashMap<String, String> changes = new java.util.HashMap<>();
        changes.put("a", "1");
        changes.put("missing", null);

        assertTrue(controller
                .alterConfigs(image, io.tributary.spi.metadata.ConfigResource.broker(1), changes)
                .records()
                .isEmpty());
        assertFalse(controller
                .alterConfigs(image, io.tributary.spi.metadata.ConfigResource.broker(1), Map.of("a", "2"))
                .records()
                .isEmpty());
    }
}

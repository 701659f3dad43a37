package io.tributary.metadata.raft.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.metadata.raft.record.MetadataRecord;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.PartitionImage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataStateMachineTest {
    private static final UUID TOPIC = new UUID(1, 1);

    private static MetadataStateMachine replay(List<MetadataRecord> records) {
        MetadataStateMachine machine = new MetadataStateMachine();
        for (int i = 0; i < records.size(); i++) {
            machine.apply(i, records.get(i));
        }
        return machine;
    }

    private static final List<MetadataRecord> HISTORY = List.of(
            new MetadataRecord.RegisterBroker(
                    new BrokerRegistration(1, new UUID(9, 1), List.of(), Optional.empty(), false)),
            new MetadataRecord.RegisterBroker(
                    new BrokerRegistration(2, new UUID(9, 2), List.of(), Optional.empty(), true)),
            new MetadataRecord.FenceBroker(2, false),
            new MetadataRecord.FeatureLevel("metadata.version", (short) 3),
            new MetadataRecord.Topic("a", TOPIC),
            new MetadataRecord.Partition(TOPIC, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0),
            new MetadataRecord.Partition(TOPIC, 1, List.of(2, 1), List.of(2, 1), 2, 0, 0),
            new MetadataRecord.PartitionChange(TOPIC, 1, OptionalInt.of(1), Optional.of(List.of(1)), Optional.empty()),
            new MetadataRecord.Topic("b", new UUID(2, 2)),
            new MetadataRecord.Partition(new UUID(2, 2), 0, List.of(1), List.of(1), 1, 0, 0),
            new MetadataRecord.Config(ConfigResource.topic("b"), "retention.ms", Optional.of("1")),
            new MetadataRecord.RemoveTopic(new UUID(2, 2)),
            new MetadataRecord.Config(ConfigResource.topic("a"), "x", Optional.of("1")),
            new MetadataRecord.Config(ConfigResource.topic("a"), "y", Optional.of("2")),
            new MetadataRecord.Config(ConfigResource.topic("a"), "x", Optional.empty()),
            new MetadataRecord.Config(ConfigResource.clusterDefault(), "z", Optional.of("3")),
            new MetadataRecord.ProducerIds(1, 1000),
            new MetadataRecord.ProducerIds(2, 2000));

    @Test
    void shouldBuildTheImageOfAHistory() {
        MetadataImage image = replay(HISTORY).image();

        assertEquals(HISTORY.size() - 1, image.offset());
        assertEquals(false, image.brokers().get(2).fenced());
        assertEquals(List.of("a"), List.copyOf(image.topicsByName().keySet()));
        PartitionImage changed = image.topic("a").orElseThrow().partitions().get(1);
        assertEquals(new PartitionImage(1, List.of(2, 1), List.of(1), 1, 1, 1), changed);
        assertEquals(
                Map.of(ConfigResource.topic("a"), Map.of("y", "2"), ConfigResource.clusterDefault(), Map.of("z", "3")),
                image.configs());
        assertEquals(2000, image.nextProducerId());
    }

    @Test
    void shouldRebuildAnEqualImageFromItsSnapshotRecords() {
        MetadataStateMachine original = replay(HISTORY);
        MetadataStateMachine restored = new MetadataStateMachine();
        restored.loadSnapshot(original.offset(), original.snapshotRecords());

        assertEquals(original.image(), restored.image());
        assertEquals(original.features(), restored.features());
        assertEquals(original.snapshotRecords(), restored.snapshotRecords());
    }

    @Test
    void shouldReuseTheImageWhileNothingChanges() {
        MetadataStateMachine machine = replay(HISTORY);
        assertSame(machine.image(), machine.image());
    }

    @Test
    void shouldRefuseRecordsThatDoNotFitTheState() {
        MetadataStateMachine machine = replay(HISTORY);
        long next = machine.offset() + 1;
        assertThrows(
                ReplayException.class,
                () -> machine.apply(
                        next, new MetadataRecord.Partition(new UUID(5, 5), 0, List.of(1), List.of(1), 1, 0, 0)));
        assertThrows(ReplayException.class, () -> machine.apply(next, new MetadataRecord.Topic("a", new UUID(6, 6))));
        assertThrows(ReplayException.class, () -> machine.apply(next, new MetadataRecord.ProducerIds(1, 1500)));
        assertThrows(ReplayException.class, () -> machine.apply(next, new MetadataRecord.FenceBroker(9, true)));
        ReplayException e =
                assertThrows(ReplayException.class, () -> machine.apply(3, new MetadataRecord.RemoveTopic(TOPIC)));
        assertTrue(e.getMessage().contains("not after"), e.getMessage());
    }
}

package io.tributary.metadata.raft.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    static final List<MetadataRecord> ONE_OF_EACH = List.of(
            new MetadataRecord.RegisterBroker(new BrokerRegistration(
                    3,
                    new UUID(5, 6),
                    List.of(
                            new BrokerRegistration.Endpoint("PLAINTEXT", "127.0.0.3", 9092, "PLAINTEXT"),
                            new BrokerRegistration.Endpoint("SSL", "höst", 9093, "SSL")),
                    Optional.of("rack-1"),
                    true)),
            new MetadataRecord.RegisterBroker(
                    new BrokerRegistration(4, new UUID(7, 8), List.of(), Optional.empty(), false)),
            new MetadataRecord.FenceBroker(3, false),
            new MetadataRecord.Topic("orders", new UUID(1, 2)),
            new MetadataRecord.Partition(new UUID(1, 2), 7, List.of(3, 4), List.of(4), 4, 2, 9),
            new MetadataRecord.PartitionChange(
                    new UUID(1, 2), 7, OptionalInt.of(3), Optional.of(List.of(3, 4)), Optional.empty()),
            new MetadataRecord.PartitionChange(
                    new UUID(1, 2), 7, OptionalInt.empty(), Optional.empty(), Optional.of(List.of(4, 3))),
            new MetadataRecord.RemoveTopic(new UUID(1, 2)),
            new MetadataRecord.Config(ConfigResource.topic("orders"), "retention.ms", Optional.of("1000")),
            new MetadataRecord.Config(ConfigResource.clusterDefault(), "log.retention.ms", Optional.empty()),
            new MetadataRecord.ProducerIds(3, 5000),
            new MetadataRecord.FeatureLevel("metadata.version", (short) 1));

    @Test
    void shouldRoundTripEveryRecordType() {
        for (MetadataRecord record : ONE_OF_EACH) {
            assertEquals(record, RecordCodec.decode(RecordCodec.encode(record)));
        }
        Set<RecordType> covered = ONE_OF_EACH.stream().map(MetadataRecord::type).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(RecordType.class), covered);
    }

    @Test
    void shouldStartWithTypeIdAndVersion() {
        ByteBuffer bytes = RecordCodec.encode(new MetadataRecord.RemoveTopic(new UUID(1, 1)));
        assertEquals(RecordType.REMOVE_TOPIC.id(), bytes.getShort(0));
        assertEquals(0, bytes.getShort(2));
        assertEquals(4 + 16, bytes.remaining());
    }

    @Test
    void shouldRejectUnknownRecordType() {
        ByteBuffer bytes =
                ByteBuffer.allocate(4).putShort((short) 999).putShort((short) 0).flip();
        RecordFormatException e = assertThrows(RecordFormatException.class, () -> RecordCodec.decode(bytes));
        assertTrue(e.getMessage().contains("999"), e.getMessage());
    }

    @Test
    void shouldRejectVersionNewerThanKnown() {
        ByteBuffer bytes = copy(RecordCodec.encode(new MetadataRecord.RemoveTopic(new UUID(1, 1))));
        bytes.putShort(2, (short) 1);
        RecordFormatException e = assertThrows(RecordFormatException.class, () -> RecordCodec.decode(bytes));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void shouldRejectTruncatedAndTrailingBytes() {
        ByteBuffer full = RecordCodec.encode(new MetadataRecord.Topic("orders", new UUID(1, 2)));
        assertThrows(RecordFormatException.class, () -> RecordCodec.decode(full.slice(0, full.remaining() - 1)));
        ByteBuffer longer = ByteBuffer.allocate(full.remaining() + 1)
                .put(full.duplicate())
                .put((byte) 0)
                .flip();
        assertThrows(RecordFormatException.class, () -> RecordCodec.decode(longer));
    }

    @Test
    void shouldRejectImpossibleStringLength() {
        ByteBuffer bytes = copy(RecordCodec.encode(new MetadataRecord.Topic("orders", new UUID(1, 2))));
        bytes.putInt(4, 1 << 30);
        assertThrows(RecordFormatException.class, () -> RecordCodec.decode(bytes));
    }

    private static ByteBuffer copy(ByteBuffer source) {
        return ByteBuffer.allocate(source.remaining()).put(source.duplicate()).flip();
    }
}

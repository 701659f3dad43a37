package io.tributary.kernel.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.DynamicBrokerConfig;
import io.tributary.spi.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tasks that must see a metadata write (a CreateTopics answer, an auto-created topic) wait for
 * the partition manager to reach the write's offset, however early they are queued.
 */
class PartitionManagerWaitersTest {
    private final PartitionManager manager =
            new PartitionManager(1, new DynamicBrokerConfig(BrokerConfig.defaults()), null, null, null, null);

    private static MetadataImage imageAt(long offset) {
        return new MetadataImage(offset, Map.of(), Map.of(), Map.of(), Map.of(), 0);
    }

    @Test
    void shouldHoldATaskUntilAnImageAtItsOffsetIsApplied() {
        List<String> ran = new ArrayList<>();
        manager.whenApplied(5, () -> ran.add("needs 5 (" + manager.image().offset() + ")"));
        manager.whenApplied(3, () -> ran.add("needs 3 (" + manager.image().offset() + ")"));
        assertEquals(List.of(), ran);

        manager.apply(imageAt(3));
        assertEquals(List.of("needs 3 (3)"), ran);

        manager.apply(imageAt(7));
        assertEquals(List.of("needs 3 (3)", "needs 5 (7)"), ran);
    }

    @Test
    void shouldRunATaskAtOnceWhenItsOffsetIsAlreadyApplied() {
        manager.apply(imageAt(4));
        List<String> ran = new ArrayList<>();
        manager.whenApplied(4, () -> ran.add("now"));
        manager.whenApplied(-1, () -> ran.add("empty image"));
        assertEquals(List.of("now", "empty image"), ran);
    }
}

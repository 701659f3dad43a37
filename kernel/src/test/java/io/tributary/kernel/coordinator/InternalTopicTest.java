package io.tributary.kernel.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The partition that owns a coordinator key follows Kafka's rule, so tools computing it agree. */
class InternalTopicTest {

    @Test
    void shouldPlaceAKeyOnAbsHashCodeModuloPartitions() {
        assertEquals(Math.abs("my-group".hashCode()) % 50, InternalTopic.partitionFor("my-group", 50));
        int negatives = 0;
        for (String key : new String[] {"a", "group-b", "console-consumer-42", "", "x".repeat(300), "zzzzzzzz"}) {
            int p = InternalTopic.partitionFor(key, 7);
            assertEquals(Math.abs(key.hashCode()) % 7, p, key);
            assertTrue(p >= 0 && p < 7);
            negatives += key.hashCode() < 0 ? 1 : 0;
        }
        assertTrue(negatives > 0, "negative hash codes are covered");
    }

    @Test
    void shouldPlaceTheKeyWhoseHashIsMinValueOnPartitionZero() {
        // Math.abs(Integer.MIN_VALUE) is negative; Kafka's Utils.abs maps it to 0.
        assertEquals(Integer.MIN_VALUE, "polygenelubricants".hashCode());
        assertEquals(0, InternalTopic.partitionFor("polygenelubricants", 50));
    }

    @Test
    void shouldRefuseTopicsWithoutPartitionsOrReplicas() {
        assertThrows(IllegalArgumentException.class, () -> new InternalTopic("__x", 0, (short) 1, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new InternalTopic("__x", 1, (short) 0, Map.of()));
    }
}

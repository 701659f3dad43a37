package io.tributary.spi.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RandomIdsTest {
    @Test
    void shouldMakeDistinctVersion4Uuids() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = RandomIds.next();
            assertEquals(4, id.version(), id::toString);
            assertEquals(2, id.variant(), id::toString);
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }
}

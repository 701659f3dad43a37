package io.tributary.spi.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerRegistrationTest {
    @Test
    void shouldWriteAnEndpointAsItsListenerUrl() {
        BrokerRegistration.Endpoint e = new BrokerRegistration.Endpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT");

        assertEquals("PLAINTEXT://127.0.0.1:9092", e.toString());
        assertEquals(
                "[INTERNAL://b1:19093]",
                List.of(new BrokerRegistration.Endpoint("INTERNAL", "b1", 19093, "SSL"))
                        .toString());
    }
}

package io.tributary.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.protocol.codec.UnsupportedVersionException;
import io.tributary.protocol.message.ApiMessageType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Our generated ApiMessageType against kafka-clients' own, constant by constant. */
class ApiMessageTypeTest {

    @Test
    void shouldListTheSameApisAsKafkaClients() {
        assertEquals(
                Arrays.stream(org.apache.kafka.common.message.ApiMessageType.values())
                        .map(Enum::name)
                        .toList(),
                Arrays.stream(ApiMessageType.values()).map(Enum::name).toList());
    }

    @Test
    void shouldMatchKafkaClientsForEveryApi() {
        for (var kafka : org.apache.kafka.common.message.ApiMessageType.values()) {
            ApiMessageType ours = ApiMessageType.valueOf(kafka.name());
            String api = kafka.name();
            assertEquals(kafka.apiKey(), ours.apiKey(), api);
            assertEquals(kafka.name, ours.displayName(), api);
            assertEquals(kafka.lowestSupportedVersion(), ours.lowestSupportedVersion(), api);
            assertEquals(kafka.highestSupportedVersion(true), ours.highestSupportedVersion(), api);
            assertEquals(kafka.latestVersionUnstable(), ours.latestVersionUnstable(), api);
            List<String> listeners = kafka.listeners().stream()
                    .map(l -> l.name().toLowerCase(Locale.ROOT))
                    .toList();
            assertEquals(listeners, ours.listeners(), api);
            assertEquals(Optional.of(ours), ApiMessageType.fromApiKey(kafka.apiKey()), api);
            if (kafka.highestSupportedVersion(true) < 0) {
                // Removed APIs: kafka-clients refuses to name header versions, and so do we.
                assertThrows(UnsupportedVersionException.class, () -> ours.requestHeaderVersion((short) 0), api);
                assertThrows(UnsupportedVersionException.class, () -> ours.responseHeaderVersion((short) 0), api);
                assertThrows(UnsupportedVersionException.class, ours::newRequest, api);
                assertThrows(UnsupportedVersionException.class, ours::newResponse, api);
            } else {
                // Header versions, including a few versions past the highest (KIP-511 reads their headers).
                for (short v = kafka.lowestSupportedVersion(); v <= kafka.highestSupportedVersion(true) + 3; v++) {
                    assertEquals(kafka.requestHeaderVersion(v), ours.requestHeaderVersion(v), api + " v" + v);
                    assertEquals(kafka.responseHeaderVersion(v), ours.responseHeaderVersion(v), api + " v" + v);
                }
                assertEquals(
                        kafka.newRequest().getClass().getSimpleName(),
                        ours.newRequest().getClass().getSimpleName(),
                        api);
                assertEquals(
                        kafka.newResponse().getClass().getSimpleName(),
                        ours.newResponse().getClass().getSimpleName(),
                        api);
                assertEquals(kafka.apiKey(), ours.newRequest().apiKey(), api);
                assertEquals(kafka.apiKey(), ours.newResponse().apiKey(), api);
            }
        }
    }

    @Test
    void shouldKnowWhichVersionsAreFlexible() {
        assertFalse(ApiMessageType.PRODUCE.isFlexible((short) 8));
        assertTrue(ApiMessageType.PRODUCE.isFlexible((short) 9));
        assertTrue(ApiMessageType.PRODUCE.isFlexible((short) 100));
        assertFalse(ApiMessageType.LEADER_AND_ISR.isFlexible((short) 5));
    }
}

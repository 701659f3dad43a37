package io.tributary.tests.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tributary.tests.support.InProcessBroker;
import io.tributary.tests.support.RawClient;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.Test;

/** The group APIs are advertised with every version Kafka 4.4 accepts. */
class GroupApiVersionsTest {

    @Test
    void shouldAdvertiseEveryGroupApiWithKafkasVersionRange() throws Exception {
        Map<ApiKeys, short[]> expected = Map.ofEntries(
                Map.entry(ApiKeys.OFFSET_COMMIT, new short[] {2, 10}),
                Map.entry(ApiKeys.OFFSET_FETCH, new short[] {1, 10}),
                Map.entry(ApiKeys.FIND_COORDINATOR, new short[] {0, 6}),
                Map.entry(ApiKeys.JOIN_GROUP, new short[] {0, 9}),
                Map.entry(ApiKeys.HEARTBEAT, new short[] {0, 4}),
                Map.entry(ApiKeys.LEAVE_GROUP, new short[] {0, 5}),
                Map.entry(ApiKeys.SYNC_GROUP, new short[] {0, 5}),
                Map.entry(ApiKeys.DESCRIBE_GROUPS, new short[] {0, 6}),
                Map.entry(ApiKeys.LIST_GROUPS, new short[] {0, 5}),
                Map.entry(ApiKeys.DELETE_GROUPS, new short[] {0, 3}),
                Map.entry(ApiKeys.OFFSET_DELETE, new short[] {0, 0}),
                Map.entry(ApiKeys.CONSUMER_GROUP_HEARTBEAT, new short[] {0, 1}),
                Map.entry(ApiKeys.CONSUMER_GROUP_DESCRIBE, new short[] {0, 1}));
        try (InProcessBroker broker = InProcessBroker.start();
                RawClient c = new RawClient("127.0.0.1", broker.port())) {
            ApiVersionsResponse r = (ApiVersionsResponse) c.call(new ApiVersionsRequest.Builder().build((short) 3));
            for (Map.Entry<ApiKeys, short[]> e : expected.entrySet()) {
                ApiVersionsResponseData.ApiVersion v = r.data().apiKeys().find(e.getKey().id);
                assertNotNull(v, e.getKey() + " is advertised");
                assertEquals(e.getValue()[0], v.minVersion(), e.getKey() + " min");
                assertEquals(e.getValue()[1], v.maxVersion(), e.getKey() + " max");
                assertEquals(e.getKey().oldestVersion(), v.minVersion(), e.getKey() + " as kafka-clients 4.4 knows it");
                assertEquals(e.getKey().latestVersion(), v.maxVersion(), e.getKey() + " as kafka-clients 4.4 knows it");
            }
        }
    }
}

package io.tributary.kernel.api;

import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ApiVersionsResponseData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ApiVersions: advertises every implemented API with the versions the broker accepts, Produce
 * from 0 as Kafka does for librdkafka (KAFKA-18659). The over-new case (KIP-511) is answered by
 * the dispatcher before a request gets here.
 */
public final class ApiVersionsHandler implements ApiHandler {
    private final Supplier<Map<Short, ApiHandler>> handlers;
    private volatile List<ApiVersionsResponseData.ApiVersion> cached;

    public ApiVersionsHandler(Supplier<Map<Short, ApiHandler>> handlers) {
        this.handlers = handlers;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.API_VERSIONS;
    }

    @Override
    public void handle(RequestContext context, Message request) {
        ApiVersionsResponseData response = new ApiVersionsResponseData()
                .setErrorCode(Errors.NONE.code())
                .setApiKeys(apiKeys())
                .setThrottleTimeMs(0);
        context.respond(response);
    }

    private List<ApiVersionsResponseData.ApiVersion> apiKeys() {
        List<ApiVersionsResponseData.ApiVersion> keys = cached;
        if (keys == null) {
            keys = new ArrayList<>();
            for (ApiHandler h : handlers.get().values()) {
                keys.add(new ApiVersionsResponseData.ApiVersion()
                        .setApiKey(h.api().apiKey())
                        .setMinVersion(h.advertisedMinVersion())
                        .setMaxVersion(h.maxVersion()));
            }
            keys = List.copyOf(keys);
            cached = keys;
        }
        return new ArrayList<>(keys);
    }
}

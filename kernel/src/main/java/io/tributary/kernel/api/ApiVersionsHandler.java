package io.tributary.kernel.api;

import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ApiVersionsResponseData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * ApiVersions: advertises every implemented API with the versions the broker accepts, Produce
 * from 0 as Kafka does for librdkafka (KAFKA-18659). The over-new case (KIP-511) is answered by
 * the dispatcher before a request gets here. From v3 the answer also carries the supported and
 * finalized features ({@code metadata.version} and friends), with the metadata offset as the
 * finalized features' epoch, as Kafka does.
 */
public final class ApiVersionsHandler implements ApiHandler {
    private final Supplier<Map<Short, ApiHandler>> handlers;
    private final Supplier<io.tributary.kernel.cluster.Features> features;
    private final LongSupplier featuresEpoch;
    private volatile List<ApiVersionsResponseData.ApiVersion> cached;

    /**
     * @param handlers the registered handlers, read on the first request
     * @param features the feature levels to advertise now (read on every request: levels change)
     * @param featuresEpoch the epoch of the finalized features (the metadata offset)
     */
    public ApiVersionsHandler(
            Supplier<Map<Short, ApiHandler>> handlers,
            Supplier<io.tributary.kernel.cluster.Features> features,
            LongSupplier featuresEpoch) {
        this.handlers = handlers;
        this.features = features;
        this.featuresEpoch = featuresEpoch;
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
        if (context.apiVersion() >= 3) {
            for (io.tributary.kernel.cluster.Features.Feature f : features.get().all()) {
                response.supportedFeatures()
                        .add(new ApiVersionsResponseData.SupportedFeatureKey()
                                .setName(f.name())
                                .setMinVersion(f.minSupported())
                                .setMaxVersion(f.maxSupported()));
                if (f.finalized() == 0) {
                    continue; // a feature switched off is supported but not finalized, as in Kafka
                }
                response.finalizedFeatures()
                        .add(new ApiVersionsResponseData.FinalizedFeatureKey()
                                .setName(f.name())
                                .setMinVersionLevel(f.finalized())
                                .setMaxVersionLevel(f.finalized()));
            }
            response.setFinalizedFeaturesEpoch(Math.max(0, featuresEpoch.getAsLong()));
        }
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

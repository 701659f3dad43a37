package io.tributary.kernel.cluster;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.UpdateFeaturesRequestData;
import io.tributary.protocol.message.UpdateFeaturesResponseData;
import io.tributary.spi.metadata.ConfigResource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * UpdateFeatures, for {@code kafka-features upgrade/downgrade}. {@code transaction.version} may be
 * set to any level the build supports (0 to {@link Features#TRANSACTION_VERSION}); going down
 * needs a downgrade type, as in Kafka. The new level is stored cluster-wide in the metadata log as
 * the dynamic default of the broker key {@code transaction.version}, so every broker advertises it
 * and it survives restarts. Other features keep the level the build implements: an update to
 * that level succeeds and any other answers INVALID_UPDATE_VERSION, naming the allowed level.
 */
public final class UpdateFeaturesHandler implements ApiHandler {
    /** Kafka's FeatureUpdate.UpgradeType codes. */
    private static final byte UPGRADE = 1;

    private final Supplier<Features> features;
    private final KernelServices services;

    public UpdateFeaturesHandler(Supplier<Features> features, KernelServices services) {
        this.features = features;
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.UPDATE_FEATURES;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        UpdateFeaturesRequestData request = (UpdateFeaturesRequestData) message;
        short version = context.apiVersion();
        Features current = features.get();
        UpdateFeaturesResponseData response =
                new UpdateFeaturesResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code());
        Set<String> seen = new HashSet<>();
        Errors firstError = Errors.NONE;
        String firstMessage = null;
        Map<String, String> changes = new LinkedHashMap<>();
        for (UpdateFeaturesRequestData.FeatureUpdateKey u : request.featureUpdates()) {
            byte type = version == 0 ? (u.allowDowngrade() ? (byte) 2 : UPGRADE) : u.upgradeType();
            short level = u.maxVersionLevel();
            short finalized = current.finalized(u.feature());
            Errors error = Errors.NONE;
            String text = null;
            if (!seen.add(u.feature())) {
                error = Errors.INVALID_REQUEST;
                text = "Feature " + u.feature() + " appears more than once in the request.";
            } else if (Features.TRANSACTION_VERSION_NAME.equals(u.feature())) {
                if (level < 0 || level > Features.TRANSACTION_VERSION) {
                    error = Errors.INVALID_UPDATE_VERSION;
                    text = "Invalid update version " + level + " for feature " + u.feature()
                            + ". Supported levels are 0 to " + Features.TRANSACTION_VERSION + ".";
                } else if (level < finalized && type == UPGRADE) {
                    error = Errors.INVALID_UPDATE_VERSION;
                    text = "Invalid update version " + level + " for feature " + u.feature()
                            + ". Can't downgrade to a lower version without setting the upgrade type to safe"
                            + " or unsafe downgrade.";
                } else if (level > finalized && type != UPGRADE) {
                    error = Errors.INVALID_UPDATE_VERSION;
                    text = "Invalid update version " + level + " for feature " + u.feature()
                            + ". Can't downgrade to a newer version.";
                } else if (level != finalized) {
                    changes.put(BrokerConfigDef.TRANSACTION_VERSION, Short.toString(level));
                }
            } else if (level != finalized) {
                error = Errors.INVALID_UPDATE_VERSION;
                text = "Invalid update version " + level + " for feature " + u.feature()
                        + ". Tributary keeps the level this build implements: " + finalized + ".";
            }
            if (error != Errors.NONE && firstError == Errors.NONE) {
                firstError = error;
                firstMessage = text;
            }
            response.results()
                    .add(new UpdateFeaturesResponseData.UpdatableFeatureResult()
                            .setFeature(u.feature())
                            .setErrorCode(error.code())
                            .setErrorMessage(text));
        }
        if (version >= 2) {
            // v2 carries one error for the whole request.
            response.setErrorCode(firstError.code()).setErrorMessage(firstMessage);
        }
        if (firstError != Errors.NONE || changes.isEmpty() || request.validateOnly()) {
            context.respond(response);
            return;
        }
        services.metadata()
                .alterConfigs(ConfigResource.clusterDefault(), changes, false)
                .whenComplete((ignored, failure) -> services.afterMetadataApplied(() -> {
                    if (failure != null) {
                        Errors error = ErrorMapping.of(failure);
                        response.setErrorCode(error.code()).setErrorMessage(failure.getMessage());
                        response.results().forEach(r -> {
                            if (changes.containsKey(r.feature())) {
                                r.setErrorCode(error.code()).setErrorMessage(failure.getMessage());
                            }
                        });
                    }
                    context.respond(response);
                }));
    }
}

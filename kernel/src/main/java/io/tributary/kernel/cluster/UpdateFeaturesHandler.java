package io.tributary.kernel.cluster;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.UpdateFeaturesRequestData;
import io.tributary.protocol.message.UpdateFeaturesResponseData;
import java.util.HashSet;
import java.util.Set;

/**
 * UpdateFeatures, for {@code kafka-features upgrade/downgrade}: Tributary's feature levels are
 * fixed by what the build implements ({@link Features}), so an update to the level already
 * finalized succeeds and any other answers INVALID_UPDATE_VERSION, naming the allowed level.
 */
public final class UpdateFeaturesHandler implements ApiHandler {
    private final Features features;

    public UpdateFeaturesHandler(Features features) {
        this.features = features;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.UPDATE_FEATURES;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        UpdateFeaturesRequestData request = (UpdateFeaturesRequestData) message;
        UpdateFeaturesResponseData response =
                new UpdateFeaturesResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code());
        Set<String> seen = new HashSet<>();
        Errors firstError = Errors.NONE;
        String firstMessage = null;
        for (UpdateFeaturesRequestData.FeatureUpdateKey u : request.featureUpdates()) {
            Errors error = Errors.NONE;
            String text = null;
            short current =
                    features.get(u.feature()).map(Features.Feature::finalized).orElse((short) 0);
            if (!seen.add(u.feature())) {
                error = Errors.INVALID_REQUEST;
                text = "Feature " + u.feature() + " appears more than once in the request.";
            } else if (u.maxVersionLevel() != current) {
                error = Errors.INVALID_UPDATE_VERSION;
                text = "Invalid update version " + u.maxVersionLevel() + " for feature " + u.feature()
                        + ". Tributary keeps the level this build implements: " + current + ".";
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
        if (context.apiVersion() >= 2) {
            // v2 carries one error for the whole request.
            response.setErrorCode(firstError.code()).setErrorMessage(firstMessage);
        }
        context.respond(response);
    }
}

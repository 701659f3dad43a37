package io.tributary.kernel.configs;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.AlterConfigsRequestData;
import io.tributary.protocol.message.AlterConfigsResponseData;
import io.tributary.protocol.message.ApiMessageType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AlterConfigs (the legacy, non-incremental API): each resource's configs are replaced by the
 * request's set, so keys it leaves out are removed. Topics and brokers (one broker or the
 * cluster default); answered once this broker applies the change.
 */
public final class AlterConfigsHandler implements ApiHandler {
    private final ConfigTargets targets;

    public AlterConfigsHandler(KernelServices services) {
        this.targets = new ConfigTargets(services);
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.ALTER_CONFIGS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        AlterConfigsRequestData request = (AlterConfigsRequestData) message;
        List<CompletableFuture<ConfigTargets.Result>> results = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
            results.add(alter(r, request.validateOnly()));
        }
        ConfigTargets.all(results).thenAccept(done -> {
            AlterConfigsResponseData response = new AlterConfigsResponseData().setThrottleTimeMs(0);
            for (int i = 0; i < done.size(); i++) {
                AlterConfigsRequestData.AlterConfigsResource r =
                        request.resources().get(i);
                response.responses()
                        .add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                                .setErrorCode(done.get(i).error().code())
                                .setErrorMessage(done.get(i).message())
                                .setResourceType(r.resourceType())
                                .setResourceName(r.resourceName()));
            }
            context.respond(response);
        });
    }

    private CompletableFuture<ConfigTargets.Result> alter(
            AlterConfigsRequestData.AlterConfigsResource r, boolean validateOnly) {
        try {
            ConfigTargets.Target target = targets.target(r.resourceType(), r.resourceName());
            Map<String, String> wanted = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (AlterConfigsRequestData.AlterableConfig c : r.configs()) {
                if (!seen.add(c.name())) {
                    throw new ConfigTargets.Failure(Errors.INVALID_REQUEST, "Error due to duplicate config keys");
                }
                if (c.value() == null) {
                    throw new ConfigTargets.Failure(
                            Errors.INVALID_REQUEST,
                            "Null value not supported for " + (target.isTopic() ? "topic" : "broker") + " configs: "
                                    + c.name());
                }
                wanted.put(c.name(), c.value());
            }
            targets.validate(target, wanted);
            Map<String, String> changes = new HashMap<>(wanted);
            for (String existing : targets.current(target).keySet()) {
                changes.putIfAbsent(existing, null);
            }
            return targets.store(target, changes, validateOnly);
        } catch (ConfigTargets.Failure f) {
            return CompletableFuture.completedFuture(ConfigTargets.Result.of(f));
        }
    }
}

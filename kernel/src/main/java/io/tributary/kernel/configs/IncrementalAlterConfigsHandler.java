package io.tributary.kernel.configs;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.ConfigDef;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.IncrementalAlterConfigsRequestData;
import io.tributary.protocol.message.IncrementalAlterConfigsResponseData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on topic and broker configs (one
 * broker or the cluster default). APPEND and SUBTRACT work on list configs, starting from the
 * value the resource has now (its own, else the inherited one), as Kafka's controller does.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {
    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;
    private static final byte SUBTRACT = 3;

    private final ConfigTargets targets;

    public IncrementalAlterConfigsHandler(KernelServices services) {
        this.targets = new ConfigTargets(services);
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        IncrementalAlterConfigsRequestData request = (IncrementalAlterConfigsRequestData) message;
        List<CompletableFuture<ConfigTargets.Result>> results = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
            results.add(alter(r, request.validateOnly()));
        }
        ConfigTargets.all(results).thenAccept(done -> {
            IncrementalAlterConfigsResponseData response =
                    new IncrementalAlterConfigsResponseData().setThrottleTimeMs(0);
            for (int i = 0; i < done.size(); i++) {
                IncrementalAlterConfigsRequestData.AlterConfigsResource r =
                        request.resources().get(i);
                response.responses()
                        .add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                                .setErrorCode(done.get(i).error().code())
                                .setErrorMessage(done.get(i).message())
                                .setResourceType(r.resourceType())
                                .setResourceName(r.resourceName()));
            }
            context.respond(response);
        });
    }

    private CompletableFuture<ConfigTargets.Result> alter(
            IncrementalAlterConfigsRequestData.AlterConfigsResource r, boolean validateOnly) {
        try {
            ConfigTargets.Target target = targets.target(r.resourceType(), r.resourceName());
            Map<String, String> current = targets.current(target);
            Map<String, String> changes = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (IncrementalAlterConfigsRequestData.AlterableConfig c : r.configs()) {
                if (!seen.add(c.name())) {
                    throw new ConfigTargets.Failure(Errors.INVALID_REQUEST, "Error due to duplicate config keys");
                }
                switch (c.configOperation()) {
                    case SET -> changes.put(c.name(), requireValue(c));
                    case DELETE -> changes.put(c.name(), null);
                    case APPEND, SUBTRACT -> changes.put(c.name(), listChange(target, current, c));
                    default ->
                        throw new ConfigTargets.Failure(
                                Errors.INVALID_REQUEST, "Unknown alter configs operation " + c.configOperation());
                }
            }
            targets.validate(target, changes);
            return targets.store(target, changes, validateOnly);
        } catch (ConfigTargets.Failure f) {
            return CompletableFuture.completedFuture(ConfigTargets.Result.of(f));
        }
    }

    private static String requireValue(IncrementalAlterConfigsRequestData.AlterableConfig c) {
        if (c.value() == null) {
            throw new ConfigTargets.Failure(Errors.INVALID_REQUEST, "Null value not supported for : " + c.name());
        }
        return c.value();
    }

    private String listChange(
            ConfigTargets.Target target,
            Map<String, String> current,
            IncrementalAlterConfigsRequestData.AlterableConfig c) {
        String op = c.configOperation() == APPEND ? "APPEND" : "SUBTRACT";
        if (targets.typeOf(target, c.name()) != ConfigDef.Type.LIST) {
            throw new ConfigTargets.Failure(
                    Errors.INVALID_CONFIG, "Can't " + op + " to key " + c.name() + " because its type is not LIST.");
        }
        String base = current.containsKey(c.name()) ? current.get(c.name()) : targets.inheritedValue(target, c.name());
        List<String> values = new ArrayList<>(parts(base));
        for (String v : parts(requireValue(c))) {
            if (c.configOperation() == APPEND) {
                if (!values.contains(v)) {
                    values.add(v);
                }
            } else {
                values.remove(v);
            }
        }
        return String.join(",", values);
    }

    private static List<String> parts(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}

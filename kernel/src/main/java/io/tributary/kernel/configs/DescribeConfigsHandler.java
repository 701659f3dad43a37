package io.tributary.kernel.configs;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.ConfigDef;
import io.tributary.kernel.config.DescribedConfig;
import io.tributary.kernel.config.TopicConfigs;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DescribeConfigsRequestData;
import io.tributary.protocol.message.DescribeConfigsResponseData;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeConfigs for topics (every topic config, with the broker keys that supply defaults) and
 * brokers (this broker's whole configuration, or the cluster defaults set dynamically), with
 * Kafka's sources, synonyms, types and short documentation. A broker id other than this
 * broker's is refused with INVALID_REQUEST, as Kafka does: clients send broker resources to the
 * broker they name.
 */
public final class DescribeConfigsHandler implements ApiHandler {
    private final KernelServices services;
    private final ConfigTargets targets;

    public DescribeConfigsHandler(KernelServices services) {
        this.services = services;
        this.targets = new ConfigTargets(services);
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.DESCRIBE_CONFIGS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        DescribeConfigsRequestData request = (DescribeConfigsRequestData) message;
        DescribeConfigsResponseData response = new DescribeConfigsResponseData().setThrottleTimeMs(0);
        for (DescribeConfigsRequestData.DescribeConfigsResource r : request.resources()) {
            DescribeConfigsResponseData.DescribeConfigsResult result =
                    new DescribeConfigsResponseData.DescribeConfigsResult()
                            .setResourceType(r.resourceType())
                            .setResourceName(r.resourceName())
                            .setErrorCode(Errors.NONE.code());
            try {
                for (DescribedConfig c : describe(r)) {
                    if (r.configurationKeys() == null || r.configurationKeys().contains(c.name())) {
                        result.configs().add(entry(c, request));
                    }
                }
            } catch (ConfigTargets.Failure f) {
                result.setErrorCode(f.error.code()).setErrorMessage(f.getMessage());
                result.configs().clear();
            }
            response.results().add(result);
        }
        context.respond(response);
    }

    private List<DescribedConfig> describe(DescribeConfigsRequestData.DescribeConfigsResource r) {
        ConfigTargets.Target target = targets.target(r.resourceType(), r.resourceName());
        if (target.isTopic()) {
            return TopicConfigs.describe(
                    targets.current(target),
                    services.config(),
                    services.dynamicConfig().layers());
        }
        if (target.perBroker() && !target.local()) {
            throw new ConfigTargets.Failure(
                    Errors.INVALID_REQUEST,
                    "Unexpected broker id, expected " + services.nodeId() + " or empty string, but received "
                            + r.resourceName());
        }
        return services.dynamicConfig().describe(target.perBroker());
    }

    private static DescribeConfigsResponseData.DescribeConfigsResourceResult entry(
            DescribedConfig c, DescribeConfigsRequestData request) {
        List<DescribeConfigsResponseData.DescribeConfigsSynonym> synonyms = new ArrayList<>();
        if (request.includeSynonyms()) {
            for (DescribedConfig.Synonym s : c.synonyms()) {
                synonyms.add(new DescribeConfigsResponseData.DescribeConfigsSynonym()
                        .setName(s.name())
                        .setValue(s.value())
                        .setSource(s.source().id()));
            }
        }
        return new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                .setName(c.name())
                .setValue(c.value())
                .setReadOnly(c.readOnly())
                .setConfigSource(c.source().id())
                .setIsSensitive(c.sensitive())
                .setSynonyms(synonyms)
                .setConfigType(typeId(c.type()))
                .setDocumentation(request.includeDocumentation() ? c.documentation() : null);
    }

    /** Kafka's DescribeConfigsResponse.ConfigType ids. */
    static byte typeId(ConfigDef.Type type) {
        if (type == null) {
            return 0;
        }
        return switch (type) {
            case BOOLEAN -> 1;
            case STRING -> 2;
            case INT -> 3;
            case SHORT -> 4;
            case LONG -> 5;
            case DOUBLE -> 6;
            case LIST -> 7;
            case CLASS -> 8;
            case PASSWORD -> 9;
        };
    }
}

package io.tributary.kernel.configs;

import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.kernel.config.ConfigDef;
import io.tributary.kernel.config.ConfigException;
import io.tributary.kernel.config.DescribedConfig;
import io.tributary.kernel.config.DynamicBrokerConfig;
import io.tributary.kernel.config.TopicConfigs;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.spi.metadata.ConfigResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the config APIs share: naming a resource from the wire, checking and storing changes with
 * Kafka's error codes and messages. Stateless apart from the services it reads.
 */
final class ConfigTargets {
    /** Kafka's ConfigResource.Type ids. */
    static final byte TOPIC = 2;

    static final byte BROKER = 4;

    private final KernelServices services;

    ConfigTargets(KernelServices services) {
        this.services = services;
    }

    /** A config request failed for one resource. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Errors error;

        Failure(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    /**
     * The resource a request names.
     *
     * @param perBroker for broker resources: true for one broker, false for the cluster default
     * @param local for broker resources: this broker (or the default, which this broker uses too)
     */
    record Target(ConfigResource resource, boolean perBroker, boolean local) {
        boolean isTopic() {
            return resource.type() == ConfigResource.Type.TOPIC;
        }
    }

    /**
     * Resolves a resource of a request.
     *
     * @throws Failure INVALID_REQUEST for other types or bad broker names, INVALID_TOPIC_EXCEPTION
     *     and UNKNOWN_TOPIC_OR_PARTITION for topics
     */
    Target target(byte type, String name) {
        if (type == TOPIC) {
            if (name == null || name.isEmpty()) {
                throw new Failure(Errors.INVALID_REQUEST, "Default topic resources are not allowed.");
            }
            if (!TopicNames.isValid(name)) {
                throw new Failure(
                        Errors.INVALID_TOPIC_EXCEPTION,
                        TopicNames.invalidReason(name).orElseThrow());
            }
            if (services.partitions().image().topic(name).isEmpty()) {
                throw new Failure(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + name + "' does not exist.");
            }
            return new Target(ConfigResource.topic(name), false, false);
        }
        if (type == BROKER) {
            if (name == null || name.isEmpty()) {
                return new Target(ConfigResource.clusterDefault(), false, true);
            }
            int id;
            try {
                id = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                throw new Failure(Errors.INVALID_REQUEST, "Unable to parse broker name as a base 10 number.");
            }
            if (id < 0) {
                throw new Failure(Errors.INVALID_REQUEST, "Invalid negative broker ID.");
            }
            return new Target(ConfigResource.broker(id), true, id == services.nodeId());
        }
        throw new Failure(Errors.INVALID_REQUEST, "Unsupported resource type " + type + " for configs.");
    }

    /** The explicitly set configs of a resource now. */
    Map<String, String> current(Target target) {
        return services.partitions().image().configs(target.resource());
    }

    /** The type of a config of the target, if known. */
    ConfigDef.Type typeOf(Target target, String name) {
        if (target.isTopic()) {
            return TopicConfigs.type(name).orElse(null);
        }
        return BrokerConfigDef.DEF.key(name).map(ConfigDef.Key::type).orElse(null);
    }

    /** The value a config of the target has when it is not set on the target itself. */
    String inheritedValue(Target target, String name) {
        if (target.isTopic()) {
            for (DescribedConfig c : TopicConfigs.describe(Map.of(), services.config())) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
            return null;
        }
        return BrokerConfigDef.DEF.keys().containsKey(name)
                ? DescribedConfig.format(services.config().value(name))
                : null;
    }

    /**
     * Checks the changes (null values remove keys) against the target's rules.
     *
     * @throws Failure INVALID_CONFIG for unknown topic keys, read-only broker keys and bad values
     */
    void validate(Target target, Map<String, String> changes) {
        try {
            if (target.isTopic()) {
                Map<String, String> set = new HashMap<>();
                for (Map.Entry<String, String> e : changes.entrySet()) {
                    if (!TopicConfigs.isKnown(e.getKey())) {
                        throw new ConfigException("Unknown topic config name: " + e.getKey());
                    }
                    if (e.getValue() != null) {
                        set.put(e.getKey(), e.getValue());
                    }
                }
                TopicConfigs.validate(set);
            } else {
                DynamicBrokerConfig.validate(changes, target.perBroker());
            }
        } catch (ConfigException e) {
            throw new Failure(Errors.INVALID_CONFIG, e.getMessage());
        }
    }

    /**
     * Stores the changes; the future completes on the handler thread once this broker has
     * applied them, with the error of this resource or NONE.
     */
    CompletableFuture<Result> store(Target target, Map<String, String> changes, boolean validateOnly) {
        CompletableFuture<Result> done = new CompletableFuture<>();
        services.metadata()
                .alterConfigs(target.resource(), changes, validateOnly)
                .whenComplete((ok, failure) -> services.afterMetadataApplied(() -> done.complete(
                        failure == null
                                ? Result.OK
                                : new Result(
                                        ErrorMapping.of(failure),
                                        ErrorMapping.unwrap(failure).getMessage()))));
        return done;
    }

    /** One resource's outcome. */
    record Result(Errors error, String message) {
        static final Result OK = new Result(Errors.NONE, null);

        static Result of(Failure f) {
            return new Result(f.error, f.getMessage());
        }
    }

    /** Waits for every future, in order, without blocking: completes when all have. */
    static CompletableFuture<List<Result>> all(List<CompletableFuture<Result>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    List<Result> out = new ArrayList<>(futures.size());
                    for (CompletableFuture<Result> f : futures) {
                        out.add(f.join());
                    }
                    return out;
                });
    }
}

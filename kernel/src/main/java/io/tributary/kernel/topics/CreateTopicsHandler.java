package io.tributary.kernel.topics;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.ConfigException;
import io.tributary.kernel.config.DescribedConfig;
import io.tributary.kernel.config.TopicConfigs;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.CreateTopicsRequestData;
import io.tributary.protocol.message.CreateTopicsResponseData;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.metadata.TopicResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * CreateTopics: checks names, counts and configs here (Kafka's messages and error codes), leaves
 * what depends on cluster state (existence, broker count) to the metadata store, and answers once
 * the new partitions are open on this broker.
 */
public final class CreateTopicsHandler implements ApiHandler {
    private final KernelServices services;

    public CreateTopicsHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.CREATE_TOPICS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        CreateTopicsRequestData request = (CreateTopicsRequestData) message;
        Map<String, Integer> counts = new HashMap<>();
        for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
            counts.merge(t.name(), 1, Integer::sum);
        }
        Map<String, CreateTopicsResponseData.CreatableTopicResult> results = new LinkedHashMap<>();
        List<NewTopic> toCreate = new ArrayList<>();
        for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
            if (results.containsKey(t.name())) {
                continue;
            }
            String error = null;
            Errors code = Errors.NONE;
            if (counts.get(t.name()) > 1) {
                code = Errors.INVALID_REQUEST;
                error = "Create topics request from client contains multiple entries for the topic " + t.name();
            } else if (TopicNames.invalidReason(t.name()).isPresent()) {
                code = Errors.INVALID_TOPIC_EXCEPTION;
                error = TopicNames.invalidReason(t.name()).get();
            } else if (!t.assignments().isEmpty() && (t.numPartitions() != -1 || t.replicationFactor() != -1)) {
                code = Errors.INVALID_REQUEST;
                error = "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used"
                        + " at the same time.";
            } else if (t.assignments().isEmpty() && (t.numPartitions() == 0 || t.numPartitions() < -1)) {
                code = Errors.INVALID_PARTITIONS;
                error = "Number of partitions was set to an invalid non-positive value.";
            } else if (t.assignments().isEmpty() && (t.replicationFactor() == 0 || t.replicationFactor() < -1)) {
                code = Errors.INVALID_REPLICATION_FACTOR;
                error = "Replication factor must be larger than 0, or -1 to use the default value.";
            } else {
                Map<String, String> configs = new LinkedHashMap<>();
                for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
                    configs.put(c.name(), c.value());
                }
                try {
                    TopicConfigs.validate(configs);
                    toCreate.add(
                            new NewTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments(t), configs));
                } catch (ConfigException e) {
                    code = Errors.INVALID_CONFIG;
                    error = e.getMessage();
                } catch (IllegalArgumentException e) {
                    code = Errors.INVALID_REPLICA_ASSIGNMENT;
                    error = e.getMessage();
                }
            }
            results.put(
                    t.name(),
                    new CreateTopicsResponseData.CreatableTopicResult()
                            .setName(t.name())
                            .setErrorCode(code.code())
                            .setErrorMessage(error)
                            .setTopicId(new UUID(0, 0)));
        }
        if (toCreate.isEmpty()) {
            context.respond(response(results));
            return;
        }
        services.metadata()
                .createTopics(toCreate, request.validateOnly())
                .whenComplete((created, failure) -> services.afterMetadataApplied(() -> {
                    if (failure != null) {
                        Errors code = ErrorMapping.of(failure);
                        for (NewTopic t : toCreate) {
                            results.get(t.name())
                                    .setErrorCode(code.code())
                                    .setErrorMessage(
                                            ErrorMapping.unwrap(failure).getMessage());
                        }
                    } else {
                        Map<String, Map<String, String>> requestedConfigs = new HashMap<>();
                        for (NewTopic t : toCreate) {
                            requestedConfigs.put(t.name(), t.configs());
                        }
                        for (TopicResult r : created) {
                            fill(results.get(r.topic()), r, requestedConfigs.get(r.topic()), context.apiVersion());
                        }
                    }
                    context.respond(response(results));
                }));
    }

    private static List<List<Integer>> assignments(CreateTopicsRequestData.CreatableTopic t) {
        if (t.assignments().isEmpty()) {
            return List.of();
        }
        List<CreateTopicsRequestData.CreatableReplicaAssignment> sorted = new ArrayList<>(t.assignments());
        sorted.sort(
                java.util.Comparator.comparingInt(CreateTopicsRequestData.CreatableReplicaAssignment::partitionIndex));
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).partitionIndex() != i) {
                throw new IllegalArgumentException("Replica assignment partitions must be consecutive from 0, got "
                        + sorted.get(i).partitionIndex() + " at position " + i);
            }
            out.add(List.copyOf(sorted.get(i).brokerIds()));
        }
        return out;
    }

    private void fill(
            CreateTopicsResponseData.CreatableTopicResult result,
            TopicResult r,
            Map<String, String> overrides,
            short version) {
        if (!r.succeeded()) {
            result.setErrorCode(ErrorMapping.of(r.error().get()).code()).setErrorMessage(r.message());
            return;
        }
        TopicImage image = r.image().orElseThrow();
        result.setErrorCode(Errors.NONE.code())
                .setErrorMessage(null)
                .setTopicId(image.id())
                .setNumPartitions(image.partitionCount())
                .setReplicationFactor(
                        (short) image.partitions().get(0).replicas().size());
        if (version >= 5) {
            List<CreateTopicsResponseData.CreatableTopicConfigs> configs = new ArrayList<>();
            for (DescribedConfig c : TopicConfigs.describe(
                    overrides, services.config(), services.dynamicConfig().layers())) {
                configs.add(new CreateTopicsResponseData.CreatableTopicConfigs()
                        .setName(c.name())
                        .setValue(c.value())
                        .setReadOnly(c.readOnly())
                        .setConfigSource(c.source().id())
                        .setIsSensitive(c.sensitive()));
            }
            result.setConfigs(configs);
        }
    }

    private static CreateTopicsResponseData response(
            Map<String, CreateTopicsResponseData.CreatableTopicResult> results) {
        return new CreateTopicsResponseData().setThrottleTimeMs(0).setTopics(new ArrayList<>(results.values()));
    }
}

package io.tributary.kernel.metadata;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.MetadataRequestData;
import io.tributary.protocol.message.MetadataResponseData;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata: brokers (their endpoints on the listener the request came in on), the cluster id and
 * controller, and topics with ids and partitions. Missing topics are created when the request
 * allows it and {@code auto.create.topics.enable} is on; the answer then waits for the creation
 * so the client does not need another round trip.
 */
public final class MetadataHandler implements ApiHandler {
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;
    /** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (Kafka's AclOperation codes). */
    private static final int ALL_TOPIC_OPERATIONS =
            (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

    private static final Logger LOG = LoggerFactory.getLogger(MetadataHandler.class);

    private final KernelServices services;

    public MetadataHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.METADATA;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        MetadataRequestData request = (MetadataRequestData) message;
        short version = context.apiVersion();
        MetadataImage image = services.partitions().image();
        boolean allTopics =
                request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (allTopics) {
            context.respond(build(context, image, null, request));
            return;
        }
        boolean autoCreate = (version < 4 || request.allowAutoTopicCreation())
                && services.config().getBoolean(BrokerConfigDef.AUTO_CREATE_TOPICS_ENABLE);
        List<NewTopic> toCreate = new ArrayList<>();
        if (autoCreate) {
            Set<String> seen = new LinkedHashSet<>();
            for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
                String name = t.name();
                if (name != null
                        && image.topic(name).isEmpty()
                        && TopicNames.isValid(name)
                        && !TopicNames.isInternal(name)
                        && seen.add(name)) {
                    toCreate.add(new NewTopic(name, -1, (short) -1, List.of(), Map.of()));
                }
            }
        }
        if (toCreate.isEmpty()) {
            context.respond(build(context, image, request.topics(), request));
            return;
        }
        services.metadata().createTopics(toCreate, false).whenComplete((results, error) -> {
            if (error != null) {
                LOG.warn("Auto-creating topics {} failed", names(toCreate), error);
            } else {
                results.stream()
                        .filter(r -> !r.succeeded() && r.error().get() != MetadataError.TOPIC_ALREADY_EXISTS)
                        .forEach(r -> LOG.warn(
                                "Auto-creating topic {} failed: {} {}",
                                r.topic(),
                                r.error().get(),
                                r.message()));
            }
            services.afterMetadataApplied(
                    () -> context.respond(build(context, services.partitions().image(), request.topics(), request)));
        });
    }

    private static List<String> names(List<NewTopic> topics) {
        return topics.stream().map(NewTopic::name).toList();
    }

    private MetadataResponseData build(
            RequestContext context,
            MetadataImage image,
            List<MetadataRequestData.MetadataRequestTopic> requested,
            MetadataRequestData request) {
        short version = context.apiVersion();
        MetadataResponseData response = new MetadataResponseData()
                .setThrottleTimeMs(0)
                .setClusterId(services.metadata().clusterId())
                .setControllerId(services.nodeId());
        String listener = context.connection().listener().name();
        Set<Integer> alive = new java.util.HashSet<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            for (BrokerRegistration.Endpoint e : broker.endpoints()) {
                if (e.listener().equals(listener)) {
                    response.brokers()
                            .add(new MetadataResponseData.MetadataResponseBroker()
                                    .setNodeId(broker.id())
                                    .setHost(e.host())
                                    .setPort(e.port())
                                    .setRack(broker.rack().orElse(null)));
                    alive.add(broker.id());
                }
            }
        }
        boolean includeOps = version >= 8 && request.includeTopicAuthorizedOperations();
        if (requested == null) {
            for (TopicImage topic : image.topicsByName().values()) {
                response.topics().add(topic(topic, alive, includeOps));
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic t : requested) {
                response.topics().add(requestedTopic(t, image, alive, includeOps));
            }
        }
        return response;
    }

    private MetadataResponseData.MetadataResponseTopic requestedTopic(
            MetadataRequestData.MetadataRequestTopic t, MetadataImage image, Set<Integer> alive, boolean includeOps) {
        if (t.name() == null) {
            UUID id = t.topicId();
            TopicImage topic = id == null ? null : image.topicsById().get(id);
            if (topic == null) {
                return new MetadataResponseData.MetadataResponseTopic()
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                        .setName(null)
                        .setTopicId(id == null ? new UUID(0, 0) : id)
                        .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
            }
            return topic(topic, alive, includeOps);
        }
        TopicImage topic = image.topicsByName().get(t.name());
        if (topic != null) {
            return topic(topic, alive, includeOps);
        }
        Errors error =
                TopicNames.isValid(t.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
        return new MetadataResponseData.MetadataResponseTopic()
                .setErrorCode(error.code())
                .setName(t.name())
                .setTopicId(new UUID(0, 0))
                .setIsInternal(TopicNames.isInternal(t.name()))
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static MetadataResponseData.MetadataResponseTopic topic(
            TopicImage topic, Set<Integer> alive, boolean includeOps) {
        MetadataResponseData.MetadataResponseTopic out = new MetadataResponseData.MetadataResponseTopic()
                .setErrorCode(Errors.NONE.code())
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(TopicNames.isInternal(topic.name()))
                .setTopicAuthorizedOperations(includeOps ? ALL_TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED);
        for (int i = 0; i < topic.partitionCount(); i++) {
            PartitionImage p = topic.partitions().get(i);
            if (p == null) {
                continue;
            }
            List<Integer> offline = new ArrayList<>();
            for (int r : p.replicas()) {
                if (!alive.contains(r)) {
                    offline.add(r);
                }
            }
            boolean leaderAlive = p.leader() >= 0 && alive.contains(p.leader());
            out.partitions()
                    .add(new MetadataResponseData.MetadataResponsePartition()
                            .setErrorCode(leaderAlive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                            .setPartitionIndex(p.partition())
                            .setLeaderId(leaderAlive ? p.leader() : -1)
                            .setLeaderEpoch(p.leaderEpoch())
                            .setReplicaNodes(new ArrayList<>(p.replicas()))
                            .setIsrNodes(new ArrayList<>(p.isr()))
                            .setOfflineReplicas(offline));
        }
        return out;
    }
}

package io.tributary.kernel.topics;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DeleteTopicsRequestData;
import io.tributary.protocol.message.DeleteTopicsResponseData;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.metadata.TopicResult;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** DeleteTopics by name (v1-5) or by name or id (v6); answers once the partitions are gone here. */
public final class DeleteTopicsHandler implements ApiHandler {
    private static final UUID ZERO = new UUID(0, 0);
    private final KernelServices services;

    public DeleteTopicsHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.DELETE_TOPICS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        DeleteTopicsRequestData request = (DeleteTopicsRequestData) message;
        MetadataImage image = services.partitions().image();
        List<DeleteTopicsResponseData.DeletableTopicResult> results = new ArrayList<>();
        List<UUID> toDelete = new ArrayList<>();
        List<DeleteTopicsResponseData.DeletableTopicResult> pending = new ArrayList<>();
        boolean enabled = services.config().getBoolean(BrokerConfigDef.DELETE_TOPIC_ENABLE);
        List<DeleteTopicsRequestData.DeleteTopicState> wanted = new ArrayList<>();
        if (context.apiVersion() >= 6) {
            wanted.addAll(request.topics());
        } else {
            for (String name : request.topicNames()) {
                wanted.add(new DeleteTopicsRequestData.DeleteTopicState()
                        .setName(name)
                        .setTopicId(ZERO));
            }
        }
        for (DeleteTopicsRequestData.DeleteTopicState t : wanted) {
            DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData.DeletableTopicResult()
                    .setName(t.name())
                    .setTopicId(t.topicId() == null ? ZERO : t.topicId());
            results.add(result);
            boolean byId = t.name() == null;
            if (!byId && t.topicId() != null && !t.topicId().equals(ZERO)) {
                fail(result, Errors.INVALID_REQUEST, "Topic name and topic id cannot both be set");
                continue;
            }
            TopicImage topic = byId
                    ? image.topicsById().get(t.topicId())
                    : image.topicsByName().get(t.name());
            if (topic == null) {
                fail(result, byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                continue;
            }
            if (!enabled) {
                fail(result, Errors.TOPIC_DELETION_DISABLED, "Topic deletion is disabled.");
                continue;
            }
            result.setName(topic.name()).setTopicId(topic.id());
            if (toDelete.contains(topic.id())) {
                continue;
            }
            toDelete.add(topic.id());
            pending.add(result);
        }
        if (toDelete.isEmpty()) {
            context.respond(response(results));
            return;
        }
        services.metadata()
                .deleteTopics(toDelete)
                .whenComplete((deleted, failure) -> services.afterMetadataApplied(() -> {
                    for (int i = 0; i < pending.size(); i++) {
                        DeleteTopicsResponseData.DeletableTopicResult result = pending.get(i);
                        if (failure != null) {
                            fail(
                                    result,
                                    ErrorMapping.of(failure),
                                    ErrorMapping.unwrap(failure).getMessage());
                        } else {
                            TopicResult r = deleted.get(i);
                            if (!r.succeeded()) {
                                fail(result, ErrorMapping.of(r.error().get()), r.message());
                            }
                        }
                    }
                    context.respond(response(results));
                }));
    }

    private static void fail(DeleteTopicsResponseData.DeletableTopicResult result, Errors error, String message) {
        result.setErrorCode(error.code()).setErrorMessage(message);
    }

    private static DeleteTopicsResponseData response(List<DeleteTopicsResponseData.DeletableTopicResult> results) {
        return new DeleteTopicsResponseData().setThrottleTimeMs(0).setResponses(results);
    }
}

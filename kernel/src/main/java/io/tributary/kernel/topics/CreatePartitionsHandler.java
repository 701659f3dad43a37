package io.tributary.kernel.topics;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.CreatePartitionsRequestData;
import io.tributary.protocol.message.CreatePartitionsResponseData;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * CreatePartitions: raises topics' partition counts (never lowers them: INVALID_PARTITIONS),
 * optionally with the replicas of each new partition, optionally validate-only. The metadata
 * store checks counts and assignments against the cluster; the answer waits until the new
 * partitions are open on this broker.
 */
public final class CreatePartitionsHandler implements ApiHandler {
    private final KernelServices services;

    public CreatePartitionsHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.CREATE_PARTITIONS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        CreatePartitionsRequestData request = (CreatePartitionsRequestData) message;
        Map<String, Integer> counts = new HashMap<>();
        for (CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics()) {
            counts.merge(t.name(), 1, Integer::sum);
        }
        List<CompletableFuture<CreatePartitionsResponseData.CreatePartitionsTopicResult>> results = new ArrayList<>();
        for (CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics()) {
            if (counts.get(t.name()) > 1) {
                results.add(done(t.name(), Errors.INVALID_REQUEST, "Duplicate topic name."));
                continue;
            }
            TopicImage topic = services.partitions().image().topic(t.name()).orElse(null);
            if (topic == null) {
                results.add(done(
                        t.name(), Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + t.name() + "' does not exist."));
                continue;
            }
            List<List<Integer>> assignments = new ArrayList<>();
            if (t.assignments() != null) {
                for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
                    assignments.add(List.copyOf(a.brokerIds()));
                }
            }
            if (t.count() <= 0) {
                results.add(done(
                        t.name(),
                        Errors.INVALID_PARTITIONS,
                        "The topic " + t.name() + " currently has " + topic.partitionCount() + " partition(s); "
                                + t.count() + " would not be an increase."));
                continue;
            }
            CompletableFuture<CreatePartitionsResponseData.CreatePartitionsTopicResult> result =
                    new CompletableFuture<>();
            services.metadata()
                    .createPartitions(topic.id(), t.count(), assignments, request.validateOnly())
                    .whenComplete((r, failure) -> services.afterMetadataApplied(() -> {
                        if (failure != null) {
                            result.complete(result(
                                    t.name(),
                                    ErrorMapping.of(failure),
                                    ErrorMapping.unwrap(failure).getMessage()));
                        } else if (!r.succeeded()) {
                            result.complete(
                                    result(t.name(), ErrorMapping.of(r.error().orElseThrow()), r.message()));
                        } else {
                            result.complete(result(t.name(), Errors.NONE, null));
                        }
                    }));
            results.add(result);
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenRun(() -> {
            CreatePartitionsResponseData response = new CreatePartitionsResponseData().setThrottleTimeMs(0);
            for (CompletableFuture<CreatePartitionsResponseData.CreatePartitionsTopicResult> r : results) {
                response.results().add(r.join());
            }
            context.respond(response);
        });
    }

    private static CompletableFuture<CreatePartitionsResponseData.CreatePartitionsTopicResult> done(
            String name, Errors error, String message) {
        return CompletableFuture.completedFuture(result(name, error, message));
    }

    private static CreatePartitionsResponseData.CreatePartitionsTopicResult result(
            String name, Errors error, String message) {
        return new CreatePartitionsResponseData.CreatePartitionsTopicResult()
                .setName(name)
                .setErrorCode(error.code())
                .setErrorMessage(message);
    }
}

package io.tributary.kernel.topics;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DescribeTopicPartitionsRequestData;
import io.tributary.protocol.message.DescribeTopicPartitionsResponseData;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * DescribeTopicPartitions (KIP-966), which {@code Admin.describeTopics} uses: the named topics
 * (or every topic) in name order, their partitions in index order, at most {@code
 * ResponsePartitionLimit} partitions per answer (capped at Kafka's default 2000), continuing from
 * the request's cursor and returning a cursor to the next partition when more remain. Never
 * creates topics. Unknown topics answer UNKNOWN_TOPIC_OR_PARTITION.
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler {
    /** Kafka's {@code max.request.partition.size.limit} default. */
    static final int MAX_PARTITIONS = 2000;

    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;
    /** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
    private static final int ALL_TOPIC_OPERATIONS =
            (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

    private final KernelServices services;

    public DescribeTopicPartitionsHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        DescribeTopicPartitionsRequestData request = (DescribeTopicPartitionsRequestData) message;
        MetadataImage image = services.partitions().image();
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData().setThrottleTimeMs(0);
        DescribeTopicPartitionsRequestData.Cursor cursor = request.cursor();
        boolean allTopics = request.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (allTopics) {
            names.addAll(image.topicsByName().keySet());
        } else {
            for (DescribeTopicPartitionsRequestData.TopicRequest t : request.topics()) {
                names.add(t.name());
            }
        }
        if (cursor != null) {
            if (!allTopics && !names.contains(cursor.topicName())) {
                respondInvalid(
                        context,
                        request,
                        "DescribeTopicPartitionsRequest topic list should contain the cursor topic: "
                                + cursor.topicName());
                return;
            }
            if (cursor.partitionIndex() < 0) {
                respondInvalid(
                        context, request, "DescribeTopicPartitionsRequest cursor partition must be valid: " + cursor);
                return;
            }
        }
        int limit = Math.max(1, Math.min(request.responsePartitionLimit(), MAX_PARTITIONS));
        Set<Integer> alive = new HashSet<>();
        for (BrokerRegistration b : image.brokers().values()) {
            if (!b.fenced()) {
                alive.add(b.id());
            }
        }
        int remaining = limit;
        for (String name : cursor == null ? names : names.tailSet(cursor.topicName(), true)) {
            TopicImage topic = image.topicsByName().get(name);
            if (topic == null) {
                response.topics()
                        .add(new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic()
                                .setErrorCode(
                                        TopicNames.isValid(name)
                                                ? Errors.UNKNOWN_TOPIC_OR_PARTITION.code()
                                                : Errors.INVALID_TOPIC_EXCEPTION.code())
                                .setName(name)
                                .setTopicId(new UUID(0, 0))
                                .setIsInternal(TopicNames.isInternal(name))
                                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
                continue;
            }
            if (remaining == 0) {
                response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor()
                        .setTopicName(name)
                        .setPartitionIndex(0));
                break;
            }
            int first = cursor != null && name.equals(cursor.topicName()) ? cursor.partitionIndex() : 0;
            DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic out =
                    new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic()
                            .setErrorCode(Errors.NONE.code())
                            .setName(name)
                            .setTopicId(topic.id())
                            .setIsInternal(TopicNames.isInternal(name))
                            .setTopicAuthorizedOperations(ALL_TOPIC_OPERATIONS);
            int index = first;
            for (; index < topic.partitionCount() && remaining > 0; index++) {
                PartitionImage p = topic.partitions().get(index);
                if (p != null) {
                    out.partitions().add(partition(p, alive));
                    remaining--;
                }
            }
            response.topics().add(out);
            if (index < topic.partitionCount()) {
                response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor()
                        .setTopicName(name)
                        .setPartitionIndex(index));
                break;
            }
        }
        context.respond(response);
    }

    private static DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition partition(
            PartitionImage p, Set<Integer> alive) {
        List<Integer> offline = new ArrayList<>();
        for (int r : p.replicas()) {
            if (!alive.contains(r)) {
                offline.add(r);
            }
        }
        boolean leaderAlive = p.leader() >= 0 && alive.contains(p.leader());
        return new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition()
                .setErrorCode(leaderAlive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setPartitionIndex(p.partition())
                .setLeaderId(leaderAlive ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas()))
                .setIsrNodes(new ArrayList<>(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>())
                .setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(offline);
    }

    /** Kafka fails the whole request: every requested topic carries INVALID_REQUEST. */
    private static void respondInvalid(
            RequestContext context, DescribeTopicPartitionsRequestData request, String message) {
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData().setThrottleTimeMs(0);
        for (DescribeTopicPartitionsRequestData.TopicRequest t : request.topics()) {
            response.topics()
                    .add(new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic()
                            .setErrorCode(Errors.INVALID_REQUEST.code())
                            .setName(t.name())
                            .setTopicId(new UUID(0, 0))
                            .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
        }
        context.respond(response);
    }
}

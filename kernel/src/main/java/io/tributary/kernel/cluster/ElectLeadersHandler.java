package io.tributary.kernel.cluster;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ElectLeadersRequestData;
import io.tributary.protocol.message.ElectLeadersResponseData;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ElectLeaders. Leaders are chosen by the metadata store when partitions are placed, and on one
 * broker the preferred replica always leads, so every election answers ELECTION_NOT_NEEDED as
 * Kafka does for a partition whose preferred (or, for unclean elections, any) leader already
 * leads. A request for every partition (null list) leaves those out, as Kafka's controller does.
 */
public final class ElectLeadersHandler implements ApiHandler {
    private static final byte PREFERRED = 0;

    private final KernelServices services;

    public ElectLeadersHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.ELECT_LEADERS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        ElectLeadersRequestData request = (ElectLeadersRequestData) message;
        MetadataImage image = services.partitions().image();
        boolean preferred = context.apiVersion() == 0 || request.electionType() == PREFERRED;
        ElectLeadersResponseData response =
                new ElectLeadersResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code());
        if (request.topicPartitions() == null) {
            for (TopicImage topic : new TreeMap<>(image.topicsByName()).values()) {
                List<ElectLeadersResponseData.PartitionResult> results = new ArrayList<>();
                for (PartitionImage p : new TreeMap<>(topic.partitions()).values()) {
                    ElectLeadersResponseData.PartitionResult r = elect(topic, p.partition(), preferred);
                    if (r.errorCode() != Errors.ELECTION_NOT_NEEDED.code()) {
                        results.add(r);
                    }
                }
                if (!results.isEmpty()) {
                    response.replicaElectionResults()
                            .add(new ElectLeadersResponseData.ReplicaElectionResult()
                                    .setTopic(topic.name())
                                    .setPartitionResult(results));
                }
            }
        } else {
            Map<String, ElectLeadersResponseData.ReplicaElectionResult> byTopic = new TreeMap<>();
            for (ElectLeadersRequestData.TopicPartitions tp : request.topicPartitions()) {
                ElectLeadersResponseData.ReplicaElectionResult result = byTopic.computeIfAbsent(
                        tp.topic(), t -> new ElectLeadersResponseData.ReplicaElectionResult().setTopic(t));
                TopicImage topic = image.topic(tp.topic()).orElse(null);
                for (int partition : tp.partitions()) {
                    result.partitionResult().add(elect(topic, partition, preferred));
                }
            }
            response.replicaElectionResults().addAll(byTopic.values());
        }
        context.respond(response);
    }

    private static ElectLeadersResponseData.PartitionResult elect(TopicImage topic, int index, boolean preferred) {
        ElectLeadersResponseData.PartitionResult r =
                new ElectLeadersResponseData.PartitionResult().setPartitionId(index);
        PartitionImage p = topic == null ? null : topic.partitions().get(index);
        if (p == null) {
            return r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("The partition does not exist.");
        }
        int preferredLeader = p.replicas().isEmpty() ? -1 : p.replicas().getFirst();
        if (p.leader() >= 0 && (!preferred || p.leader() == preferredLeader)) {
            return r.setErrorCode(Errors.ELECTION_NOT_NEEDED.code())
                    .setErrorMessage("Leader election not needed for topic partition.");
        }
        if (preferred && !p.isr().contains(preferredLeader)) {
            return r.setErrorCode(Errors.PREFERRED_LEADER_NOT_AVAILABLE.code())
                    .setErrorMessage("Failed to elect leader for partition " + topic.name() + "-" + index
                            + " under strategy PreferredReplicaPartitionLeaderElectionStrategy");
        }
        // The store moves leaders only when brokers come and go; nothing else to elect here.
        return r.setErrorCode(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code())
                .setErrorMessage("Leader elections are made by the metadata store when brokers change.");
    }
}

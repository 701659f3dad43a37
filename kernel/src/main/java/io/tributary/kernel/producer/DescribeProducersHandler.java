package io.tributary.kernel.producer;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.offsets.PartitionLookup;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.partition.ProducerStateTable;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DescribeProducersRequestData;
import io.tributary.protocol.message.DescribeProducersResponseData;

/**
 * DescribeProducers: the idempotent and transactional producers a leader partition knows, read
 * from its producer-state table on the handler thread (which owns it): epoch, last sequence and
 * timestamp, the coordinator epoch of the last marker and the first offset of an open
 * transaction (-1 when none), which {@code kafka-transactions find-hanging} uses.
 */
public final class DescribeProducersHandler implements ApiHandler {
    private final PartitionManager partitions;

    public DescribeProducersHandler(PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.DESCRIBE_PRODUCERS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        DescribeProducersRequestData request = (DescribeProducersRequestData) message;
        DescribeProducersResponseData response = new DescribeProducersResponseData().setThrottleTimeMs(0);
        for (DescribeProducersRequestData.TopicRequest t : request.topics()) {
            DescribeProducersResponseData.TopicResponse topic =
                    new DescribeProducersResponseData.TopicResponse().setName(t.name());
            for (int index : t.partitionIndexes()) {
                DescribeProducersResponseData.PartitionResponse p =
                        new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(index);
                PartitionLookup.Result found = PartitionLookup.leader(partitions, t.name(), index);
                if (!found.ok()) {
                    p.setErrorCode(found.error().code())
                            .setErrorMessage(found.error().message());
                } else {
                    p.setErrorCode(Errors.NONE.code());
                    for (ProducerStateTable.ProducerView info :
                            found.partition().producers().view()) {
                        p.activeProducers()
                                .add(new DescribeProducersResponseData.ProducerState()
                                        .setProducerId(info.producerId())
                                        .setProducerEpoch(info.epoch())
                                        .setLastSequence(info.lastSequence())
                                        .setLastTimestamp(info.lastTimestamp())
                                        .setCoordinatorEpoch(info.coordinatorEpoch())
                                        .setCurrentTxnStartOffset(info.currentTxnStartOffset()));
                    }
                }
                topic.partitions().add(p);
            }
            response.topics().add(topic);
        }
        context.respond(response);
    }
}

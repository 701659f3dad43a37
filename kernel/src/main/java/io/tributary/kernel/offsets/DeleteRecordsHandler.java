package io.tributary.kernel.offsets;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DeleteRecordsRequestData;
import io.tributary.protocol.message.DeleteRecordsResponseData;
import io.tributary.spi.storage.StorageException;

/**
 * DeleteRecords: moves each partition's log start offset up to the requested offset ({@code -1}
 * means the high watermark) on the handler thread, the partition's single writer, and answers
 * the new low watermark (the log start offset: one replica's is the partition's). As in Kafka:
 * OFFSET_OUT_OF_RANGE beyond the high watermark or below zero, POLICY_VIOLATION for topics whose
 * cleanup policy does not include "delete", and an offset below the start changes nothing.
 */
public final class DeleteRecordsHandler implements ApiHandler {
    private static final long HIGH_WATERMARK = -1L;
    private static final long INVALID_LOW_WATERMARK = -1L;

    private final PartitionManager partitions;

    public DeleteRecordsHandler(PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.DELETE_RECORDS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        DeleteRecordsRequestData request = (DeleteRecordsRequestData) message;
        DeleteRecordsResponseData response = new DeleteRecordsResponseData().setThrottleTimeMs(0);
        for (DeleteRecordsRequestData.DeleteRecordsTopic t : request.topics()) {
            DeleteRecordsResponseData.DeleteRecordsTopicResult topic =
                    new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(t.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
                topic.partitions().add(delete(t.name(), p));
            }
            response.topics().add(topic);
        }
        context.respond(response);
    }

    private DeleteRecordsResponseData.DeleteRecordsPartitionResult delete(
            String topic, DeleteRecordsRequestData.DeleteRecordsPartition request) {
        DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                        .setPartitionIndex(request.partitionIndex())
                        .setLowWatermark(INVALID_LOW_WATERMARK);
        PartitionLookup.Result found = PartitionLookup.leader(partitions, topic, request.partitionIndex());
        if (!found.ok()) {
            return result.setErrorCode(found.error().code());
        }
        Partition partition = found.partition();
        long offset = request.offset() == HIGH_WATERMARK ? partition.highWatermark() : request.offset();
        if (offset < 0 || offset > partition.highWatermark()) {
            return result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
        }
        if (!partition.config().log().deleteCleanup()) {
            return result.setErrorCode(Errors.POLICY_VIOLATION.code());
        }
        try {
            long start = partition.log().deleteRecordsBefore(offset);
            return result.setErrorCode(Errors.NONE.code()).setLowWatermark(start);
        } catch (StorageException e) {
            return result.setErrorCode(ErrorMapping.of(e).code());
        }
    }
}

package io.tributary.kernel.offsets;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.OffsetForLeaderEpochRequestData;
import io.tributary.protocol.message.OffsetForLeaderEpochResponseData;
import io.tributary.spi.storage.EpochEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * OffsetForLeaderEpoch: the end offset of a leader epoch (the start of the next epoch, or the log
 * end for the latest), which consumers use to detect truncation and followers to find where
 * their log diverged.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler {
    private final PartitionManager partitions;

    public OffsetForLeaderEpochHandler(PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        OffsetForLeaderEpochRequestData request = (OffsetForLeaderEpochRequestData) message;
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : request.topics()) {
            List<OffsetForLeaderEpochResponseData.EpochEndOffset> out = new ArrayList<>();
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
                OffsetForLeaderEpochResponseData.EpochEndOffset result =
                        new OffsetForLeaderEpochResponseData.EpochEndOffset()
                                .setPartition(p.partition())
                                .setLeaderEpoch(-1)
                                .setEndOffset(-1);
                PartitionLookup.Result found =
                        PartitionLookup.leader(partitions, t.topic(), p.partition(), p.currentLeaderEpoch());
                if (!found.ok()) {
                    result.setErrorCode(found.error().code());
                } else {
                    endOffset(found.partition(), p.leaderEpoch(), result);
                }
                out.add(result);
            }
            response.topics()
                    .add(new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult()
                            .setTopic(t.topic())
                            .setPartitions(out));
        }
        context.respond(response);
    }

    /** Kafka's rule: the largest epoch at or below the requested one, and where it ends. */
    static void endOffset(Partition partition, int requested, OffsetForLeaderEpochResponseData.EpochEndOffset out) {
        List<EpochEntry> epochs = partition.log().epochEntries();
        long logEnd = partition.log().logEndOffset();
        out.setErrorCode(Errors.NONE.code());
        if (epochs.isEmpty()) {
            if (requested == partition.leaderEpoch()) {
                out.setLeaderEpoch(requested).setEndOffset(logEnd);
            }
            return;
        }
        EpochEntry found = null;
        EpochEntry next = null;
        for (EpochEntry e : epochs) {
            if (e.epoch() <= requested) {
                found = e;
            } else {
                next = e;
                break;
            }
        }
        if (found == null) {
            return;
        }
        long end = next == null ? logEnd : next.startOffset();
        out.setLeaderEpoch(found.epoch()).setEndOffset(end);
    }
}

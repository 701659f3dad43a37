package io.tributary.kernel.offsets;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ListOffsetsRequestData;
import io.tributary.protocol.message.ListOffsetsResponseData;
import io.tributary.spi.storage.EpochEntry;
import io.tributary.spi.storage.StorageException;
import io.tributary.spi.storage.TimestampOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ListOffsets: latest (-1), earliest (-2), max timestamp (-3), earliest local (-4), latest tiered
 * (-5, none here) and offsets by timestamp, for consumers bounded by the high watermark or, with
 * read_committed, the last stable offset.
 */
public final class ListOffsetsHandler implements ApiHandler {
    static final long LATEST = -1;
    static final long EARLIEST = -2;
    static final long MAX_TIMESTAMP = -3;
    static final long EARLIEST_LOCAL = -4;
    static final long LATEST_TIERED = -5;
    static final long EARLIEST_PENDING_UPLOAD = -6;
    private static final int CONSUMER_REPLICA_ID = -1;

    private final PartitionManager partitions;
    private final TimestampSearch search;

    public ListOffsetsHandler(PartitionManager partitions, TimestampSearch search) {
        this.partitions = partitions;
        this.search = search;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.LIST_OFFSETS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        ListOffsetsRequestData request = (ListOffsetsRequestData) message;
        boolean readCommitted = request.isolationLevel() == 1;
        boolean follower = request.replicaId() >= 0;
        ListOffsetsResponseData response = new ListOffsetsResponseData().setThrottleTimeMs(0);
        for (ListOffsetsRequestData.ListOffsetsTopic t : request.topics()) {
            List<ListOffsetsResponseData.ListOffsetsPartitionResponse> out = new ArrayList<>();
            for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
                ListOffsetsResponseData.ListOffsetsPartitionResponse r =
                        new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                                .setPartitionIndex(p.partitionIndex())
                                .setTimestamp(-1)
                                .setOffset(-1)
                                .setLeaderEpoch(-1);
                PartitionLookup.Result found =
                        PartitionLookup.leader(partitions, t.name(), p.partitionIndex(), p.currentLeaderEpoch());
                if (!found.ok()) {
                    r.setErrorCode(found.error().code());
                } else {
                    try {
                        answer(found.partition(), p.timestamp(), readCommitted, follower, context.apiVersion(), r);
                        if (context.apiVersion() < 4) {
                            // v1-3 have no leader epoch field: a value there cannot be written
                            // (kafkajs, kafka-python and librdkafka's older paths send v1-3).
                            r.setLeaderEpoch(-1);
                        }
                    } catch (StorageException e) {
                        r.setErrorCode(ErrorMapping.of(e).code());
                    }
                }
                out.add(r);
            }
            response.topics()
                    .add(new ListOffsetsResponseData.ListOffsetsTopicResponse()
                            .setName(t.name())
                            .setPartitions(out));
        }
        context.respond(response);
    }

    private void answer(
            Partition partition,
            long timestamp,
            boolean readCommitted,
            boolean follower,
            short version,
            ListOffsetsResponseData.ListOffsetsPartitionResponse r) {
        long bound = follower
                ? partition.log().logEndOffset()
                : readCommitted ? partition.lastStableOffset() : partition.highWatermark();
        r.setErrorCode(Errors.NONE.code());
        if (timestamp == LATEST) {
            r.setOffset(bound).setLeaderEpoch(epochAt(partition, bound - 1));
        } else if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            long start = partition.log().logStartOffset();
            r.setOffset(start).setLeaderEpoch(epochAt(partition, start));
        } else if (timestamp == MAX_TIMESTAMP) {
            Optional<TimestampOffset> max = search.maxTimestamp(partition.log(), bound);
            max.ifPresent(
                    m -> r.setTimestamp(m.timestamp()).setOffset(m.offset()).setLeaderEpoch(m.leaderEpoch()));
        } else if (timestamp == LATEST_TIERED || timestamp == EARLIEST_PENDING_UPLOAD) {
            // No tiered storage: there is no such offset.
            r.setOffset(-1).setTimestamp(-1);
        } else if (timestamp < 0) {
            r.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        } else {
            Optional<TimestampOffset> at = search.offsetForTimestamp(partition.log(), timestamp, bound);
            at.ifPresent(
                    m -> r.setTimestamp(m.timestamp()).setOffset(m.offset()).setLeaderEpoch(m.leaderEpoch()));
        }
    }

    /** The leader epoch of the batch holding {@code offset}, or -1 if unknown. */
    static int epochAt(Partition partition, long offset) {
        int epoch = -1;
        for (EpochEntry e : partition.log().epochEntries()) {
            if (e.startOffset() <= offset) {
                epoch = e.epoch();
            } else {
                break;
            }
        }
        return epoch < 0 ? partition.leaderEpoch() : epoch;
    }
}

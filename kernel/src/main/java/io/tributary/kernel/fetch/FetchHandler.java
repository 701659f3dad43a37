package io.tributary.kernel.fetch;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.kernel.offsets.PartitionLookup;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.purgatory.DelayedOperation;
import io.tributary.kernel.purgatory.Purgatory;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.ByteBufRecords;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.FetchRequestData;
import io.tributary.protocol.message.FetchResponseData;
import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.LogSlice;
import io.tributary.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Fetch for consumers (bounded by the high watermark, or the last stable offset with
 * read_committed) and followers (bounded by the log end). Stored batches go out with {@code
 * sendfile}. A fetch that finds fewer than {@code min.bytes} waits, up to {@code max.wait.ms},
 * for appends to the partitions it reads. Fetch sessions (KIP-227) are declined: every response
 * carries session id 0, so clients send full fetches, which Kafka's protocol allows.
 */
public final class FetchHandler implements ApiHandler {
    private static final UUID ZERO = new UUID(0, 0);
    private static final int INVALID_SESSION_ID = 0;

    private final KernelServices services;
    private final Purgatory<TopicPartitionKey> purgatory;
    private final int brokerMaxBytes;

    public FetchHandler(KernelServices services, Purgatory<TopicPartitionKey> purgatory) {
        this.services = services;
        this.purgatory = purgatory;
        this.brokerMaxBytes = services.config().getInt(BrokerConfigDef.FETCH_MAX_BYTES);
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.FETCH;
    }

    /** One partition to read, resolved against local replicas. */
    private record Wanted(
            String topic, UUID topicId, int partition, long offset, int maxBytes, Partition local, Errors error) {}

    @Override
    public void handle(RequestContext context, Message message) {
        FetchRequestData request = (FetchRequestData) message;
        short version = context.apiVersion();
        if (request.sessionId() != INVALID_SESSION_ID) {
            // We never hand out sessions, so the client's session cannot exist here.
            context.respond(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                    .setSessionId(INVALID_SESSION_ID));
            return;
        }
        int replicaId = version >= 15 ? request.replicaState().replicaId() : request.replicaId();
        boolean follower = replicaId >= 0;
        boolean readCommitted = request.isolationLevel() == 1;
        List<Wanted> wanted = new ArrayList<>();
        List<TopicPartitionKey> keys = new ArrayList<>();
        for (FetchRequestData.FetchTopic t : request.topics()) {
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                PartitionLookup.Result found = version >= 13
                        ? PartitionLookup.leader(
                                services.partitions(), t.topicId(), p.partition(), p.currentLeaderEpoch())
                        : PartitionLookup.leader(
                                services.partitions(), t.topic(), p.partition(), p.currentLeaderEpoch());
                String name = found.ok() ? found.partition().topic() : t.topic();
                wanted.add(new Wanted(
                        name,
                        t.topicId(),
                        p.partition(),
                        p.fetchOffset(),
                        p.partitionMaxBytes(),
                        found.partition(),
                        found.error()));
                if (found.ok()) {
                    keys.add(found.partition().key());
                }
            }
        }
        int maxBytes = Math.min(request.maxBytes(), brokerMaxBytes);
        DelayedFetch fetch = new DelayedFetch(
                context, wanted, follower, readCommitted, request.minBytes(), maxBytes, request.maxWaitMs());
        if (request.maxWaitMs() <= 0 || request.minBytes() <= 0 || keys.isEmpty()) {
            fetch.forceNow();
        } else {
            purgatory.tryCompleteElseWatch(fetch, keys);
        }
    }

    /** A fetch waiting for bytes; completes with a fresh read of every partition. */
    private final class DelayedFetch extends DelayedOperation {
        private final RequestContext context;
        private final List<Wanted> wanted;
        private final boolean follower;
        private final boolean readCommitted;
        private final int minBytes;
        private final int maxBytes;

        DelayedFetch(
                RequestContext context,
                List<Wanted> wanted,
                boolean follower,
                boolean readCommitted,
                int minBytes,
                int maxBytes,
                long maxWaitMs) {
            super(maxWaitMs);
            this.context = context;
            this.wanted = wanted;
            this.follower = follower;
            this.readCommitted = readCommitted;
            this.minBytes = minBytes;
            this.maxBytes = maxBytes;
        }

        void forceNow() {
            forceComplete();
        }

        @Override
        protected boolean tryComplete() {
            long available = 0;
            for (Wanted w : wanted) {
                if (w.local() == null) {
                    return forceComplete();
                }
                Partition p = w.local();
                long bound = bound(p);
                if (w.offset() < p.log().logStartOffset()
                        || w.offset() > p.log().logEndOffset()) {
                    return forceComplete();
                }
                if (w.offset() < bound) {
                    if (minBytes <= 1) {
                        return forceComplete();
                    }
                    LogSlice slice = p.log().read(w.offset(), w.maxBytes(), bound, true);
                    available += slice.sizeInBytes();
                    slice.release();
                    if (available >= minBytes) {
                        return forceComplete();
                    }
                }
            }
            return false;
        }

        private long bound(Partition p) {
            if (follower) {
                return p.log().logEndOffset();
            }
            return readCommitted ? p.lastStableOffset() : p.highWatermark();
        }

        @Override
        protected void onComplete(boolean expired) {
            FetchResponseData response =
                    new FetchResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code());
            response.setSessionId(INVALID_SESSION_ID);
            List<SliceRecords> held = new ArrayList<>();
            int remaining = maxBytes;
            boolean first = true;
            FetchResponseData.FetchableTopicResponse topic = null;
            short version = context.apiVersion();
            for (Wanted w : wanted) {
                boolean sameTopic = topic != null
                        && (version >= 13
                                ? topic.topicId().equals(w.topicId())
                                : topic.topic().equals(w.topic()));
                if (!sameTopic) {
                    topic = new FetchResponseData.FetchableTopicResponse()
                            .setTopic(w.topic())
                            .setTopicId(w.topicId() == null ? ZERO : w.topicId());
                    response.responses().add(topic);
                }
                FetchResponseData.PartitionData data = new FetchResponseData.PartitionData()
                        .setPartitionIndex(w.partition())
                        .setHighWatermark(-1)
                        .setLastStableOffset(-1)
                        .setLogStartOffset(-1)
                        .setPreferredReadReplica(-1);
                topic.partitions().add(data);
                if (w.local() == null) {
                    data.setErrorCode(w.error().code()).setRecords(empty());
                    continue;
                }
                Partition p = w.local();
                long bound = bound(p);
                data.setHighWatermark(p.highWatermark())
                        .setLastStableOffset(p.lastStableOffset())
                        .setLogStartOffset(p.log().logStartOffset());
                if (readCommitted) {
                    List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>();
                    if (w.offset() < bound) {
                        for (AbortedTxn a : p.log().abortedTransactions(w.offset(), bound)) {
                            aborted.add(new FetchResponseData.AbortedTransaction()
                                    .setProducerId(a.producerId())
                                    .setFirstOffset(a.firstOffset()));
                        }
                    }
                    data.setAbortedTransactions(aborted);
                }
                try {
                    int limit = Math.max(0, Math.min(w.maxBytes(), remaining));
                    LogSlice slice = p.log().read(w.offset(), limit, bound, first);
                    if (slice.sizeInBytes() > 0) {
                        first = false;
                        remaining -= slice.sizeInBytes();
                    }
                    data.setErrorCode(Errors.NONE.code()).setRecords(records(slice, held));
                } catch (StorageException e) {
                    data.setErrorCode(ErrorMapping.of(e).code()).setRecords(empty());
                }
            }
            context.respond(response, () -> held.forEach(SliceRecords::discard));
        }
    }

    private static ByteBufRecords empty() {
        return new ByteBufRecords(Unpooled.EMPTY_BUFFER);
    }

    private static io.tributary.protocol.codec.Records records(LogSlice slice, List<SliceRecords> held) {
        return switch (slice) {
            case LogSlice.FileRegion f
            when f.sizeInBytes() > 0 -> {
                SliceRecords r = new SliceRecords(f);
                held.add(r);
                yield r;
            }
            case LogSlice.FileRegion f -> {
                f.release();
                yield empty();
            }
            case LogSlice.Memory m -> {
                // Engines without files: copy once and let go of the slice now.
                ByteBuf copy = Unpooled.copiedBuffer(m.buffer());
                m.release();
                yield new ByteBufRecords(copy);
            }
        };
    }
}

package io.tributary.kernel.produce;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.TopicConfig;
import io.tributary.kernel.offsets.PartitionLookup;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.ProducerStateTable;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.purgatory.DelayedOperation;
import io.tributary.kernel.purgatory.Purgatory;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.ByteBufRecords;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.codec.Records;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.ProduceRequestData;
import io.tributary.protocol.message.ProduceResponseData;
import io.tributary.protocol.record.CompressionType;
import io.tributary.protocol.record.CorruptRecordException;
import io.tributary.protocol.record.InvalidTimestampException;
import io.tributary.protocol.record.RecordBatch;
import io.tributary.protocol.record.RecordException;
import io.tributary.protocol.record.RecordValidator;
import io.tributary.protocol.record.TimestampType;
import io.tributary.protocol.record.ValidatedBatch;
import io.tributary.protocol.record.ValidationOptions;
import io.tributary.spi.replication.ReplicationManager;
import io.tributary.spi.storage.AppendResult;
import io.tributary.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: validates each partition's batch (Kafka's checks and error codes), deduplicates
 * idempotent retries, appends, and answers according to {@code acks}: 0 gets no response, 1
 * once stored, all once the high watermark covers the append. A topic with {@code
 * flush.messages=1} is synced before any answer; with {@code flush.messages=N} the request whose
 * append brings the messages since the last sync to N is answered after a sync (Kafka flushes
 * inside that append); the syncs of a whole ring batch share one device flush per log (group
 * commit). A retried idempotent batch whose first sync is still under way waits for a sync too.
 *
 * <p>Runs on the request handler thread, the single writer of every partition.
 */
public final class ProduceHandler implements ApiHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);
    private static final UUID ZERO = new UUID(0, 0);

    private final KernelServices services;
    private final ReplicationManager replication;
    private final SyncStage syncStage;
    private final Purgatory<TopicPartitionKey> waitingForReplicas;
    /** Logs appended to in this ring batch that must sync (group commit). Handler thread only. */
    private final Set<Partition> toSync = new LinkedHashSet<>();
    /** Produce answers waiting for {@link #toSync}. Handler thread only. */
    private final List<PendingProduce> waitingForSync = new ArrayList<>();

    public ProduceHandler(
            KernelServices services,
            ReplicationManager replication,
            SyncStage syncStage,
            ScheduledThreadPoolExecutor timer) {
        this.services = services;
        this.replication = replication;
        this.syncStage = syncStage;
        this.waitingForReplicas = new Purgatory<>("produce", timer, services.pipeline()::execute);
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.PRODUCE;
    }

    @Override
    public short advertisedMinVersion() {
        // Kafka advertises Produce from 0 although 0-2 are refused: librdkafka needs it (KAFKA-18659).
        return 0;
    }

    /** One partition of a produce request, as answered. */
    private record Appended(Partition partition, long requiredOffset, ProduceResponseData.PartitionProduceResponse r) {}

    @Override
    public void handle(RequestContext context, Message message) {
        ProduceRequestData request = (ProduceRequestData) message;
        short version = context.apiVersion();
        short acks = request.acks();
        long now = services.time().milliseconds();
        ProduceResponseData response = new ProduceResponseData().setThrottleTimeMs(0);
        List<Appended> appended = new ArrayList<>();
        boolean anyError = false;
        boolean syncBeforeAck = false;
        for (ProduceRequestData.TopicProduceData t : request.topicData()) {
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                    .setName(t.name())
                    .setTopicId(t.topicId() == null ? ZERO : t.topicId());
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                ProduceResponseData.PartitionProduceResponse r = new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(p.index())
                        .setBaseOffset(-1)
                        .setLogAppendTimeMs(-1)
                        .setLogStartOffset(-1);
                topicResponse.partitionResponses().add(r);
                if (acks != 0 && acks != 1 && acks != -1) {
                    fail(r, Errors.INVALID_REQUIRED_ACKS, null);
                    anyError = true;
                    continue;
                }
                PartitionLookup.Result found = version >= 13
                        ? PartitionLookup.leader(services.partitions(), t.topicId(), p.index(), -1)
                        : PartitionLookup.leader(services.partitions(), t.name(), p.index(), -1);
                if (!found.ok()) {
                    fail(r, found.error(), null);
                    anyError = true;
                    continue;
                }
                Partition partition = found.partition();
                Appended a = append(partition, p.records(), acks, version, request.transactionalId(), now, r);
                if (a == null) {
                    anyError = true;
                    continue;
                }
                appended.add(a);
                // flush.messages=1 syncs before every answer; a larger value syncs (before
                // answering, as Kafka flushes inside the append) when this append reached it.
                if (partition.config().log().syncEveryAppend() || toSync.contains(partition)) {
                    syncBeforeAck = true;
                }
            }
        }
        if (acks == 0) {
            if (anyError) {
                // Kafka closes the connection so a fire-and-forget producer learns about the error.
                context.connection().closeOnError("produce with acks=0 failed", null);
            } else {
                context.noResponse();
            }
            return;
        }
        PendingProduce pending = new PendingProduce(context, response, appended, acks, request.timeoutMs());
        if (syncBeforeAck) {
            waitingForSync.add(pending);
        } else {
            pending.afterSync();
        }
    }

    /**
     * Validates and appends one partition's batch; fills {@code r}.
     *
     * @return the append, or null if the partition failed (its error is set)
     */
    private Appended append(
            Partition partition,
            Records records,
            short acks,
            short version,
            String transactionalId,
            long now,
            ProduceResponseData.PartitionProduceResponse r) {
        TopicConfig config = partition.config();
        if (!(records instanceof ByteBufRecords bytes)) {
            fail(r, Errors.INVALID_RECORD, "Produce request has no records for the partition");
            return null;
        }
        ByteBuf buf = bytes.buffer();
        if (buf.readableBytes() > config.maxMessageBytes() + RecordBatch.LOG_OVERHEAD) {
            fail(
                    r,
                    Errors.MESSAGE_TOO_LARGE,
                    "The batch of " + buf.readableBytes() + " bytes exceeds max.message.bytes "
                            + config.maxMessageBytes());
            return null;
        }
        if (acks == -1 && partition.image().isr().size() < config.minInsyncReplicas()) {
            fail(
                    r,
                    Errors.NOT_ENOUGH_REPLICAS,
                    "The in-sync replicas of " + partition + " are fewer than min.insync.replicas "
                            + config.minInsyncReplicas());
            return null;
        }
        ValidatedBatch validated;
        try {
            validated = RecordValidator.validateProduce(buf, options(config, now));
        } catch (RecordException e) {
            Errors error = e instanceof CorruptRecordException
                    ? Errors.CORRUPT_MESSAGE
                    : e instanceof InvalidTimestampException ? Errors.INVALID_TIMESTAMP : Errors.INVALID_RECORD;
            fail(r, error, e.getMessage());
            if (e.recordIndex() >= 0) {
                r.recordErrors()
                        .add(new ProduceResponseData.BatchIndexAndErrorMessage()
                                .setBatchIndex(e.recordIndex())
                                .setBatchIndexErrorMessage(e.getMessage()));
            }
            return null;
        }
        RecordBatch batch = validated.batch();
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            fail(
                    r,
                    Errors.MESSAGE_TOO_LARGE,
                    "The batch of " + batch.sizeInBytes() + " bytes exceeds max.message.bytes "
                            + config.maxMessageBytes());
            return null;
        }
        if (batch.compressionType() == CompressionType.ZSTD && version < 7) {
            fail(r, Errors.UNSUPPORTED_COMPRESSION_TYPE, "zstd needs produce version 7 or later");
            return null;
        }
        if (batch.isTransactional() || transactionalId != null) {
            fail(r, Errors.INVALID_TXN_STATE, "This broker does not support transactions yet");
            return null;
        }
        ProducerStateTable producers = partition.producers();
        if (batch.hasProducerId()) {
            switch (producers.check(
                    batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastOffsetDelta())) {
                case ProducerStateTable.Duplicate d -> {
                    if (config.log().syncEveryAppend() && partition.log().recoveryPoint() <= d.lastOffset()) {
                        // a retry of a batch whose sync is still under way: answer after a sync
                        toSync.add(partition);
                    }
                    r.setErrorCode(Errors.NONE.code())
                            .setBaseOffset(d.firstOffset())
                            .setLogStartOffset(partition.log().logStartOffset());
                    return new Appended(partition, d.lastOffset() + 1, r);
                }
                case ProducerStateTable.Reject reject -> {
                    fail(r, Errors.valueOf(reject.reason().name()), reject.message());
                    return null;
                }
                case ProducerStateTable.Accept accept -> {}
            }
        }
        long logAppendTime = -1;
        if (config.logAppendTime()) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
            logAppendTime = now;
        } else if (validated.maxTimestamp() != batch.maxTimestamp()) {
            batch.setMaxTimestamp(TimestampType.CREATE_TIME, validated.maxTimestamp());
        }
        AppendResult result;
        try {
            result = partition
                    .log()
                    .appendAsLeader(buf.nioBuffer(batch.index(), batch.sizeInBytes()), partition.leaderEpoch());
        } catch (StorageException e) {
            LOG.error("Append to {} failed", partition, e);
            fail(r, Errors.KAFKA_STORAGE_ERROR, e.getMessage());
            return null;
        }
        if (batch.hasProducerId()) {
            producers.update(
                    batch.producerId(),
                    batch.producerEpoch(),
                    batch.baseSequence(),
                    batch.lastOffsetDelta(),
                    result.firstOffset(),
                    result.maxTimestamp());
        }
        partition.noteAppended(validated.recordCount());
        if (partition.needsSync()) {
            toSync.add(partition);
        }
        replication.onLeaderAppend(partition.id(), partition.log().logEndOffset());
        r.setErrorCode(Errors.NONE.code())
                .setBaseOffset(result.firstOffset())
                .setLogAppendTimeMs(logAppendTime)
                .setLogStartOffset(partition.log().logStartOffset());
        return new Appended(partition, result.lastOffset() + 1, r);
    }

    private static ValidationOptions options(TopicConfig config, long now) {
        ValidationOptions options =
                ValidationOptions.CLIENT_PRODUCE.withRequireKeys(config.log().compactCleanup());
        if (!config.logAppendTime()) {
            long min = config.timestampBeforeMaxMs() >= now ? Long.MIN_VALUE : now - config.timestampBeforeMaxMs();
            long max = Long.MAX_VALUE - now <= config.timestampAfterMaxMs()
                    ? Long.MAX_VALUE
                    : now + config.timestampAfterMaxMs();
            options = options.withTimestampRange(min, max);
        }
        return options;
    }

    private static void fail(ProduceResponseData.PartitionProduceResponse r, Errors error, String message) {
        r.setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1);
    }

    /** Called at the end of each ring batch: one sync for every log that needs one. */
    public void endOfBatch() {
        if (toSync.isEmpty()) {
            for (PendingProduce p : waitingForSync) {
                p.afterSync();
            }
            waitingForSync.clear();
            return;
        }
        List<Partition> partitions = List.copyOf(toSync);
        List<PendingProduce> waiting = List.copyOf(waitingForSync);
        toSync.clear();
        waitingForSync.clear();
        for (Partition p : partitions) {
            p.syncRequested(services.time().nanoseconds());
        }
        syncStage.submit(
                partitions,
                failed -> services.pipeline().execute(() -> {
                    for (PendingProduce p : waiting) {
                        p.failSynced(failed);
                        p.afterSync();
                    }
                }));
    }

    /** Lets produce requests waiting for acks=all re-check after a high watermark moved. */
    public void onHighWatermark(Partition partition) {
        waitingForReplicas.checkAndComplete(partition.key());
    }

    @Override
    public void close() {
        waitingForReplicas.close();
    }

    /** A produce request whose answer waits for a sync and/or the high watermark. */
    private final class PendingProduce extends DelayedOperation {
        private final RequestContext context;
        private final ProduceResponseData response;
        private final List<Appended> appended;
        private final short acks;

        PendingProduce(
                RequestContext context,
                ProduceResponseData response,
                List<Appended> appended,
                short acks,
                int timeoutMs) {
            super(Math.max(0, timeoutMs));
            this.context = context;
            this.response = response;
            this.appended = appended;
            this.acks = acks;
        }

        void failSynced(Set<Partition> failed) {
            for (Appended a : appended) {
                if (failed.contains(a.partition())) {
                    fail(a.r(), Errors.KAFKA_STORAGE_ERROR, "Syncing the log to disk failed");
                }
            }
        }

        /** The data is durable as required; now wait for replicas if acks=all. */
        void afterSync() {
            if (acks != -1 || appended.isEmpty()) {
                forceComplete();
                return;
            }
            List<TopicPartitionKey> keys = new ArrayList<>();
            for (Appended a : appended) {
                keys.add(a.partition().key());
            }
            waitingForReplicas.tryCompleteElseWatch(this, keys);
        }

        @Override
        protected boolean tryComplete() {
            for (Appended a : appended) {
                if (a.r().errorCode() == Errors.NONE.code() && a.partition().highWatermark() < a.requiredOffset()) {
                    return false;
                }
            }
            return forceComplete();
        }

        @Override
        protected void onComplete(boolean expired) {
            if (expired) {
                for (Appended a : appended) {
                    if (a.r().errorCode() == Errors.NONE.code() && a.partition().highWatermark() < a.requiredOffset()) {
                        fail(a.r(), Errors.REQUEST_TIMED_OUT, "Replicas did not acknowledge in time");
                    }
                }
            }
            context.respond(response);
        }
    }
}

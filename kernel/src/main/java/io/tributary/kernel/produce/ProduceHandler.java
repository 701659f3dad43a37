package io.tributary.kernel.produce;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.TopicConfig;
import io.tributary.kernel.offsets.PartitionLookup;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.ProducerStateTable;
import io.tributary.kernel.topics.TopicNames;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: validates each partition's batch (Kafka's checks and error codes), deduplicates
 * idempotent retries, appends, and answers according to {@code acks}: 0 gets no response, 1
 * once stored, all once the high watermark covers the append. A topic with {@code
 * flush.messages=1} is synced before any answer; the syncs of a whole ring batch share one
 * device flush per log (group commit).
 *
 * <p>Runs on the request handler thread, the single writer of every partition.
 */
public final class ProduceHandler implements ApiHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);
    private static final UUID ZERO = new UUID(0, 0);
    /** The client id Kafka lets append to internal topics (its admin tooling). */
    private static final String ADMIN_CLIENT_ID = "__admin_client";

    private final KernelServices services;
    private final ReplicationManager replication;
    private final Acknowledgements acknowledgements;

    public ProduceHandler(KernelServices services, ReplicationManager replication, Acknowledgements acknowledgements) {
        this.services = services;
        this.replication = replication;
        this.acknowledgements = acknowledgements;
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
                if (TopicNames.isInternal(partition.topic()) && !ADMIN_CLIENT_ID.equals(context.clientId())) {
                    // Coordinator state: only the broker (and Kafka's admin tooling) writes there.
                    fail(r, Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + partition.topic());
                    anyError = true;
                    continue;
                }
                Appended a = append(partition, p.records(), acks, version, request.transactionalId(), now, r);
                if (a == null) {
                    anyError = true;
                    continue;
                }
                appended.add(a);
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
        List<Partition> partitions =
                appended.stream().map(Appended::partition).distinct().toList();
        acknowledgements.afterSync(partitions, failed -> {
            for (Appended a : appended) {
                if (failed.contains(a.partition())) {
                    fail(a.r(), Errors.KAFKA_STORAGE_ERROR, "Syncing the log to disk failed");
                }
            }
            if (acks != -1) {
                context.respond(response);
                return;
            }
            Map<Partition, Long> required = new HashMap<>();
            for (Appended a : appended) {
                if (a.r().errorCode() == Errors.NONE.code()) {
                    required.merge(a.partition(), a.requiredOffset(), Math::max);
                }
            }
            acknowledgements.afterReplication(required, request.timeoutMs(), expired -> {
                if (expired) {
                    for (Appended a : appended) {
                        if (a.r().errorCode() == Errors.NONE.code()
                                && a.partition().highWatermark() < a.requiredOffset()) {
                            fail(a.r(), Errors.REQUEST_TIMED_OUT, "Replicas did not acknowledge in time");
                        }
                    }
                }
                context.respond(response);
            });
        });
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
        acknowledgements.appended(partition, validated.recordCount());
        replication.onLeaderAppend(partition.id(), partition.log().logEndOffset());
        r.setErrorCode(Errors.NONE.code())
                .setBaseOffset(result.firstOffset())
                .setLogAppendTimeMs(logAppendTime)
                .setLogStartOffset(partition.log().logStartOffset());
        return new Appended(partition, result.lastOffset() + 1, r);
    }

    /**
     * The most a compressed batch may decompress to: far above any real producer batch (whose
     * compressed size max.message.bytes bounds), low enough that a decompression bomb costs
     * bounded CPU.
     */
    private static final long MAX_UNCOMPRESSED_BYTES = 1L << 30;

    private static ValidationOptions options(TopicConfig config, long now) {
        ValidationOptions options = ValidationOptions.CLIENT_PRODUCE
                .withRequireKeys(config.log().compactCleanup())
                .withMaxUncompressedBytes(MAX_UNCOMPRESSED_BYTES);
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
}

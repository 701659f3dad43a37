package io.tributary.kernel.produce;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.config.TopicConfig;
import io.tributary.kernel.offsets.PartitionLookup;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.ProducerStateTable;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.kernel.txn.TxnVerifier;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
public final class ProduceHandler implements ApiHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);
    private static final UUID ZERO = new UUID(0, 0);
    /** The client id Kafka lets append to internal topics (its admin tooling). */
    private static final String ADMIN_CLIENT_ID = "__admin_client";

    private final KernelServices services;
    private final ReplicationManager replication;
    private final Acknowledgements acknowledgements;
    private final TxnVerifier verifier;

    /**
     * @param verifier asks the transaction coordinator about transactional batches (KIP-890), or
     *     null to append them unchecked
     */
    public ProduceHandler(
            KernelServices services,
            ReplicationManager replication,
            Acknowledgements acknowledgements,
            TxnVerifier verifier) {
        this.services = services;
        this.replication = replication;
        this.acknowledgements = acknowledgements;
        this.verifier = verifier;
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

    /**
     * A transactional batch held while the transaction coordinator is asked about its partition:
     * a copy of its bytes (the request frame is released when {@link #handle} returns).
     */
    private record Held(
            Partition partition,
            ByteBuf copy,
            ValidatedBatch validated,
            ProduceResponseData.PartitionProduceResponse r) {}

    /** The outcome of checking one partition's batch: an error set on the answer, an append, or a batch held. */
    private sealed interface Step permits Failed, Done, Hold {}

    private record Failed() implements Step {}

    private record Done(Appended appended) implements Step {}

    private record Hold(Held held) implements Step {}

    private static final Failed FAILED = new Failed();

    @Override
    public void handle(RequestContext context, Message message) {
        ProduceRequestData request = (ProduceRequestData) message;
        short version = context.apiVersion();
        short acks = request.acks();
        long now = services.time().milliseconds();
        ProduceResponseData response = new ProduceResponseData().setThrottleTimeMs(0);
        List<Appended> appended = new ArrayList<>();
        List<Held> held = new ArrayList<>();
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
                        ? PartitionLookup.leader(services.partitions(), t.topicId(), p.index())
                        : PartitionLookup.leader(services.partitions(), t.name(), p.index());
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
                switch (check(partition, p.records(), acks, version, request.transactionalId(), now, r)) {
                    case Failed f -> anyError = true;
                    case Done d -> appended.add(d.appended());
                    case Hold h -> held.add(h.held());
                }
            }
        }
        if (held.isEmpty()) {
            finish(context, response, appended, anyError, acks, request.timeoutMs());
            return;
        }
        verifyThenAppend(context, request, response, appended, held, anyError, now);
    }

    /**
     * Asks the transaction coordinator about the held partitions (one producer per request: the
     * request's transactional id), appends those it confirms, then answers.
     */
    private void verifyThenAppend(
            RequestContext context,
            ProduceRequestData request,
            ProduceResponseData response,
            List<Appended> appended,
            List<Held> held,
            boolean anyError,
            long now) {
        short version = context.apiVersion();
        // Only these outlive handle(): the request's record bytes go with its frame.
        String transactionalId = request.transactionalId();
        short acks = request.acks();
        int timeoutMs = request.timeoutMs();
        RecordBatch first = held.getFirst().validated().batch();
        long producerId = first.producerId();
        short epoch = first.producerEpoch();
        Set<TopicPartitionKey> partitions = new LinkedHashSet<>();
        held.forEach(h -> partitions.add(h.partition().key()));
        // Produce v12+ comes from a Transactions V2 client: the write adds its partition itself.
        boolean add = version >= 12;
        verifier.verify(transactionalId, producerId, epoch, partitions, add, results -> {
            boolean failed = anyError;
            for (Held h : held) {
                try {
                    Errors error = results.getOrDefault(h.partition().key(), Errors.UNKNOWN_SERVER_ERROR);
                    RecordBatch b = h.validated().batch();
                    if (error == Errors.NONE
                            && (b.producerId() != producerId
                                    || b.producerEpoch() != epoch
                                    || !verifier.coordinator()
                                            .isOngoingWith(
                                                    transactionalId,
                                                    producerId,
                                                    epoch,
                                                    h.partition().key()))) {
                        error = Errors.TRANSACTION_ABORTABLE; // ended meanwhile, or another producer's batch
                    }
                    if (error != Errors.NONE) {
                        fail(h.r(), verificationError(error, version), "Transaction verification failed: " + error);
                        failed = true;
                        continue;
                    }
                    Appended a = append(h.partition(), h.copy(), h.validated(), now, h.r());
                    if (a == null) {
                        failed = true;
                    } else {
                        appended.add(a);
                    }
                } finally {
                    h.copy().release();
                }
            }
            finish(context, response, appended, failed, acks, timeoutMs);
        });
    }

    /**
     * The error a produce gets when the coordinator refused its partition, as Kafka's brokers
     * answer each produce version: the coordinator's fencing becomes INVALID_PRODUCER_EPOCH (the
     * producer then aborts), "not in the transaction" is TRANSACTION_ABORTABLE from v11 and
     * INVALID_TXN_STATE before, and a coordinator that is busy or elsewhere becomes the retriable
     * NOT_ENOUGH_REPLICAS that every client version knows.
     */
    static Errors verificationError(Errors coordinatorError, short version) {
        return switch (coordinatorError) {
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
            case TRANSACTION_ABORTABLE -> version >= 11 ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
            case CONCURRENT_TRANSACTIONS,
                    COORDINATOR_LOAD_IN_PROGRESS,
                    COORDINATOR_NOT_AVAILABLE,
                    NOT_COORDINATOR,
                    REQUEST_TIMED_OUT -> Errors.NOT_ENOUGH_REPLICAS;
            default -> coordinatorError;
        };
    }

    /** Answers once appends are synced and replicated as {@code acks} requires. */
    private void finish(
            RequestContext context,
            ProduceResponseData response,
            List<Appended> appended,
            boolean anyError,
            short acks,
            int timeoutMs) {
        if (acks == 0) {
            if (anyError) {
                // Kafka closes the connection so a fire-and-forget producer learns about the error.
                context.connection().closeOnError("produce with acks=0 failed", null);
            } else {
                context.noResponse();
            }
            return;
        }
        // A loop, not a stream, as this runs for every request. A partition named twice in the
        // request is here twice, which afterSync does not mind.
        List<Partition> partitions = new ArrayList<>(appended.size());
        for (Appended a : appended) {
            partitions.add(a.partition());
        }
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
            acknowledgements.afterReplication(required, timeoutMs, expired -> {
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
     * Validates one partition's batch and appends it, or holds it while the transaction
     * coordinator is asked about it; fills {@code r} unless held.
     */
    private Step check(
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
            return FAILED;
        }
        ByteBuf buf = bytes.buffer();
        if (buf.readableBytes() > config.maxMessageBytes() + RecordBatch.LOG_OVERHEAD) {
            fail(
                    r,
                    Errors.MESSAGE_TOO_LARGE,
                    "The batch of " + buf.readableBytes() + " bytes exceeds max.message.bytes "
                            + config.maxMessageBytes());
            return FAILED;
        }
        if (acks == -1 && partition.image().isr().size() < config.minInsyncReplicas()) {
            fail(
                    r,
                    Errors.NOT_ENOUGH_REPLICAS,
                    "The in-sync replicas of " + partition + " are fewer than min.insync.replicas "
                            + config.minInsyncReplicas());
            return FAILED;
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
            return FAILED;
        }
        RecordBatch batch = validated.batch();
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            fail(
                    r,
                    Errors.MESSAGE_TOO_LARGE,
                    "The batch of " + batch.sizeInBytes() + " bytes exceeds max.message.bytes "
                            + config.maxMessageBytes());
            return FAILED;
        }
        if (batch.compressionType() == CompressionType.ZSTD && version < 7) {
            fail(r, Errors.UNSUPPORTED_COMPRESSION_TYPE, "zstd needs produce version 7 or later");
            return FAILED;
        }
        if (batch.isTransactional()) {
            if (transactionalId == null || transactionalId.isEmpty()) {
                // Kafka takes these without an authorizer, and the transaction then stays open
                // forever: no coordinator knows it. Tributary refuses them.
                fail(r, Errors.INVALID_TXN_STATE, "A transactional batch needs the request's transactional id");
                return FAILED;
            }
            if (!batch.hasProducerId()) {
                fail(r, Errors.INVALID_RECORD, "A transactional batch needs a producer id");
                return FAILED;
            }
            if (needsVerification(partition, batch, version)) {
                // Sequence and epoch are checked when the coordinator has answered, right before the append.
                ByteBuf copy = Unpooled.copiedBuffer(buf.nioBuffer(batch.index(), batch.sizeInBytes()));
                ValidatedBatch v = new ValidatedBatch(
                        RecordBatch.wrap(copy, 0),
                        validated.recordCount(),
                        validated.maxTimestamp(),
                        validated.offsetDeltaOfMaxTimestamp(),
                        validated.uncompressedBytes());
                return new Hold(new Held(partition, copy, v, r));
            }
        }
        Appended a = append(partition, buf, validated, now, r);
        return a == null ? FAILED : new Done(a);
    }

    /**
     * Whether a transactional batch must be checked with the coordinator first: when its
     * producer has no transaction open in the partition with this epoch (its first batch there),
     * and verification is on ({@code transaction.partition.verification.enable}; a Transactions V2
     * produce always goes to the coordinator, which adds the partition).
     */
    private boolean needsVerification(Partition partition, RecordBatch batch, short version) {
        if (verifier == null) {
            return false;
        }
        if (version < 12 && !services.config().getBoolean("transaction.partition.verification.enable")) {
            return false;
        }
        return !partition.producers().hasOpenTransaction(batch.producerId(), batch.producerEpoch());
    }

    /**
     * Checks a validated batch against the producer state (duplicates, sequences, epochs) and
     * appends it; fills {@code r}.
     *
     * @param buf the buffer holding the batch
     * @return the append (a duplicate answers with the first append's offsets), or null if the
     *     partition failed (its error is set)
     */
    private Appended append(
            Partition partition,
            ByteBuf buf,
            ValidatedBatch validated,
            long now,
            ProduceResponseData.PartitionProduceResponse r) {
        TopicConfig config = partition.config();
        RecordBatch batch = validated.batch();
        if (!partition.isLeader(services.nodeId())) {
            fail(r, Errors.NOT_LEADER_OR_FOLLOWER, null);
            return null;
        }
        ProducerStateTable producers = partition.producers();
        if (batch.hasProducerId()) {
            switch (producers.check(
                    batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastOffsetDelta())) {
                case ProducerStateTable.Duplicate d -> {
                    if (partition.config().log().syncEveryAppend()
                            && partition.log().recoveryPoint() <= d.lastOffset()) {
                        // A retry of a batch whose sync is still under way: answer after a sync.
                        acknowledgements.requestSync(partition);
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
                    result.maxTimestamp(),
                    batch.isTransactional());
            if (batch.isTransactional()) {
                partition.refreshStableOffset();
            }
        }
        acknowledgements.appended(partition, validated.recordCount(), batch.sizeInBytes());
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

package io.tributary.kernel.txn;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.coordinator.InternalTopic;
import io.tributary.kernel.group.Scheduler;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.protocol.message.DescribeTransactionsResponseData;
import io.tributary.protocol.message.ListTransactionsResponseData;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.plugin.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator: owns the transactional ids of the {@code __transaction_state}
 * partitions this broker leads (one shard per partition, rebuilt by replaying the partition when
 * this broker gains its leadership) and runs Kafka's transaction state machine for them:
 * InitProducerId (new producer ids, epoch bumps, fencing of a previous incarnation, rotation to a
 * new producer id when the epochs run out, KIP-360 recovery), adding partitions (AddPartitionsToTxn,
 * AddOffsetsToTxn, and the implicit add of a Transactions V2 produce), verification of a
 * partition's membership for KIP-890 part 1, EndTxn in both protocol versions (Transactions V2
 * bumps the epoch with every commit and abort), markers, timeouts and expiry.
 *
 * <p>Every change is a new {@link TxnMetadata} written to {@code __transaction_state} first and
 * taken once durable; while it is being written the id answers CONCURRENT_TRANSACTIONS. A commit
 * or abort is answered once its Prepare state is durable; the markers follow, then the Complete
 * state. A transactional id belongs to partition {@code abs(id.hashCode()) % partitions}.
 *
 * <p>Not thread-safe: every method runs on the request handler thread, which owns all coordinator
 * state; callbacks are invoked there too, possibly before the method returns.
 */
public final class TransactionCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);

    /** The outcome of InitProducerId: the producer id and epoch to use, or an error (and -1, -1). */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, TxnMetadata.NO_PRODUCER_ID, TxnMetadata.NO_EPOCH);
        }
    }

    /**
     * The outcome of EndTxn: with Transactions V2 the producer id and epoch to continue with (the
     * epoch is bumped by every commit and abort); -1, -1 with an error.
     */
    public record EndResult(Errors error, long producerId, short producerEpoch) {
        static EndResult failed(Errors error) {
            return new EndResult(error, TxnMetadata.NO_PRODUCER_ID, TxnMetadata.NO_EPOCH);
        }
    }

    /**
     * The outcome of checking partitions against a transaction: an error for the whole
     * transaction, or one per partition (NONE when it is part of the transaction,
     * TRANSACTION_ABORTABLE when it is not).
     */
    public record Verification(Errors error, Map<TopicPartitionKey, Errors> partitions) {
        /** The error of one partition (the transaction's error when there is one). */
        public Errors errorOf(TopicPartitionKey tp) {
            return error != Errors.NONE ? error : partitions.getOrDefault(tp, Errors.TRANSACTION_ABORTABLE);
        }
    }

    /** The transactional ids of one {@code __transaction_state} partition. */
    private static final class Shard {
        final int partition;
        final int coordinatorEpoch;
        boolean loading = true;
        final Map<String, Txn> txns = new HashMap<>();

        Shard(int partition, int coordinatorEpoch) {
            this.partition = partition;
            this.coordinatorEpoch = coordinatorEpoch;
        }
    }

    /** One transactional id, live. */
    private static final class Txn {
        final String id;
        final Shard shard;
        TxnMetadata m;
        /**
         * The state being written, or PREPARE_EPOCH_FENCE while a fence is decided; null when no
         * transition is in flight.
         */
        TransactionState pending;

        Txn(String id, Shard shard, TxnMetadata m) {
            this.id = id;
            this.shard = shard;
            this.m = m;
        }
    }

    private record Target(Shard shard, Errors error) {}

    /** What EndTxn decided: an answer now, or the Prepare state to write. */
    private record Decision(Errors answer, TransactionState prepare, boolean noPartitionAdded) {
        static Decision answer(Errors e) {
            return new Decision(e, null, false);
        }

        static Decision prepare(TransactionState s, boolean noPartitionAdded) {
            return new Decision(null, s, noPartitionAdded);
        }
    }

    private final TxnConfig config;
    private final Supplier<MetadataImage> image;
    private final Scheduler scheduler;
    private final Time time;
    private final TxnLog log;
    private final ProducerIdSource producerIds;
    private final MarkerSink markers;
    private final Map<Integer, Shard> shards = new HashMap<>();

    public TransactionCoordinator(
            TxnConfig config,
            Supplier<MetadataImage> image,
            Scheduler scheduler,
            Time time,
            TxnLog log,
            ProducerIdSource producerIds,
            MarkerSink markers) {
        this.config = config;
        this.image = image;
        this.scheduler = scheduler;
        this.time = time;
        this.log = log;
        this.producerIds = producerIds;
        this.markers = markers;
    }

    public TxnConfig config() {
        return config;
    }

    /**
     * The internal topic that holds transaction state, as it is created on first use: compacted,
     * with {@code min.insync.replicas} from {@code transaction.state.log.min.isr} capped at the
     * replicas it can get (Kafka would refuse the writes on a cluster smaller than that).
     */
    public InternalTopic transactionTopic() {
        long live =
                image.get().brokers().values().stream().filter(b -> !b.fenced()).count();
        long replicas = Math.max(1, Math.min(config.topicReplicationFactor(), live));
        int minIsr = (int) Math.max(1, Math.min(config.topicMinIsr(), replicas));
        return new InternalTopic(
                TopicNames.TRANSACTION_STATE,
                config.topicPartitions(),
                config.topicReplicationFactor(),
                Map.of(
                        "cleanup.policy", "compact",
                        "segment.bytes", Integer.toString(config.topicSegmentBytes()),
                        "min.insync.replicas", Integer.toString(minIsr),
                        "unclean.leader.election.enable", "false",
                        "compression.type", "producer"));
    }

    // ------------------------------------------------------------------ shards

    /**
     * This broker now leads {@code partition} of {@code __transaction_state} with {@code
     * coordinatorEpoch} (its leader epoch, written into every marker): its ids are unavailable
     * until {@link #completeLoad}.
     */
    public void beginLoad(int partition, int coordinatorEpoch) {
        shards.put(partition, new Shard(partition, coordinatorEpoch));
    }

    /** True while {@code partition} is being loaded here. */
    public boolean isLoading(int partition) {
        Shard s = shards.get(partition);
        return s != null && s.loading;
    }

    /** Applies one record of {@code partition} read back from the log, in log order; malformed ones are skipped. */
    public void replay(int partition, ByteBuf key, ByteBuf value) {
        Shard shard = shards.get(partition);
        if (shard == null || key == null) {
            return;
        }
        try {
            String id = TxnRecords.decodeKey(key);
            if (id == null) {
                return;
            }
            if (value == null) {
                shard.txns.remove(id);
            } else {
                shard.txns.put(id, new Txn(id, shard, TxnRecords.decodeValue(value)));
            }
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Skipping a malformed record in {}-{}: {}",
                    TopicNames.TRANSACTION_STATE,
                    partition,
                    e.getMessage());
        }
    }

    /**
     * The partition is loaded: its ids serve requests, and transactions that were committing or
     * aborting when the previous coordinator stopped get their markers (again) and complete.
     */
    public void completeLoad(int partition) {
        Shard shard = shards.get(partition);
        if (shard == null) {
            return;
        }
        shard.loading = false;
        int resumed = 0;
        for (Txn t : List.copyOf(shard.txns.values())) {
            if (t.m.state().isPreparing()) {
                resumed++;
                sendMarkers(t, t.m, t.m.partitions());
            }
        }
        LOG.info(
                "Loaded {} transactional ids of {}-{} (coordinator epoch {}), {} completing",
                shard.txns.size(),
                TopicNames.TRANSACTION_STATE,
                partition,
                shard.coordinatorEpoch,
                resumed);
    }

    /** This broker no longer leads {@code partition}: its ids are dropped from memory. */
    public void unload(int partition) {
        Shard shard = shards.remove(partition);
        if (shard != null) {
            LOG.info("Unloaded the transactional ids of {}-{}", TopicNames.TRANSACTION_STATE, partition);
        }
    }

    /** The {@code __transaction_state} partition of {@code transactionalId}, or -1 when the topic does not exist. */
    public int partitionFor(String transactionalId) {
        Optional<TopicImage> topic = image.get().topic(TopicNames.TRANSACTION_STATE);
        if (topic.isEmpty() || topic.get().partitionCount() == 0) {
            return -1;
        }
        return InternalTopic.partitionFor(transactionalId, topic.get().partitionCount());
    }

    /** True when {@code transactionalId}'s partition is led (and loaded or loading) here. */
    public boolean isLocal(String transactionalId) {
        int p = partitionFor(transactionalId);
        return p >= 0 && shards.containsKey(p);
    }

    private Target target(String transactionalId) {
        int p = partitionFor(transactionalId);
        Shard shard = p < 0 ? null : shards.get(p);
        if (shard == null) {
            return new Target(null, Errors.NOT_COORDINATOR);
        }
        if (shard.loading) {
            return new Target(null, Errors.COORDINATOR_LOAD_IN_PROGRESS);
        }
        return new Target(shard, Errors.NONE);
    }

    /** True while {@code t} is still the live entry of its id (its shard was not unloaded, nor the id replaced). */
    private boolean isCurrent(Txn t) {
        return shards.get(t.shard.partition) == t.shard && t.shard.txns.get(t.id) == t;
    }

    /**
     * Writes {@code next} for {@code t}, and takes it once durable.
     *
     * @param done NONE, or the write's error mapped for clients (NOT_COORDINATOR when the
     *     partition was lost meanwhile)
     */
    private void write(Txn t, TxnMetadata next, Consumer<Errors> done) {
        t.pending = next.state();
        log.append(t.shard.partition, List.of(TxnRecords.of(t.id, next)), error -> {
            if (!isCurrent(t)) {
                done.accept(Errors.NOT_COORDINATOR);
                return;
            }
            t.pending = null;
            if (error != Errors.NONE) {
                done.accept(TxnLog.coordinatorError(error));
                return;
            }
            t.m = next;
            done.accept(Errors.NONE);
        });
    }

    // ------------------------------------------------------------------ InitProducerId

    /**
     * InitProducerId with a transactional id.
     *
     * @param expectedProducerId the producer id the client has (KIP-360 recovery), or -1
     * @param expectedEpoch its epoch, or -1
     */
    public void initProducerId(
            String transactionalId,
            int timeoutMs,
            long expectedProducerId,
            short expectedEpoch,
            Consumer<InitResult> done) {
        if (transactionalId.isEmpty()
                || (expectedProducerId == TxnMetadata.NO_PRODUCER_ID) != (expectedEpoch == TxnMetadata.NO_EPOCH)) {
            done.accept(InitResult.failed(Errors.INVALID_REQUEST));
            return;
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            done.accept(InitResult.failed(Errors.INVALID_TRANSACTION_TIMEOUT));
            return;
        }
        Target target = target(transactionalId);
        if (target.error() != Errors.NONE) {
            done.accept(InitResult.failed(target.error()));
            return;
        }
        boolean expected = expectedProducerId != TxnMetadata.NO_PRODUCER_ID;
        Txn existing = target.shard().txns.get(transactionalId);
        if (existing != null) {
            init(existing, timeoutMs, expected, expectedProducerId, expectedEpoch, done);
            return;
        }
        producerIds.next(id -> {
            if (id.error() != Errors.NONE) {
                done.accept(InitResult.failed(id.error()));
                return;
            }
            Target again = target(transactionalId);
            if (again.error() != Errors.NONE) {
                done.accept(InitResult.failed(again.error()));
                return;
            }
            // Another request may have created the id meanwhile; then its producer id stands.
            Txn t = again.shard()
                    .txns
                    .computeIfAbsent(
                            transactionalId,
                            tid -> new Txn(
                                    tid,
                                    again.shard(),
                                    TxnMetadata.fresh(id.producerId(), timeoutMs, time.milliseconds())));
            init(t, timeoutMs, expected, expectedProducerId, expectedEpoch, done);
        });
    }

    private void init(
            Txn t,
            int timeoutMs,
            boolean expected,
            long expectedProducerId,
            short expectedEpoch,
            Consumer<InitResult> done) {
        if (t.pending != null) {
            done.accept(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            return;
        }
        TxnMetadata m = t.m;
        if (expected && !isValidExpectedProducer(m, expectedProducerId, expectedEpoch)) {
            done.accept(InitResult.failed(Errors.PRODUCER_FENCED));
            return;
        }
        switch (m.state()) {
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                if (TxnMetadata.isEpochExhausted(m.producerEpoch())
                        && (!expected || expectedEpoch == m.producerEpoch())) {
                    rotateProducerId(t, timeoutMs, expected, done);
                    return;
                }
                TxnMetadata next = bumpEpoch(m, timeoutMs, expected, expectedEpoch);
                if (next == null) {
                    done.accept(InitResult.failed(Errors.PRODUCER_FENCED));
                    return;
                }
                write(t, next, error -> {
                    if (error == Errors.NONE) {
                        LOG.info(
                                "Initialized transactional id {} with producer id {} and epoch {}",
                                t.id,
                                next.producerId(),
                                next.producerEpoch());
                        done.accept(new InitResult(Errors.NONE, next.producerId(), next.producerEpoch()));
                    } else {
                        done.accept(InitResult.failed(error));
                    }
                });
            }
            case ONGOING -> {
                // A new incarnation: abort the previous one's transaction with a bumped epoch (so
                // its late writes are refused), and let the client retry once that is done.
                // A fence whose write failed changed nothing here, so a new one bumps to the same epoch.
                short fenced =
                        m.producerEpoch() == Short.MAX_VALUE ? m.producerEpoch() : (short) (m.producerEpoch() + 1);
                t.pending = TransactionState.PREPARE_EPOCH_FENCE;
                LOG.info(
                        "Fencing producer {} epoch {} of transactional id {}: aborting its ongoing transaction",
                        m.producerId(),
                        m.producerEpoch(),
                        t.id);
                endTransaction(
                        t.id,
                        m.producerId(),
                        fenced,
                        false,
                        m.isV2(),
                        false,
                        r -> done.accept(InitResult.failed(
                                r.error() == Errors.NONE ? Errors.CONCURRENT_TRANSACTIONS : r.error())));
            }
            default -> done.accept(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
    }

    /**
     * Whether a client that names its producer id and epoch (KIP-360) may continue: the id is new
     * here, or it is the current producer id (the epoch is checked by the bump), or the previous
     * one whose epochs ran out (a retry of the rotation).
     */
    private static boolean isValidExpectedProducer(TxnMetadata m, long producerId, short epoch) {
        return m.producerEpoch() == TxnMetadata.NO_EPOCH
                || producerId == m.producerId()
                || (producerId == m.previousProducerId() && TxnMetadata.isEpochExhausted(epoch));
    }

    /** The next epoch for an InitProducerId, or null when the client's expected epoch is fenced. */
    private TxnMetadata bumpEpoch(TxnMetadata m, int timeoutMs, boolean expected, short expectedEpoch) {
        short bumped = (short) (m.producerEpoch() + 1);
        short epoch;
        short lastEpoch;
        if (TxnMetadata.isEpochExhausted(m.producerEpoch()) && !(expected && expectedEpoch == m.lastProducerEpoch())) {
            return null; // only a retry may be answered without a bump; rotation is decided before
        }
        if (!expected) {
            epoch = bumped;
            lastEpoch = TxnMetadata.NO_EPOCH;
        } else if (m.producerEpoch() == TxnMetadata.NO_EPOCH || expectedEpoch == m.producerEpoch()) {
            epoch = bumped;
            lastEpoch = m.producerEpoch();
        } else if (expectedEpoch == m.lastProducerEpoch()) {
            // A retry of a bump that succeeded: answer the same epoch again.
            epoch = m.producerEpoch();
            lastEpoch = m.lastProducerEpoch();
        } else {
            return null;
        }
        return m.withState(TransactionState.EMPTY, time.milliseconds())
                .withEpochs(epoch, lastEpoch)
                .withPartitions(Set.of(), -1)
                .withTimeout(timeoutMs);
    }

    private void rotateProducerId(Txn t, int timeoutMs, boolean expected, Consumer<InitResult> done) {
        t.pending = TransactionState.EMPTY; // reserve the id while the new producer id is allocated
        producerIds.next(id -> {
            if (!isCurrent(t)) {
                done.accept(InitResult.failed(Errors.NOT_COORDINATOR));
                return;
            }
            t.pending = null;
            if (id.error() != Errors.NONE) {
                done.accept(InitResult.failed(id.error()));
                return;
            }
            TxnMetadata m = t.m;
            TxnMetadata next = m.withState(TransactionState.EMPTY, time.milliseconds())
                    .withProducer(id.producerId(), m.producerId(), TxnMetadata.NO_PRODUCER_ID)
                    .withEpochs((short) 0, expected ? m.producerEpoch() : TxnMetadata.NO_EPOCH)
                    .withPartitions(Set.of(), -1)
                    .withTimeout(timeoutMs);
            write(t, next, error -> {
                if (error == Errors.NONE) {
                    LOG.info(
                            "Transactional id {} ran out of epochs of producer id {}: now producer id {}",
                            t.id,
                            m.producerId(),
                            next.producerId());
                    done.accept(new InitResult(Errors.NONE, next.producerId(), (short) 0));
                } else {
                    done.accept(InitResult.failed(error));
                }
            });
        });
    }

    // ------------------------------------------------------------------ partitions

    /**
     * Adds partitions to the transaction of {@code transactionalId} (AddPartitionsToTxn,
     * AddOffsetsToTxn, and a Transactions V2 produce or offset commit), starting a transaction
     * when none is ongoing.
     *
     * @param transactionVersion 2 for a Transactions V2 client, 1 otherwise
     * @param done NONE once the partitions are durably part of the transaction, else
     *     INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED, CONCURRENT_TRANSACTIONS, NOT_COORDINATOR,
     *     COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, INVALID_REQUEST
     */
    public void addPartitions(
            String transactionalId,
            long producerId,
            short epoch,
            Set<TopicPartitionKey> partitions,
            byte transactionVersion,
            Consumer<Errors> done) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            done.accept(Errors.INVALID_REQUEST);
            return;
        }
        Target target = target(transactionalId);
        if (target.error() != Errors.NONE) {
            done.accept(target.error());
            return;
        }
        Txn t = target.shard().txns.get(transactionalId);
        Errors invalid = checkProducer(t, producerId, epoch);
        if (invalid != Errors.NONE) {
            done.accept(invalid);
            return;
        }
        TxnMetadata m = t.m;
        if (t.pending != null || m.state().isPreparing()) {
            done.accept(Errors.CONCURRENT_TRANSACTIONS);
            return;
        }
        if (m.state() == TransactionState.ONGOING && m.partitions().containsAll(partitions)) {
            done.accept(Errors.NONE);
            return;
        }
        long now = time.milliseconds();
        Set<TopicPartitionKey> all = new TreeSet<>(TxnMetadata.ORDER);
        all.addAll(m.partitions());
        all.addAll(partitions);
        TxnMetadata next = m.withState(TransactionState.ONGOING, now)
                .withPartitions(all, m.state().isIdle() ? now : m.startMs())
                .withTransactionVersion(transactionVersion);
        write(t, next, done);
    }

    private static Errors checkProducer(Txn t, long producerId, short epoch) {
        if (t == null || t.m.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (t.m.producerEpoch() != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }

    /**
     * Checks whether partitions are part of the ongoing transaction (AddPartitionsToTxn v4+ with
     * VerifyOnly, and the produce path of KIP-890 part 1). Answers at once.
     */
    public Verification verify(
            String transactionalId, long producerId, short epoch, Set<TopicPartitionKey> partitions) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return new Verification(Errors.INVALID_REQUEST, Map.of());
        }
        Target target = target(transactionalId);
        if (target.error() != Errors.NONE) {
            return new Verification(target.error(), Map.of());
        }
        Txn t = target.shard().txns.get(transactionalId);
        Errors invalid = checkProducer(t, producerId, epoch);
        if (invalid != Errors.NONE) {
            return new Verification(invalid, Map.of());
        }
        if (t.m.state().isPreparing()) {
            return new Verification(Errors.CONCURRENT_TRANSACTIONS, Map.of());
        }
        Map<TopicPartitionKey, Errors> out = new LinkedHashMap<>();
        for (TopicPartitionKey tp : partitions) {
            out.put(tp, t.m.partitions().contains(tp) ? Errors.NONE : Errors.TRANSACTION_ABORTABLE);
        }
        return new Verification(Errors.NONE, out);
    }

    /**
     * True when {@code tp} is part of the ongoing transaction of this producer and epoch, for a
     * check right before a verified batch is appended (the transaction may have ended meanwhile).
     */
    public boolean isOngoingWith(String transactionalId, long producerId, short epoch, TopicPartitionKey tp) {
        Target target = target(transactionalId);
        if (target.error() != Errors.NONE) {
            return false;
        }
        Txn t = target.shard().txns.get(transactionalId);
        return checkProducer(t, producerId, epoch) == Errors.NONE
                && t.m.state() == TransactionState.ONGOING
                && t.m.partitions().contains(tp);
    }

    // ------------------------------------------------------------------ EndTxn

    /**
     * EndTxn from a client: commits or aborts the ongoing transaction.
     *
     * @param v2 the client runs Transactions V2 (EndTxn v5+): the epoch is bumped and returned
     */
    public void endTransaction(
            String transactionalId,
            long producerId,
            short epoch,
            boolean commit,
            boolean v2,
            Consumer<EndResult> done) {
        endTransaction(transactionalId, producerId, epoch, commit, v2, true, done);
    }

    private void endTransaction(
            String transactionalId,
            long producerId,
            short epoch,
            boolean commit,
            boolean v2,
            boolean fromClient,
            Consumer<EndResult> done) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            done.accept(EndResult.failed(Errors.INVALID_REQUEST));
            return;
        }
        Target target = target(transactionalId);
        if (target.error() != Errors.NONE) {
            done.accept(EndResult.failed(target.error()));
            return;
        }
        Txn t = target.shard().txns.get(transactionalId);
        if (t == null) {
            done.accept(EndResult.failed(Errors.INVALID_PRODUCER_ID_MAPPING));
            return;
        }
        boolean fence = t.pending == TransactionState.PREPARE_EPOCH_FENCE;
        Decision d = v2
                ? decideV2(t, producerId, epoch, commit, fence, fromClient)
                : decideV1(t, producerId, epoch, commit, fence, fromClient);
        if (d.answer() != null) {
            if (fence) {
                t.pending = null;
            }
            done.accept(
                    d.answer() == Errors.NONE
                            ? new EndResult(Errors.NONE, t.m.producerId(), t.m.producerEpoch())
                            : EndResult.failed(d.answer()));
            return;
        }
        if (v2 && !fence && TxnMetadata.isEpochExhausted(t.m.producerEpoch())) {
            // The bump would use up the last epoch: continue on a new producer id afterwards.
            t.pending = d.prepare();
            producerIds.next(id -> {
                if (!isCurrent(t)) {
                    done.accept(EndResult.failed(Errors.NOT_COORDINATOR));
                    return;
                }
                t.pending = null;
                if (id.error() != Errors.NONE) {
                    done.accept(EndResult.failed(id.error()));
                    return;
                }
                prepare(t, d, epoch, fence, true, id.producerId(), done);
            });
            return;
        }
        prepare(t, d, epoch, fence, v2, TxnMetadata.NO_PRODUCER_ID, done);
    }

    /** Transactions V1: the epoch stays (a fence excepted); a retried end is answered from the Complete state. */
    private static Decision decideV1(
            Txn t, long producerId, short epoch, boolean commit, boolean fence, boolean fromClient) {
        TxnMetadata m = t.m;
        if (m.producerId() != producerId) {
            return Decision.answer(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        if ((fromClient && epoch != m.producerEpoch()) || epoch < m.producerEpoch()) {
            return Decision.answer(Errors.PRODUCER_FENCED);
        }
        if (t.pending != null && !fence) {
            return Decision.answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        return switch (m.state()) {
            case ONGOING ->
                Decision.prepare(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT, false);
            case COMPLETE_COMMIT -> Decision.answer(commit ? Errors.NONE : Errors.INVALID_TXN_STATE);
            case COMPLETE_ABORT -> Decision.answer(commit ? Errors.INVALID_TXN_STATE : Errors.NONE);
            case PREPARE_COMMIT -> Decision.answer(commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE);
            case PREPARE_ABORT -> Decision.answer(commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS);
            default -> Decision.answer(Errors.INVALID_TXN_STATE);
        };
    }

    /**
     * Transactions V2 (Kafka's table): every end bumps the epoch, so the same epoch names the next
     * transaction and a retry carries the epoch before the bump; an abort is allowed with nothing
     * added (it fences pending writes).
     */
    private static Decision decideV2(
            Txn t, long producerId, short epoch, boolean commit, boolean fence, boolean fromClient) {
        TxnMetadata m = t.m;
        boolean retryOnOverflow = !fence
                && m.previousProducerId() == producerId
                && epoch == Short.MAX_VALUE - 1
                && m.producerEpoch() == 0;
        boolean retryOnEpochBump = !fence && m.producerEpoch() == epoch + 1;
        boolean validEpoch;
        if (fence) {
            validEpoch = (!fromClient || epoch == m.producerEpoch()) && epoch >= m.producerEpoch();
        } else {
            validEpoch = switch (m.state()) {
                case PREPARE_COMMIT, PREPARE_ABORT -> retryOnEpochBump;
                case COMPLETE_COMMIT, COMPLETE_ABORT ->
                    retryOnEpochBump || retryOnOverflow || epoch == m.producerEpoch();
                default -> epoch == m.producerEpoch();
            };
        }
        boolean retry = retryOnEpochBump || retryOnOverflow;
        if (m.producerId() != producerId && !retryOnOverflow) {
            return Decision.answer(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        if (!validEpoch) {
            return Decision.answer(Errors.PRODUCER_FENCED);
        }
        if (t.pending != null && !fence) {
            return Decision.answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        return switch (m.state()) {
            case ONGOING ->
                Decision.prepare(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT, false);
            case COMPLETE_COMMIT -> {
                if (commit) {
                    yield Decision.answer(retry ? Errors.NONE : Errors.INVALID_TXN_STATE);
                }
                yield retry
                        ? Decision.answer(Errors.INVALID_TXN_STATE)
                        : Decision.prepare(TransactionState.PREPARE_ABORT, true);
            }
            case COMPLETE_ABORT -> {
                if (commit) {
                    yield Decision.answer(Errors.INVALID_TXN_STATE);
                }
                yield retry ? Decision.answer(Errors.NONE) : Decision.prepare(TransactionState.PREPARE_ABORT, true);
            }
            case PREPARE_COMMIT -> Decision.answer(commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE);
            case PREPARE_ABORT -> Decision.answer(commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS);
            case EMPTY ->
                commit
                        ? Decision.answer(Errors.INVALID_TXN_STATE)
                        : Decision.prepare(TransactionState.PREPARE_ABORT, true);
            default -> Decision.answer(Errors.INVALID_TXN_STATE);
        };
    }

    /**
     * Writes the Prepare state, answers, then writes the markers.
     *
     * @param epoch the epoch of the request (a fence's bumped epoch)
     * @param nextProducerId the producer id to continue with after this transaction (V2 epoch
     *     exhaustion), or -1
     */
    private void prepare(
            Txn t, Decision d, short epoch, boolean fence, boolean v2, long nextProducerId, Consumer<EndResult> done) {
        TxnMetadata m = t.m;
        long now = time.milliseconds();
        short preparedEpoch;
        short lastEpoch;
        if (fence) {
            // The fence's bump: the markers carry it, so the fenced producer's writes are refused.
            preparedEpoch = epoch;
            lastEpoch = TxnMetadata.NO_EPOCH;
        } else if (v2) {
            preparedEpoch = m.producerEpoch() == Short.MAX_VALUE ? m.producerEpoch() : (short) (m.producerEpoch() + 1);
            lastEpoch = m.producerEpoch();
        } else {
            preparedEpoch = m.producerEpoch();
            lastEpoch = m.lastProducerEpoch();
        }
        TxnMetadata next = m.withState(d.prepare(), now)
                .withEpochs(preparedEpoch, lastEpoch)
                .withProducer(m.producerId(), m.previousProducerId(), nextProducerId)
                .withPartitions(
                        d.noPartitionAdded() ? Set.of() : m.partitions(), d.noPartitionAdded() ? now : m.startMs())
                .withTransactionVersion(v2 ? (byte) 2 : (byte) 1);
        write(t, next, error -> {
            if (error != Errors.NONE) {
                done.accept(EndResult.failed(error));
                return;
            }
            if (nextProducerId != TxnMetadata.NO_PRODUCER_ID) {
                done.accept(new EndResult(Errors.NONE, nextProducerId, (short) 0));
            } else {
                done.accept(new EndResult(Errors.NONE, next.producerId(), next.producerEpoch()));
            }
            sendMarkers(t, next, next.partitions());
        });
    }

    /** Writes the markers of {@code prepared} into {@code remaining}, retrying the retriable failures, then completes. */
    private void sendMarkers(Txn t, TxnMetadata prepared, Set<TopicPartitionKey> remaining) {
        if (remaining.isEmpty()) {
            complete(t, prepared);
            return;
        }
        MarkerSink.Markers batch = new MarkerSink.Markers(
                prepared.producerId(),
                prepared.producerEpoch(),
                t.shard.coordinatorEpoch,
                prepared.state() == TransactionState.PREPARE_COMMIT,
                prepared.transactionVersion(),
                remaining);
        markers.write(batch, results -> {
            if (!isCurrent(t) || t.m != prepared) {
                return; // the partition moved, or the transaction was settled otherwise
            }
            Set<TopicPartitionKey> again = new TreeSet<>(TxnMetadata.ORDER);
            results.forEach((tp, error) -> {
                if (error == Errors.NONE) {
                    return;
                }
                if (isRetriableMarkerError(tp, error)) {
                    again.add(tp);
                } else {
                    LOG.warn(
                            "Giving up the {} marker of transactional id {} (producer {} epoch {}) in {}: {}",
                            batch.commit() ? "COMMIT" : "ABORT",
                            t.id,
                            batch.producerId(),
                            batch.producerEpoch(),
                            tp,
                            error);
                }
            });
            if (again.isEmpty()) {
                complete(t, prepared);
                return;
            }
            scheduler.schedule(config.retryBackoffMs(), () -> {
                if (isCurrent(t) && t.m == prepared) {
                    sendMarkers(t, prepared, again);
                }
            });
        });
    }

    /**
     * Whether a marker write is worth trying again. A gone partition, or one that already saw a
     * newer producer or coordinator epoch, will never take it: those are given up, as Kafka does.
     */
    private boolean isRetriableMarkerError(TopicPartitionKey tp, Errors error) {
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION ->
                image.get()
                        .topic(tp.topic())
                        .map(topic -> tp.partition() < topic.partitionCount())
                        .orElse(false);
            case INVALID_PRODUCER_EPOCH,
                    TRANSACTION_COORDINATOR_FENCED,
                    INVALID_TXN_STATE,
                    UNSUPPORTED_FOR_MESSAGE_FORMAT,
                    CORRUPT_MESSAGE,
                    RECORD_LIST_TOO_LARGE,
                    MESSAGE_TOO_LARGE -> false;
            default -> true;
        };
    }

    private void complete(Txn t, TxnMetadata prepared) {
        long now = time.milliseconds();
        TransactionState done = prepared.state() == TransactionState.PREPARE_COMMIT
                ? TransactionState.COMPLETE_COMMIT
                : TransactionState.COMPLETE_ABORT;
        TxnMetadata next = prepared.withState(done, now).withPartitions(Set.of(), prepared.startMs());
        if (prepared.isV2() && prepared.nextProducerId() != TxnMetadata.NO_PRODUCER_ID) {
            next = next.withProducer(prepared.nextProducerId(), prepared.producerId(), TxnMetadata.NO_PRODUCER_ID)
                    .withEpochs((short) 0, prepared.lastProducerEpoch());
        } else {
            next = next.withProducer(prepared.producerId(), prepared.previousProducerId(), TxnMetadata.NO_PRODUCER_ID);
        }
        TxnMetadata completed = next;
        write(t, completed, error -> {
            if (error == Errors.NONE) {
                LOG.debug("Transactional id {}: {}", t.id, completed.state().label());
                return;
            }
            if (isCurrent(t) && t.m == prepared) {
                LOG.warn("Writing {} for transactional id {} failed: {}; retrying", done.label(), t.id, error);
                scheduler.schedule(config.retryBackoffMs(), () -> {
                    if (isCurrent(t) && t.m == prepared && t.pending == null) {
                        complete(t, prepared);
                    }
                });
            }
        });
    }

    // ------------------------------------------------------------------ timeouts and expiry

    /**
     * Aborts the transactions that have been ongoing for longer than their timeout, fencing the
     * producer (a bumped epoch), as Kafka does every {@code
     * transaction.abort.timed.out.transaction.cleanup.interval.ms}.
     */
    public void abortTimedOutTransactions() {
        long now = time.milliseconds();
        for (Shard shard : List.copyOf(shards.values())) {
            if (shard.loading) {
                continue;
            }
            for (Txn t : List.copyOf(shard.txns.values())) {
                TxnMetadata m = t.m;
                if (m.state() != TransactionState.ONGOING || t.pending != null || m.startMs() + m.timeoutMs() >= now) {
                    continue;
                }
                short fenced =
                        m.producerEpoch() == Short.MAX_VALUE ? m.producerEpoch() : (short) (m.producerEpoch() + 1);
                LOG.info(
                        "Aborting the transaction of transactional id {} (producer {}): ongoing for more than {} ms",
                        t.id,
                        m.producerId(),
                        m.timeoutMs());
                t.pending = TransactionState.PREPARE_EPOCH_FENCE;
                endTransaction(t.id, m.producerId(), fenced, false, m.isV2(), false, r -> {
                    if (r.error() != Errors.NONE) {
                        LOG.warn("Aborting the timed-out transaction of {} failed: {}", t.id, r.error());
                    }
                });
            }
        }
    }

    /**
     * Removes transactional ids without a transaction that have not been used for {@code
     * transactional.id.expiration.ms} (a tombstone each), as Kafka does every {@code
     * transaction.remove.expired.transaction.cleanup.interval.ms}.
     */
    public void expireTransactionalIds() {
        long now = time.milliseconds();
        for (Shard shard : List.copyOf(shards.values())) {
            if (shard.loading) {
                continue;
            }
            List<Txn> expiring = new ArrayList<>();
            List<TxnRecords.Entry> tombstones = new ArrayList<>();
            for (Txn t : shard.txns.values()) {
                if (t.pending == null
                        && t.m.state().isIdle()
                        && now - t.m.updateMs() >= config.transactionalIdExpirationMs()) {
                    t.pending = TransactionState.DEAD;
                    expiring.add(t);
                    tombstones.add(TxnRecords.tombstone(t.id));
                }
            }
            if (expiring.isEmpty()) {
                continue;
            }
            log.append(shard.partition, tombstones, error -> {
                for (Txn t : expiring) {
                    if (!isCurrent(t)) {
                        continue;
                    }
                    t.pending = null;
                    if (error == Errors.NONE) {
                        shard.txns.remove(t.id, t);
                        LOG.info("Expired transactional id {} (producer id {})", t.id, t.m.producerId());
                    }
                }
                if (error != Errors.NONE) {
                    LOG.warn(
                            "Expiring {} transactional ids of {}-{} failed: {}",
                            expiring.size(),
                            TopicNames.TRANSACTION_STATE,
                            shard.partition,
                            error);
                }
            });
        }
    }

    // ------------------------------------------------------------------ admin

    /** DescribeTransactions for one id. */
    public DescribeTransactionsResponseData.TransactionState describe(String transactionalId) {
        DescribeTransactionsResponseData.TransactionState out = new DescribeTransactionsResponseData.TransactionState()
                .setTransactionalId(transactionalId)
                .setTransactionState("")
                .setProducerId(-1)
                .setProducerEpoch((short) -1)
                .setTransactionTimeoutMs(0)
                .setTransactionStartTimeMs(-1);
        if (transactionalId == null || transactionalId.isEmpty()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        Target target = target(transactionalId);
        if (target.error() != Errors.NONE) {
            return out.setErrorCode(target.error().code());
        }
        Txn t = target.shard().txns.get(transactionalId);
        if (t == null || t.m.state() == TransactionState.DEAD || t.pending == TransactionState.DEAD) {
            return out.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        }
        TxnMetadata m = t.m;
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartitionKey tp : m.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition());
        }
        byTopic.forEach((topic, partitions) -> out.topics()
                .add(new DescribeTransactionsResponseData.TopicData()
                        .setTopic(topic)
                        .setPartitions(partitions)));
        return out.setErrorCode(Errors.NONE.code())
                .setTransactionState(m.state().label())
                .setProducerId(m.producerId())
                .setProducerEpoch(m.producerEpoch())
                .setTransactionTimeoutMs(m.timeoutMs())
                .setTransactionStartTimeMs(m.startMs());
    }

    /**
     * ListTransactions over every partition led here.
     *
     * @param states state names to keep (Kafka's names); empty keeps all; unknown ones are reported
     * @param producerIds producer ids to keep; empty keeps all
     * @param durationMs keep only transactions running for longer than this; -1 keeps all
     * @param idPattern a regular expression the whole transactional id must match, or null
     */
    public ListTransactionsResponseData list(
            List<String> states, List<Long> producerIds, long durationMs, String idPattern) {
        ListTransactionsResponseData out = new ListTransactionsResponseData().setErrorCode(Errors.NONE.code());
        Set<TransactionState> wanted = new java.util.HashSet<>();
        for (String s : states) {
            Optional<TransactionState> state = TransactionState.ofLabel(s);
            if (state.isPresent()) {
                wanted.add(state.get());
            } else {
                out.unknownStateFilters().add(s);
            }
        }
        if (!out.unknownStateFilters().isEmpty() && wanted.isEmpty()) {
            return out; // every filter is unknown: nothing can match
        }
        Pattern pattern = null;
        if (idPattern != null && !idPattern.isEmpty()) {
            try {
                pattern = Pattern.compile(idPattern);
            } catch (PatternSyntaxException e) {
                return out.setErrorCode(Errors.INVALID_REQUEST.code());
            }
        }
        Set<Long> pids = Set.copyOf(producerIds);
        long now = time.milliseconds();
        Map<String, TxnMetadata> found = new TreeMap<>();
        for (Shard shard : shards.values()) {
            if (shard.loading) {
                return new ListTransactionsResponseData().setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
            }
            for (Txn t : shard.txns.values()) {
                TxnMetadata m = t.m;
                if (m.state() == TransactionState.DEAD || t.pending == TransactionState.DEAD) {
                    continue;
                }
                if (!pids.isEmpty() && !pids.contains(m.producerId())) {
                    continue;
                }
                if (!wanted.isEmpty() && !wanted.contains(m.state())) {
                    continue;
                }
                if (durationMs >= 0 && (m.startMs() < 0 || now - m.startMs() <= durationMs)) {
                    continue;
                }
                if (pattern != null && !pattern.matcher(t.id).matches()) {
                    continue;
                }
                found.put(t.id, m);
            }
        }
        found.forEach((id, m) -> out.transactionStates()
                .add(new ListTransactionsResponseData.TransactionState()
                        .setTransactionalId(id)
                        .setProducerId(m.producerId())
                        .setTransactionState(m.state().label())));
        return out;
    }

    /** The metadata of a loaded id (tests and tools). */
    public Optional<TxnMetadata> metadata(String transactionalId) {
        for (Shard shard : shards.values()) {
            Txn t = shard.txns.get(transactionalId);
            if (t != null) {
                return Optional.of(t.m);
            }
        }
        return Optional.empty();
    }
}

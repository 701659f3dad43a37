package io.tributary.kernel.txn;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.coordinator.InternalTopic;
import io.tributary.kernel.group.GroupCoordinator;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.AddOffsetsToTxnRequestData;
import io.tributary.protocol.message.AddOffsetsToTxnResponseData;
import io.tributary.protocol.message.AddPartitionsToTxnRequestData;
import io.tributary.protocol.message.AddPartitionsToTxnResponseData;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DescribeTransactionsRequestData;
import io.tributary.protocol.message.DescribeTransactionsResponseData;
import io.tributary.protocol.message.EndTxnRequestData;
import io.tributary.protocol.message.EndTxnResponseData;
import io.tributary.protocol.message.ListTransactionsRequestData;
import io.tributary.protocol.message.ListTransactionsResponseData;
import io.tributary.protocol.message.TxnOffsetCommitRequestData;
import io.tributary.protocol.message.WriteTxnMarkersRequestData;
import io.tributary.protocol.message.WriteTxnMarkersResponseData;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The API handlers of transactions, each a thin adapter between a request version and the
 * {@link TransactionCoordinator} (or, for TxnOffsetCommit, the group coordinator after the
 * transaction coordinator's check). All run on the request handler thread.
 *
 * <p>Errors follow what each client version understands: PRODUCER_FENCED (KIP-588) is answered
 * as INVALID_PRODUCER_EPOCH to AddPartitionsToTxn, AddOffsetsToTxn and EndTxn before v2 and to
 * TxnOffsetCommit before v3, as Kafka does.
 */
public final class TxnHandlers {
    private TxnHandlers() {}

    /**
     * Every transaction API handler.
     *
     * @param offsetsPartitions the partition count of {@code __consumer_offsets} when it does
     *     not exist yet ({@code offsets.topic.num.partitions}), to name a group's partition
     */
    public static List<ApiHandler> all(
            TransactionCoordinator coordinator,
            TxnVerifier verifier,
            GroupCoordinator groups,
            PartitionManager partitions,
            TxnMarkerWriter markers,
            IntSupplier offsetsPartitions) {
        return List.of(
                new AddPartitionsToTxn(coordinator, partitions),
                new AddOffsetsToTxn(coordinator, partitions, offsetsPartitions),
                new EndTxn(coordinator),
                new WriteTxnMarkers(partitions, markers),
                new TxnOffsetCommit(verifier, groups, partitions, offsetsPartitions),
                new DescribeTransactions(coordinator),
                new ListTransactions(coordinator));
    }

    static Errors fenced(Errors error, boolean oldClient) {
        return error == Errors.PRODUCER_FENCED && oldClient ? Errors.INVALID_PRODUCER_EPOCH : error;
    }

    /** The {@code __consumer_offsets} partition of a group: Kafka's rule, on the topic's real partition count. */
    static TopicPartitionKey offsetsPartition(PartitionManager partitions, String groupId, IntSupplier configured) {
        int count = partitions
                .image()
                .topic(TopicNames.CONSUMER_OFFSETS)
                .map(TopicImage::partitionCount)
                .filter(n -> n > 0)
                .orElse(configured.getAsInt());
        return new TopicPartitionKey(TopicNames.CONSUMER_OFFSETS, InternalTopic.partitionFor(groupId, count));
    }

    private static boolean exists(MetadataImage image, String topic, int partition) {
        Optional<TopicImage> t = topic == null ? Optional.empty() : image.topic(topic);
        return t.isPresent() && partition >= 0 && partition < t.get().partitionCount();
    }

    /** AddPartitionsToTxn v0-5: one transaction from a client (v0-3), or a batch from brokers (v4+, adding or verifying). */
    static final class AddPartitionsToTxn implements ApiHandler {
        private final TransactionCoordinator coordinator;
        private final PartitionManager partitions;

        AddPartitionsToTxn(TransactionCoordinator coordinator, PartitionManager partitions) {
            this.coordinator = coordinator;
            this.partitions = partitions;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.ADD_PARTITIONS_TO_TXN;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            AddPartitionsToTxnRequestData request = (AddPartitionsToTxnRequestData) message;
            short version = context.apiVersion();
            if (version < 4) {
                addForClient(context, request, version);
                return;
            }
            AddPartitionsToTxnResponseData response =
                    new AddPartitionsToTxnResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code());
            List<AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction> txns = request.transactions();
            if (txns.isEmpty()) {
                context.respond(response);
                return;
            }
            AddPartitionsToTxnResponseData.AddPartitionsToTxnResult[] results =
                    new AddPartitionsToTxnResponseData.AddPartitionsToTxnResult[txns.size()];
            int[] waiting = {txns.size()};
            for (int i = 0; i < txns.size(); i++) {
                int index = i;
                AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn = txns.get(i);
                Map<TopicPartitionKey, Errors> known = checkTopics(txn.topics());
                Runnable answer = () -> {
                    if (--waiting[0] == 0) {
                        response.setResultsByTransaction(new ArrayList<>(List.of(results)));
                        context.respond(response);
                    }
                };
                if (known.containsValue(Errors.UNKNOWN_TOPIC_OR_PARTITION)) {
                    results[index] = result(txn.transactionalId(), known);
                    answer.run();
                    continue;
                }
                Set<TopicPartitionKey> tps = known.keySet();
                if (txn.verifyOnly()) {
                    TransactionCoordinator.Verification v =
                            coordinator.verify(txn.transactionalId(), txn.producerId(), txn.producerEpoch(), tps);
                    Map<TopicPartitionKey, Errors> out = new LinkedHashMap<>();
                    tps.forEach(tp -> out.put(tp, v.errorOf(tp)));
                    results[index] = result(txn.transactionalId(), out);
                    answer.run();
                } else {
                    // From a broker on behalf of a Transactions V2 produce.
                    coordinator.addPartitions(
                            txn.transactionalId(), txn.producerId(), txn.producerEpoch(), tps, (byte) 2, error -> {
                                Map<TopicPartitionKey, Errors> out = new LinkedHashMap<>();
                                tps.forEach(tp -> out.put(tp, error));
                                results[index] = result(txn.transactionalId(), out);
                                answer.run();
                            });
                }
            }
        }

        private void addForClient(RequestContext context, AddPartitionsToTxnRequestData request, short version) {
            Map<TopicPartitionKey, Errors> known = checkTopics(request.v3AndBelowTopics());
            if (known.containsValue(Errors.UNKNOWN_TOPIC_OR_PARTITION)) {
                context.respond(new AddPartitionsToTxnResponseData()
                        .setThrottleTimeMs(0)
                        .setResultsByTopicV3AndBelow(topicResults(known)));
                return;
            }
            coordinator.addPartitions(
                    request.v3AndBelowTransactionalId(),
                    request.v3AndBelowProducerId(),
                    request.v3AndBelowProducerEpoch(),
                    known.keySet(),
                    (byte) 1,
                    error -> {
                        Errors e = fenced(error, version < 2);
                        Map<TopicPartitionKey, Errors> out = new LinkedHashMap<>();
                        known.keySet().forEach(tp -> out.put(tp, e));
                        context.respond(new AddPartitionsToTxnResponseData()
                                .setThrottleTimeMs(0)
                                .setResultsByTopicV3AndBelow(topicResults(out)));
                    });
        }

        /**
         * Every requested partition: NONE when it exists; when some do not, those get
         * UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, as Kafka answers.
         */
        private Map<TopicPartitionKey, Errors> checkTopics(
                List<AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic> topics) {
            MetadataImage image = partitions.image();
            Map<TopicPartitionKey, Errors> out = new LinkedHashMap<>();
            boolean unknown = false;
            for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic t : topics) {
                for (int p : t.partitions()) {
                    boolean ok = exists(image, t.name(), p);
                    unknown |= !ok;
                    out.put(new TopicPartitionKey(t.name(), p), ok ? Errors.NONE : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                }
            }
            if (unknown) {
                out.replaceAll((tp, e) -> e == Errors.NONE ? Errors.OPERATION_NOT_ATTEMPTED : e);
            }
            return out;
        }

        private static AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result(
                String transactionalId, Map<TopicPartitionKey, Errors> errors) {
            return new AddPartitionsToTxnResponseData.AddPartitionsToTxnResult()
                    .setTransactionalId(transactionalId)
                    .setTopicResults(topicResults(errors));
        }

        private static List<AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult> topicResults(
                Map<TopicPartitionKey, Errors> errors) {
            Map<String, AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult> byTopic = new LinkedHashMap<>();
            errors.forEach((tp, e) -> byTopic.computeIfAbsent(
                            tp.topic(),
                            name -> new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName(name))
                    .resultsByPartition()
                    .add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                            .setPartitionIndex(tp.partition())
                            .setPartitionErrorCode(e.code())));
            return new ArrayList<>(byTopic.values());
        }
    }

    /** AddOffsetsToTxn v0-4: adds the group's {@code __consumer_offsets} partition to the transaction. */
    static final class AddOffsetsToTxn implements ApiHandler {
        private final TransactionCoordinator coordinator;
        private final PartitionManager partitions;
        private final IntSupplier offsetsPartitions;

        AddOffsetsToTxn(
                TransactionCoordinator coordinator, PartitionManager partitions, IntSupplier offsetsPartitions) {
            this.coordinator = coordinator;
            this.partitions = partitions;
            this.offsetsPartitions = offsetsPartitions;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.ADD_OFFSETS_TO_TXN;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            AddOffsetsToTxnRequestData r = (AddOffsetsToTxnRequestData) message;
            short version = context.apiVersion();
            TopicPartitionKey tp =
                    offsetsPartition(partitions, r.groupId() == null ? "" : r.groupId(), offsetsPartitions);
            coordinator.addPartitions(
                    r.transactionalId(),
                    r.producerId(),
                    r.producerEpoch(),
                    Set.of(tp),
                    (byte) 1,
                    error -> context.respond(new AddOffsetsToTxnResponseData()
                            .setThrottleTimeMs(0)
                            .setErrorCode(fenced(error, version < 2).code())));
        }
    }

    /** EndTxn v0-5: v5 is Transactions V2 and carries the producer id and epoch to continue with. */
    static final class EndTxn implements ApiHandler {
        private final TransactionCoordinator coordinator;

        EndTxn(TransactionCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.END_TXN;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            EndTxnRequestData r = (EndTxnRequestData) message;
            short version = context.apiVersion();
            coordinator.endTransaction(
                    r.transactionalId(), r.producerId(), r.producerEpoch(), r.committed(), version >= 5, result -> {
                        EndTxnResponseData response = new EndTxnResponseData()
                                .setThrottleTimeMs(0)
                                .setErrorCode(
                                        fenced(result.error(), version < 2).code());
                        if (version >= 5) {
                            response.setProducerId(result.producerId()).setProducerEpoch(result.producerEpoch());
                        }
                        context.respond(response);
                    });
        }
    }

    /**
     * WriteTxnMarkers v1-2: markers sent by the coordinator of another broker, written into the
     * partitions this broker leads (markers of this broker's own coordinator are written directly).
     */
    static final class WriteTxnMarkers implements ApiHandler {
        private final PartitionManager partitions;
        private final TxnMarkerWriter markers;

        WriteTxnMarkers(PartitionManager partitions, TxnMarkerWriter markers) {
            this.partitions = partitions;
            this.markers = markers;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.WRITE_TXN_MARKERS;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            WriteTxnMarkersRequestData request = (WriteTxnMarkersRequestData) message;
            WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
            List<Runnable> writes = new ArrayList<>();
            int[] waiting = {1};
            Runnable oneDone = () -> {
                if (--waiting[0] == 0) {
                    context.respond(response);
                }
            };
            for (WriteTxnMarkersRequestData.WritableTxnMarker m : request.markers()) {
                WriteTxnMarkersResponseData.WritableTxnMarkerResult mr =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(m.producerId());
                response.markers().add(mr);
                for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic t : m.topics()) {
                    WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult tr =
                            new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(t.name());
                    mr.topics().add(tr);
                    for (int index : t.partitionIndexes()) {
                        WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult pr =
                                new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                                        .setPartitionIndex(index);
                        tr.partitions().add(pr);
                        Optional<Partition> p = t.name() == null ? Optional.empty() : partitions.get(t.name(), index);
                        if (p.isEmpty()) {
                            pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                        } else if (!p.get().isLeader(partitions.nodeId())) {
                            pr.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                        } else {
                            waiting[0]++;
                            writes.add(() -> markers.write(
                                    p.get(),
                                    m.producerId(),
                                    m.producerEpoch(),
                                    m.coordinatorEpoch(),
                                    m.transactionResult(),
                                    error -> {
                                        pr.setErrorCode(error.code());
                                        oneDone.run();
                                    }));
                        }
                    }
                }
            }
            writes.forEach(Runnable::run);
            oneDone.run();
        }
    }

    /**
     * TxnOffsetCommit v0-6: the transaction coordinator checks that the group's partition is part
     * of the transaction (v0-4, after AddOffsetsToTxn) or adds it (v5+, Transactions V2); then the
     * group coordinator writes the offsets as a transactional batch, pending until the
     * transaction's marker reaches the partition.
     */
    static final class TxnOffsetCommit implements ApiHandler {
        private final TxnVerifier verifier;
        private final GroupCoordinator groups;
        private final PartitionManager partitions;
        private final IntSupplier offsetsPartitions;

        TxnOffsetCommit(
                TxnVerifier verifier,
                GroupCoordinator groups,
                PartitionManager partitions,
                IntSupplier offsetsPartitions) {
            this.verifier = verifier;
            this.groups = groups;
            this.partitions = partitions;
            this.offsetsPartitions = offsetsPartitions;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.TXN_OFFSET_COMMIT;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            TxnOffsetCommitRequestData r = (TxnOffsetCommitRequestData) message;
            short version = context.apiVersion();
            if (r.groupId() == null || r.groupId().isEmpty()) {
                context.respond(GroupCoordinator.txnCommitError(r, version, Errors.INVALID_GROUP_ID));
                return;
            }
            TopicPartitionKey tp = offsetsPartition(partitions, r.groupId(), offsetsPartitions);
            verifier.verify(
                    r.transactionalId(), r.producerId(), r.producerEpoch(), Set.of(tp), version >= 5, results -> {
                        Errors error = results.getOrDefault(tp, Errors.NONE);
                        if (error != Errors.NONE) {
                            context.respond(
                                    GroupCoordinator.txnCommitError(r, version, verificationError(error, version)));
                            return;
                        }
                        groups.commitTransactionalOffsets(r, version, context::respond);
                    });
        }

        /**
         * What a refused check becomes for each TxnOffsetCommit version: fencing is
         * INVALID_PRODUCER_EPOCH (fatal for the producer either way), "not in the transaction" is
         * TRANSACTION_ABORTABLE from v4 and INVALID_TXN_STATE before, a busy coordinator a
         * retriable COORDINATOR_LOAD_IN_PROGRESS.
         */
        static Errors verificationError(Errors error, short version) {
            return switch (error) {
                case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
                case TRANSACTION_ABORTABLE -> version >= 4 ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
                case CONCURRENT_TRANSACTIONS -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
                default -> error;
            };
        }
    }

    /** DescribeTransactions v0. */
    static final class DescribeTransactions implements ApiHandler {
        private final TransactionCoordinator coordinator;

        DescribeTransactions(TransactionCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.DESCRIBE_TRANSACTIONS;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            DescribeTransactionsRequestData r = (DescribeTransactionsRequestData) message;
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData().setThrottleTimeMs(0);
            Set<String> seen = new LinkedHashSet<>(r.transactionalIds());
            for (String id : seen) {
                response.transactionStates().add(coordinator.describe(id));
            }
            context.respond(response);
        }
    }

    /** ListTransactions v0-2: state and producer id filters, v1 a duration filter, v2 an id pattern. */
    static final class ListTransactions implements ApiHandler {
        private final TransactionCoordinator coordinator;

        ListTransactions(TransactionCoordinator coordinator) {
            this.coordinator = coordinator;
        }

        @Override
        public ApiMessageType api() {
            return ApiMessageType.LIST_TRANSACTIONS;
        }

        @Override
        public void handle(RequestContext context, Message message) {
            ListTransactionsRequestData r = (ListTransactionsRequestData) message;
            short version = context.apiVersion();
            ListTransactionsResponseData response = coordinator.list(
                    r.stateFilters(),
                    r.producerIdFilters(),
                    version >= 1 ? r.durationFilter() : -1,
                    version >= 2 ? r.transactionalIdPattern() : null);
            context.respond(response.setThrottleTimeMs(0));
        }
    }
}

package io.tributary.kernel.txn;

import io.netty.buffer.Unpooled;
import io.tributary.kernel.group.ManualClock;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.protocol.Errors;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A transaction coordinator without a broker: a hand-driven clock and scheduler, an in-memory
 * {@code __transaction_state} log, a marker sink that records what it is asked to write, producer
 * ids from a counter, and a metadata image with the topics a test uses. A restart builds a new
 * coordinator by replaying what the old one wrote.
 */
final class TxnTestKit {
    static final int TXN_PARTITIONS = 3;
    static final int COORDINATOR_EPOCH = 4;
    static final int MAX_TIMEOUT_MS = 900_000;

    final ManualClock clock = new ManualClock();
    final MemoryTxnLog log = new MemoryTxnLog();
    final RecordingMarkers markers = new RecordingMarkers();
    long nextProducerId = 1000;
    final TxnConfig config;
    TransactionCoordinator coordinator;

    TxnTestKit() {
        this(config(60_000));
    }

    TxnTestKit(TxnConfig config) {
        this.config = config;
        coordinator = newCoordinator();
        for (int p = 0; p < TXN_PARTITIONS; p++) {
            coordinator.beginLoad(p, COORDINATOR_EPOCH);
            coordinator.completeLoad(p);
        }
    }

    static TxnConfig config(long transactionalIdExpirationMs) {
        return new TxnConfig(
                TXN_PARTITIONS,
                (short) 1,
                1,
                100 << 20,
                MAX_TIMEOUT_MS,
                transactionalIdExpirationMs,
                10_000,
                3_600_000,
                30_000,
                100);
    }

    private TransactionCoordinator newCoordinator() {
        return new TransactionCoordinator(
                config,
                TxnTestKit::image,
                clock,
                clock,
                log,
                done -> done.accept(new ProducerIdSource.Result(Errors.NONE, nextProducerId++)),
                markers);
    }

    static MetadataImage image() {
        Map<String, TopicImage> byName = new HashMap<>();
        byName.put(TopicNames.TRANSACTION_STATE, topic(TopicNames.TRANSACTION_STATE, TXN_PARTITIONS));
        byName.put("orders", topic("orders", 4));
        byName.put("payments", topic("payments", 2));
        byName.put(TopicNames.CONSUMER_OFFSETS, topic(TopicNames.CONSUMER_OFFSETS, 5));
        Map<UUID, TopicImage> byId = new HashMap<>();
        byName.values().forEach(t -> byId.put(t.id(), t));
        return new MetadataImage(
                7,
                Map.of(1, new BrokerRegistration(1, new UUID(1, 1), List.of(), Optional.empty(), false)),
                byName,
                byId,
                Map.of(),
                0);
    }

    private static TopicImage topic(String name, int partitions) {
        Map<Integer, PartitionImage> ps = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ps.put(p, new PartitionImage(p, List.of(1), List.of(1), 1, COORDINATOR_EPOCH, 0));
        }
        return new TopicImage(name, UUID.nameUUIDFromBytes(name.getBytes()), ps);
    }

    /** A new coordinator that replays everything written so far, as a new leader would. */
    void restart() {
        coordinator = newCoordinator();
        for (int p = 0; p < TXN_PARTITIONS; p++) {
            coordinator.beginLoad(p, COORDINATOR_EPOCH + 1);
            for (TxnRecords.Entry e : log.entries(p)) {
                coordinator.replay(
                        p,
                        Unpooled.wrappedBuffer(e.key()),
                        e.value() == null ? null : Unpooled.wrappedBuffer(e.value()));
            }
            coordinator.completeLoad(p);
        }
    }

    // ---------------------------------------------------------------- synchronous helpers

    TransactionCoordinator.InitResult init(String id) {
        return init(id, 60_000, -1, (short) -1);
    }

    TransactionCoordinator.InitResult init(String id, int timeoutMs, long expectedProducerId, short expectedEpoch) {
        List<TransactionCoordinator.InitResult> out = new ArrayList<>();
        coordinator.initProducerId(id, timeoutMs, expectedProducerId, expectedEpoch, out::add);
        return single(out);
    }

    Errors add(String id, TransactionCoordinator.InitResult producer, byte version, TopicPartitionKey... tps) {
        return add(id, producer.producerId(), producer.producerEpoch(), version, tps);
    }

    Errors add(String id, long producerId, short epoch, byte version, TopicPartitionKey... tps) {
        List<Errors> out = new ArrayList<>();
        coordinator.addPartitions(id, producerId, epoch, Set.of(tps), version, out::add);
        return single(out);
    }

    TransactionCoordinator.EndResult end(String id, long producerId, short epoch, boolean commit, boolean v2) {
        List<TransactionCoordinator.EndResult> out = new ArrayList<>();
        coordinator.endTransaction(id, producerId, epoch, commit, v2, out::add);
        return single(out);
    }

    TxnMetadata metadata(String id) {
        return coordinator.metadata(id).orElseThrow();
    }

    private static <T> T single(List<T> answers) {
        if (answers.size() != 1) {
            throw new AssertionError("expected one answer, got " + answers);
        }
        return answers.getFirst();
    }

    static TopicPartitionKey tp(String topic, int partition) {
        return new TopicPartitionKey(topic, partition);
    }

    // ---------------------------------------------------------------- fakes

    /** {@code __transaction_state} in memory: writes succeed at once unless told otherwise. */
    static final class MemoryTxnLog implements TxnLog {
        private final Map<Integer, List<TxnRecords.Entry>> partitions = new HashMap<>();
        private final Deque<Errors> failures = new ArrayDeque<>();
        private final List<Runnable> held = new ArrayList<>();
        private boolean hold;
        int appends;

        @Override
        public void append(int partition, List<TxnRecords.Entry> records, Consumer<Errors> done) {
            appends++;
            Errors failure = failures.poll();
            if (failure != null) {
                done.accept(failure);
                return;
            }
            partitions.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(records);
            if (hold) {
                held.add(() -> done.accept(Errors.NONE));
            } else {
                done.accept(Errors.NONE);
            }
        }

        List<TxnRecords.Entry> entries(int partition) {
            return partitions.getOrDefault(partition, List.of());
        }

        /** The next append fails with {@code error} (nothing is written). */
        void failNext(Errors error) {
            failures.add(error);
        }

        /** Appends are stored but not acknowledged until {@link #release()}. */
        void hold() {
            hold = true;
        }

        void release() {
            hold = false;
            List<Runnable> toRun = List.copyOf(held);
            held.clear();
            toRun.forEach(Runnable::run);
        }
    }

    /** Records the markers asked for; answers NONE, or queued errors, or holds the answers. */
    static final class RecordingMarkers implements MarkerSink {
        final List<Markers> written = new ArrayList<>();
        private final Deque<Map<TopicPartitionKey, Errors>> failures = new ArrayDeque<>();
        private final List<Runnable> held = new ArrayList<>();
        private boolean hold;

        @Override
        public void write(Markers m, Consumer<Map<TopicPartitionKey, Errors>> done) {
            written.add(m);
            Map<TopicPartitionKey, Errors> results = new HashMap<>();
            Map<TopicPartitionKey, Errors> failure = failures.poll();
            for (TopicPartitionKey tp : m.partitions()) {
                results.put(tp, failure == null ? Errors.NONE : failure.getOrDefault(tp, Errors.NONE));
            }
            if (hold) {
                held.add(() -> done.accept(results));
            } else {
                done.accept(results);
            }
        }

        void failNext(Map<TopicPartitionKey, Errors> errors) {
            failures.add(errors);
        }

        void hold() {
            hold = true;
        }

        void release() {
            hold = false;
            List<Runnable> toRun = List.copyOf(held);
            held.clear();
            toRun.forEach(Runnable::run);
        }

        Markers last() {
            return written.getLast();
        }
    }
}

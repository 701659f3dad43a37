package io.tributary.kernel.group;

import io.netty.buffer.Unpooled;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A group coordinator without a broker: a hand-driven clock and scheduler, an in-memory
 * {@code __consumer_offsets} log, and a metadata image with the topics a test declares. A restart
 * builds a new coordinator by replaying what the old one wrote.
 */
final class GroupTestKit {
    static final int OFFSETS_PARTITIONS = 3;

    final ManualClock clock = new ManualClock();
    final MemoryLog log = new MemoryLog();
    final Map<String, TopicImage> topics = new LinkedHashMap<>();
    /** Moves with every topic change, as the metadata log offset does. */
    private long imageOffset = 1;

    GroupConfig config;
    GroupCoordinator coordinator;

    GroupTestKit() {
        this(defaults());
    }

    GroupTestKit(GroupConfig config) {
        this.config = config;
        this.coordinator = newCoordinator();
        for (int p = 0; p < OFFSETS_PARTITIONS; p++) {
            coordinator.beginLoad(p);
            coordinator.completeLoad(p);
        }
    }

    static GroupConfig defaults() {
        return new GroupConfig(
                OFFSETS_PARTITIONS,
                (short) 1,
                100 * 1024 * 1024,
                7L * 24 * 3600 * 1000,
                600_000,
                5000,
                4096,
                6000,
                1_800_000,
                0,
                Integer.MAX_VALUE,
                true,
                1000,
                10_000,
                List.of("uniform", "range"),
                Integer.MAX_VALUE);
    }

    static GroupConfig withInitialDelay(int delayMs) {
        GroupConfig d = defaults();
        return new GroupConfig(
                d.offsetsTopicPartitions(),
                d.offsetsTopicReplicationFactor(),
                d.offsetsTopicSegmentBytes(),
                d.offsetsRetentionMs(),
                d.offsetsRetentionCheckIntervalMs(),
                d.offsetCommitTimeoutMs(),
                d.offsetMetadataMaxBytes(),
                d.minSessionTimeoutMs(),
                d.maxSessionTimeoutMs(),
                delayMs,
                d.maxSize(),
                d.consumerProtocolEnabled(),
                d.consumerHeartbeatIntervalMs(),
                d.consumerSessionTimeoutMs(),
                d.consumerAssignors(),
                d.consumerMaxSize());
    }

    private GroupCoordinator newCoordinator() {
        return new GroupCoordinator(config, this::image, clock, clock, log);
    }

    /** Declares a topic with {@code partitions} partitions led by broker 1. */
    UUID topic(String name, int partitions) {
        UUID id = UUID.nameUUIDFromBytes(name.getBytes());
        topics.put(name, topicImage(name, id, partitions));
        imageOffset++;
        return id;
    }

    void deleteTopic(String name) {
        topics.remove(name);
        imageOffset++;
    }

    MetadataImage image() {
        Map<String, TopicImage> byName = new HashMap<>(topics);
        byName.put(
                TopicNames.CONSUMER_OFFSETS,
                topicImage(TopicNames.CONSUMER_OFFSETS, new UUID(7, 7), OFFSETS_PARTITIONS));
        Map<UUID, TopicImage> byId = new HashMap<>();
        byName.values().forEach(t -> byId.put(t.id(), t));
        return new MetadataImage(
                imageOffset,
                Map.of(1, new BrokerRegistration(1, new UUID(1, 1), List.of(), Optional.empty(), false)),
                byName,
                byId,
                Map.of(),
                0);
    }

    private static TopicImage topicImage(String name, UUID id, int partitions) {
        Map<Integer, PartitionImage> ps = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ps.put(p, new PartitionImage(p, List.of(1), List.of(1), 1, 0, 0));
        }
        return new TopicImage(name, id, ps);
    }

    /** A new coordinator that replays everything written so far, as a restarted broker would. */
    void restart() {
        for (int p = 0; p < OFFSETS_PARTITIONS; p++) {
            coordinator.unload(p);
        }
        coordinator = newCoordinator();
        for (int p = 0; p < OFFSETS_PARTITIONS; p++) {
            coordinator.beginLoad(p);
            for (MemoryLog.Event event : log.events(p)) {
                switch (event) {
                    case MemoryLog.Plain(GroupRecords.Entry e) ->
                        coordinator.replay(
                                p,
                                Unpooled.wrappedBuffer(e.key()),
                                e.value() == null ? null : Unpooled.wrappedBuffer(e.value()));
                    case MemoryLog.Transactional(long producerId, GroupRecords.Entry e) ->
                        coordinator.replayTransactional(
                                p,
                                producerId,
                                Unpooled.wrappedBuffer(e.key()),
                                e.value() == null ? null : Unpooled.wrappedBuffer(e.value()));
                    case MemoryLog.Marker(long producerId, boolean commit) ->
                        coordinator.completeTransaction(p, producerId, commit);
                }
            }
            coordinator.completeLoad(p);
        }
    }

    /** {@code __consumer_offsets} in memory: writes succeed at once unless told otherwise. */
    static final class MemoryLog implements GroupLog {
        /** What a partition holds, in log order. */
        sealed interface Event permits Plain, Transactional, Marker {}

        record Plain(GroupRecords.Entry entry) implements Event {}

        record Transactional(long producerId, GroupRecords.Entry entry) implements Event {}

        record Marker(long producerId, boolean commit) implements Event {}

        private final Map<Integer, List<GroupRecords.Entry>> partitions = new HashMap<>();
        private final Map<Integer, List<Event>> events = new HashMap<>();
        private final Deque<Errors> failures = new ArrayDeque<>();
        private final List<Runnable> held = new ArrayList<>();
        private boolean hold;
        int appends;

        @Override
        public void append(int partition, List<GroupRecords.Entry> records, Consumer<Errors> done) {
            appends++;
            Errors failure = failures.poll();
            if (failure != null) {
                done.accept(failure);
                return;
            }
            partitions.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(records);
            records.forEach(e ->
                    events.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Plain(e)));
            if (hold) {
                held.add(() -> done.accept(Errors.NONE));
            } else {
                done.accept(Errors.NONE);
            }
        }

        @Override
        public void appendTransactional(
                int partition,
                long producerId,
                short producerEpoch,
                List<GroupRecords.Entry> records,
                Consumer<Errors> done) {
            appends++;
            Errors failure = failures.poll();
            if (failure != null) {
                done.accept(failure);
                return;
            }
            records.forEach(e ->
                    events.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Transactional(producerId, e)));
            done.accept(Errors.NONE);
        }

        /** A transaction marker written into {@code partition} (by the transaction coordinator). */
        void marker(int partition, long producerId, boolean commit) {
            events.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Marker(producerId, commit));
        }

        List<Event> events(int partition) {
            return events.getOrDefault(partition, List.of());
        }

        List<GroupRecords.Entry> entries(int partition) {
            return partitions.getOrDefault(partition, List.of());
        }

        List<GroupRecords.Entry> all() {
            List<GroupRecords.Entry> out = new ArrayList<>();
            partitions.values().forEach(out::addAll);
            return out;
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
}

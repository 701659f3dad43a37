package io.tributary.metadata.raft.image;

import io.tributary.metadata.raft.record.MetadataRecord;
import io.tributary.metadata.raft.record.MetadataRecord.Config;
import io.tributary.metadata.raft.record.MetadataRecord.FeatureLevel;
import io.tributary.metadata.raft.record.MetadataRecord.FenceBroker;
import io.tributary.metadata.raft.record.MetadataRecord.Partition;
import io.tributary.metadata.raft.record.MetadataRecord.PartitionChange;
import io.tributary.metadata.raft.record.MetadataRecord.ProducerIds;
import io.tributary.metadata.raft.record.MetadataRecord.RegisterBroker;
import io.tributary.metadata.raft.record.MetadataRecord.RemoveTopic;
import io.tributary.metadata.raft.record.MetadataRecord.Topic;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Applies committed metadata records, in offset order, to build {@link MetadataImage}s. It is the
 * only code that interprets records, both when replaying at start-up and when committing new
 * ones, so a replayed image always equals the one first published. It can also express its
 * whole state as records, which is what a snapshot holds.
 *
 * <p>Not thread-safe: the store's controller thread owns it.
 */
public final class MetadataStateMachine {

    /** A topic's mutable state; its image is rebuilt only when it changed. */
    private static final class TopicState {
        final String name;
        final UUID id;
        final Map<Integer, PartitionImage> partitions = new HashMap<>();
        TopicImage image;

        TopicState(String name, UUID id) {
            this.name = name;
            this.id = id;
        }

        TopicImage image() {
            if (image == null) {
                image = new TopicImage(name, id, partitions);
            }
            return image;
        }
    }

    private final Map<Integer, BrokerRegistration> brokers = new HashMap<>();
    private final Map<UUID, TopicState> topicsById = new HashMap<>();
    private final Map<String, TopicState> topicsByName = new HashMap<>();
    /** Values are immutable maps, replaced on change, so an image can share them. */
    private final Map<ConfigResource, Map<String, String>> configs = new HashMap<>();

    private final Map<String, Short> features = new TreeMap<>();
    private long nextProducerId;
    private long offset = -1;
    private MetadataImage image = MetadataImage.EMPTY;
    private boolean changed;

    /** The offset of the last record applied, or -1. */
    public long offset() {
        return offset;
    }

    /** Finalized feature levels (none are used yet; kept so that snapshots carry them). */
    public Map<String, Short> features() {
        return Map.copyOf(features);
    }

    /**
     * Applies one committed record at {@code recordOffset}.
     *
     * @throws ReplayException if the record does not fit the current state; the state machine
     *     must then be discarded
     */
    public void apply(long recordOffset, MetadataRecord record) {
        if (recordOffset <= offset) {
            throw new ReplayException("Record offset " + recordOffset + " is not after " + offset);
        }
        replay(recordOffset, record);
        offset = recordOffset;
        changed = true;
    }

    private void replay(long recordOffset, MetadataRecord record) {
        switch (record) {
            case RegisterBroker(BrokerRegistration registration) -> brokers.put(registration.id(), registration);
            case FenceBroker(int brokerId, boolean fenced) -> {
                BrokerRegistration b = brokers.get(brokerId);
                if (b == null) {
                    throw fail(recordOffset, "fences unknown broker " + brokerId);
                }
                brokers.put(
                        brokerId, new BrokerRegistration(b.id(), b.incarnationId(), b.endpoints(), b.rack(), fenced));
            }
            case Topic(String name, UUID topicId) -> {
                if (topicsByName.containsKey(name) || topicsById.containsKey(topicId)) {
                    throw fail(recordOffset, "creates topic " + name + " (" + topicId + ") which exists");
                }
                TopicState topic = new TopicState(name, topicId);
                topicsByName.put(name, topic);
                topicsById.put(topicId, topic);
            }
            case Partition p -> {
                TopicState topic = topic(recordOffset, p.topicId());
                if (topic.partitions.containsKey(p.partition())) {
                    throw fail(recordOffset, "creates partition " + p.partition() + " of " + topic.name + " again");
                }
                topic.partitions.put(
                        p.partition(),
                        new PartitionImage(
                                p.partition(), p.replicas(), p.isr(), p.leader(), p.leaderEpoch(), p.partitionEpoch()));
                topic.image = null;
            }
            case PartitionChange c -> {
                TopicState topic = topic(recordOffset, c.topicId());
                PartitionImage old = topic.partitions.get(c.partition());
                if (old == null) {
                    throw fail(recordOffset, "changes unknown partition " + c.partition() + " of " + topic.name);
                }
                int leader = c.leader().orElse(old.leader());
                topic.partitions.put(
                        c.partition(),
                        new PartitionImage(
                                old.partition(),
                                c.replicas().orElse(old.replicas()),
                                c.isr().orElse(old.isr()),
                                leader,
                                leader != old.leader() ? old.leaderEpoch() + 1 : old.leaderEpoch(),
                                old.partitionEpoch() + 1));
                topic.image = null;
            }
            case RemoveTopic(UUID topicId) -> {
                TopicState topic = topic(recordOffset, topicId);
                topicsById.remove(topicId);
                topicsByName.remove(topic.name);
                configs.remove(ConfigResource.topic(topic.name));
            }
            case Config(ConfigResource resource, String key, Optional<String> value) -> {
                Map<String, String> updated = new HashMap<>(configs.getOrDefault(resource, Map.of()));
                value.ifPresentOrElse(v -> updated.put(key, v), () -> updated.remove(key));
                if (updated.isEmpty()) {
                    configs.remove(resource);
                } else {
                    configs.put(resource, Map.copyOf(updated));
                }
            }
            case ProducerIds(int brokerId, long next) -> {
                if (next <= nextProducerId) {
                    throw fail(recordOffset, "moves the next producer id back from " + nextProducerId + " to " + next);
                }
                nextProducerId = next;
            }
            case FeatureLevel(String name, short level) -> {
                if (level == 0) {
                    features.remove(name);
                } else {
                    features.put(name, level);
                }
            }
        }
    }

    private TopicState topic(long recordOffset, UUID topicId) {
        TopicState topic = topicsById.get(topicId);
        if (topic == null) {
            throw fail(recordOffset, "refers to unknown topic id " + topicId);
        }
        return topic;
    }

    private static ReplayException fail(long recordOffset, String what) {
        return new ReplayException("Metadata record at offset " + recordOffset + " " + what);
    }

    /**
     * Replaces all state with a snapshot's records, which cover everything up to {@code
     * lastIncludedOffset}.
     */
    public void loadSnapshot(long lastIncludedOffset, List<MetadataRecord> records) {
        brokers.clear();
        topicsById.clear();
        topicsByName.clear();
        configs.clear();
        features.clear();
        nextProducerId = 0;
        // Snapshot records have no offsets of their own: errors name the snapshot's.
        for (MetadataRecord record : records) {
            replay(lastIncludedOffset, record);
        }
        offset = lastIncludedOffset;
        changed = true;
    }

    /** The image of everything applied so far. Cheap when nothing changed since the last call. */
    public MetadataImage image() {
        if (changed) {
            Map<String, TopicImage> byName = new HashMap<>();
            Map<UUID, TopicImage> byId = new HashMap<>();
            for (TopicState topic : topicsById.values()) {
                TopicImage topicImage = topic.image();
                byName.put(topic.name, topicImage);
                byId.put(topic.id, topicImage);
            }
            image = new MetadataImage(offset, brokers, byName, byId, configs, nextProducerId);
            changed = false;
        }
        return image;
    }

    /**
     * The records that rebuild the current state from nothing, in a deterministic order: brokers,
     * features, topics with their partitions, configs, the producer id counter.
     */
    public List<MetadataRecord> snapshotRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        brokers.values().stream()
                .sorted(Comparator.comparingInt(BrokerRegistration::id))
                .forEach(b -> records.add(new RegisterBroker(b)));
        features.forEach((name, level) -> records.add(new FeatureLevel(name, level)));
        topicsByName.values().stream().sorted(Comparator.comparing(t -> t.name)).forEach(t -> {
            records.add(new Topic(t.name, t.id));
            t.partitions.values().stream()
                    .sorted(Comparator.comparingInt(PartitionImage::partition))
                    .forEach(p -> records.add(new Partition(
                            t.id,
                            p.partition(),
                            p.replicas(),
                            p.isr(),
                            p.leader(),
                            p.leaderEpoch(),
                            p.partitionEpoch())));
        });
        configs.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        Comparator.comparing(ConfigResource::type).thenComparing(ConfigResource::name)))
                .forEach(e -> new TreeMap<>(e.getValue())
                        .forEach((k, v) -> records.add(new Config(e.getKey(), k, Optional.of(v)))));
        if (nextProducerId > 0) {
            records.add(new ProducerIds(-1, nextProducerId));
        }
        return records;
    }
}

package io.tributary.metadata.raft.controller;

import io.tributary.metadata.raft.record.MetadataRecord;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataException;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.PartitionImage;
import io.tributary.spi.metadata.ProducerIdBlock;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.metadata.TopicResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Turns requests into records: validates each against the latest image and decides what changes
 * (topic ids, replica placement, producer id blocks), without touching any state itself. The
 * records it returns are committed by the quorum and applied by the state machine; a
 * validate-only request simply drops them.
 *
 * <p>Not thread-safe: the store's controller thread calls it, one request at a time, always
 * with the image that includes every earlier request's records.
 */
public final class MetadataController {
    /** Kafka's cap on partitions created by one request, so one request cannot exhaust memory. */
    static final int MAX_PARTITIONS_PER_REQUEST = 10_000;
    /** Producer ids are handed out in blocks of this size, as Kafka does. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private final TopicDefaults defaults;
    private final ReplicaPlacer placer;
    private final Supplier<UUID> uuids;

    /**
     * @param defaults what -1 means for partitions and replication factor
     * @param random chooses where replica placement starts
     * @param uuids source of topic id candidates (random UUIDs in production)
     */
    public MetadataController(TopicDefaults defaults, RandomGenerator random, Supplier<UUID> uuids) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.placer = new ReplicaPlacer(Objects.requireNonNull(random, "random"));
        this.uuids = Objects.requireNonNull(uuids, "uuids");
    }

    /** Registers or re-registers a broker; the same registration again produces no record. */
    public ControllerResult<Void> registerBroker(MetadataImage image, BrokerRegistration registration) {
        Objects.requireNonNull(registration, "registration");
        if (registration.id() < 0) {
            throw new MetadataException(MetadataError.INVALID_REQUEST, "Invalid broker id " + registration.id());
        }
        if (registration.incarnationId() == null) {
            throw new MetadataException(MetadataError.INVALID_REQUEST, "A broker registration needs an incarnation id");
        }
        BrokerRegistration current = image.brokers().get(registration.id());
        // A restarted broker always has a new incarnation id: compared first, a start does not
        // pay for the record's equals, which the JDK generates at its first call (~10 ms).
        if (current != null
                && Objects.equals(current.incarnationId(), registration.incarnationId())
                && registration.equals(current)) {
            return new ControllerResult<>(List.of(), null);
        }
        return new ControllerResult<>(List.of(new MetadataRecord.RegisterBroker(registration)), null);
    }

    /** Creates topics; each succeeds or fails alone, and later ones see earlier ones. */
    public ControllerResult<List<TopicResult>> createTopics(MetadataImage image, List<NewTopic> topics) {
        long requested = 0;
        for (NewTopic topic : topics) {
            requested += topic.assignments().isEmpty()
                    ? (topic.numPartitions() == -1 ? defaults.numPartitions() : Math.max(0, topic.numPartitions()))
                    : topic.assignments().size();
        }
        if (requested > MAX_PARTITIONS_PER_REQUEST) {
            // As Kafka: the whole request fails, so a client cannot get half of a huge request.
            String message = "Excessively large number of partitions per request.";
            return new ControllerResult<>(
                    List.of(),
                    topics.stream()
                            .map(t -> TopicResult.failed(t.name(), MetadataError.POLICY_VIOLATION, message))
                            .toList());
        }
        TopicNames names = new TopicNames(image);
        Set<UUID> newIds = new HashSet<>();
        List<Integer> unfenced = unfencedBrokers(image);
        List<MetadataRecord> records = new ArrayList<>();
        List<TopicResult> results = new ArrayList<>(topics.size());
        for (NewTopic topic : topics) {
            try {
                names.checkAvailable(topic.name());
                List<PartitionImage> partitions = partitionsFor(image, topic, unfenced);
                UUID id = newTopicId(image, newIds);
                records.add(new MetadataRecord.Topic(topic.name(), id));
                Map<Integer, PartitionImage> byIndex = new LinkedHashMap<>();
                for (PartitionImage p : partitions) {
                    records.add(partitionRecord(id, p));
                    byIndex.put(p.partition(), p);
                }
                new TreeMap<>(topic.configs())
                        .forEach((k, v) -> records.add(
                                new MetadataRecord.Config(ConfigResource.topic(topic.name()), k, Optional.of(v))));
                names.add(topic.name());
                newIds.add(id);
                results.add(TopicResult.ok(topic.name(), new TopicImage(topic.name(), id, byIndex)));
            } catch (MetadataException e) {
                results.add(TopicResult.failed(topic.name(), e.error(), e.getMessage()));
            }
        }
        return new ControllerResult<>(records, results);
    }

    private List<PartitionImage> partitionsFor(MetadataImage image, NewTopic topic, List<Integer> unfenced) {
        List<List<Integer>> assignments;
        if (!topic.assignments().isEmpty()) {
            if (topic.replicationFactor() != -1) {
                throw new MetadataException(
                        MetadataError.INVALID_REPLICATION_FACTOR,
                        "A manual partition assignment was specified, but replication factor was not set to -1.");
            }
            if (topic.numPartitions() != -1) {
                throw new MetadataException(
                        MetadataError.INVALID_PARTITIONS,
                        "A manual partition assignment was specified, but numPartitions was not set to -1.");
            }
            assignments = topic.assignments();
            int replicationFactor = assignments.getFirst().size();
            for (int i = 0; i < assignments.size(); i++) {
                checkAssignment(image, i, assignments.get(i), replicationFactor);
            }
        } else {
            int numPartitions = topic.numPartitions() == -1 ? defaults.numPartitions() : topic.numPartitions();
            if (numPartitions <= 0) {
                throw new MetadataException(
                        MetadataError.INVALID_PARTITIONS,
                        "Number of partitions was set to an invalid non-positive value.");
            }
            int replicationFactor =
                    topic.replicationFactor() == -1 ? defaults.replicationFactor() : topic.replicationFactor();
            if (replicationFactor <= 0) {
                throw new MetadataException(
                        MetadataError.INVALID_REPLICATION_FACTOR,
                        "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            checkEnoughBrokers(replicationFactor, unfenced);
            assignments = placer.place(unfenced, 0, numPartitions, replicationFactor);
        }
        List<PartitionImage> partitions = new ArrayList<>(assignments.size());
        for (int i = 0; i < assignments.size(); i++) {
            partitions.add(newPartition(image, i, assignments.get(i)));
        }
        return partitions;
    }

    /** A new partition: in-sync replicas are the unfenced ones, led by the first of them. */
    private static PartitionImage newPartition(MetadataImage image, int index, List<Integer> replicas) {
        List<Integer> isr = replicas.stream()
                .filter(id -> !image.brokers().get(id).fenced())
                .toList();
        if (isr.isEmpty()) {
            throw new MetadataException(
                    MetadataError.INVALID_REPLICA_ASSIGNMENT,
                    "All brokers specified in the partition assignment for partition " + index + " are fenced.");
        }
        return new PartitionImage(index, replicas, isr, isr.getFirst(), 0, 0);
    }

    private static void checkAssignment(MetadataImage image, int index, List<Integer> replicas, int replicationFactor) {
        if (replicas.isEmpty()) {
            throw new MetadataException(
                    MetadataError.INVALID_REPLICA_ASSIGNMENT,
                    "The manual partition assignment includes an empty replica list.");
        }
        Set<Integer> seen = new HashSet<>();
        for (Integer brokerId : replicas) {
            if (brokerId == null || !image.brokers().containsKey(brokerId)) {
                throw new MetadataException(
                        MetadataError.INVALID_REPLICA_ASSIGNMENT,
                        "The manual partition assignment includes broker " + brokerId
                                + ", but no such broker is registered.");
            }
            if (!seen.add(brokerId)) {
                throw new MetadataException(
                        MetadataError.INVALID_REPLICA_ASSIGNMENT,
                        "The manual partition assignment includes the broker " + brokerId + " more than once.");
            }
        }
        if (replicas.size() != replicationFactor) {
            throw new MetadataException(
                    MetadataError.INVALID_REPLICA_ASSIGNMENT,
                    "The manual partition assignment includes a partition with " + replicas.size()
                            + " replica(s), but this is not consistent with previous partitions, which have "
                            + replicationFactor + " replica(s).");
        }
    }

    private static void checkEnoughBrokers(int replicationFactor, List<Integer> unfenced) {
        if (replicationFactor > unfenced.size()) {
            throw new MetadataException(
                    MetadataError.INVALID_REPLICATION_FACTOR,
                    "Unable to replicate the partition " + replicationFactor
                            + " time(s): The target replication factor of " + replicationFactor
                            + " cannot be reached because only " + unfenced.size() + " broker(s) are registered.");
        }
    }

    private static List<Integer> unfencedBrokers(MetadataImage image) {
        return image.brokers().values().stream()
                .filter(b -> !b.fenced())
                .map(BrokerRegistration::id)
                .sorted()
                .toList();
    }

    /**
     * A random topic id that is not the zero UUID, not in use, and does not start with '-' in
     * base64 (Kafka avoids those because command-line tools take them for flags).
     */
    private UUID newTopicId(MetadataImage image, Set<UUID> newIds) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            UUID id = uuids.get();
            if (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0) {
                continue;
            }
            if (image.topicsById().containsKey(id)
                    || newIds.contains(id)
                    || base64(id).startsWith("-")) {
                continue;
            }
            return id;
        }
        throw new MetadataException(MetadataError.UNKNOWN_SERVER_ERROR, "Could not generate a unique topic id");
    }

    /** Kafka's string form of a UUID: 22 characters of unpadded URL-safe base64. */
    public static String base64(UUID id) {
        byte[] bytes = new byte[16];
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (msb >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static MetadataRecord.Partition partitionRecord(UUID topicId, PartitionImage p) {
        return new MetadataRecord.Partition(
                topicId, p.partition(), p.replicas(), p.isr(), p.leader(), p.leaderEpoch(), p.partitionEpoch());
    }

    /** Deletes topics by id, with their configs; each id succeeds or fails alone. */
    public ControllerResult<List<TopicResult>> deleteTopics(MetadataImage image, List<UUID> topicIds) {
        List<MetadataRecord> records = new ArrayList<>();
        List<TopicResult> results = new ArrayList<>(topicIds.size());
        Set<UUID> deleted = new HashSet<>();
        for (UUID id : topicIds) {
            Optional<TopicImage> topic = id == null ? Optional.empty() : image.topic(id);
            if (topic.isEmpty() || !deleted.add(id)) {
                results.add(TopicResult.failed(
                        String.valueOf(id), MetadataError.UNKNOWN_TOPIC_ID, "Topic id " + id + " does not exist."));
                continue;
            }
            records.add(new MetadataRecord.RemoveTopic(id));
            results.add(TopicResult.ok(topic.get().name(), null));
        }
        return new ControllerResult<>(records, results);
    }

    /** Adds partitions to a topic; the count may only grow. */
    public ControllerResult<TopicResult> createPartitions(
            MetadataImage image, UUID topicId, int totalCount, List<List<Integer>> assignments) {
        Optional<TopicImage> found = topicId == null ? Optional.empty() : image.topic(topicId);
        if (found.isEmpty()) {
            return failed(
                    String.valueOf(topicId),
                    MetadataError.UNKNOWN_TOPIC_ID,
                    "Topic id " + topicId + " does not exist.");
        }
        TopicImage topic = found.get();
        int current = topic.partitionCount();
        if (totalCount < current) {
            return failed(
                    topic.name(),
                    MetadataError.INVALID_PARTITIONS,
                    "The topic " + topic.name() + " currently has " + current + " partition(s); " + totalCount
                            + " would not be an increase.");
        }
        if (totalCount == current) {
            return failed(
                    topic.name(), MetadataError.INVALID_PARTITIONS, "Topic already has " + current + " partition(s).");
        }
        int added = totalCount - current;
        if (added > MAX_PARTITIONS_PER_REQUEST) {
            return failed(
                    topic.name(),
                    MetadataError.POLICY_VIOLATION,
                    "Excessively large number of partitions per request.");
        }
        int replicationFactor = topic.partitions().get(0).replicas().size();
        List<List<Integer>> newAssignments;
        try {
            if (!assignments.isEmpty()) {
                if (assignments.size() != added) {
                    throw new MetadataException(
                            MetadataError.INVALID_REPLICA_ASSIGNMENT,
                            "Attempted to add " + added + " additional partition(s), but only " + assignments.size()
                                    + " assignment(s) were specified.");
                }
                for (int i = 0; i < added; i++) {
                    checkAssignment(image, current + i, assignments.get(i), replicationFactor);
                }
                newAssignments = assignments;
            } else {
                List<Integer> unfenced = unfencedBrokers(image);
                checkEnoughBrokers(replicationFactor, unfenced);
                newAssignments = placer.place(unfenced, current, added, replicationFactor);
            }
            List<MetadataRecord> records = new ArrayList<>(added);
            Map<Integer, PartitionImage> partitions = new HashMap<>(topic.partitions());
            for (int i = 0; i < added; i++) {
                PartitionImage p = newPartition(image, current + i, newAssignments.get(i));
                records.add(partitionRecord(topic.id(), p));
                partitions.put(p.partition(), p);
            }
            return new ControllerResult<>(
                    records, TopicResult.ok(topic.name(), new TopicImage(topic.name(), topic.id(), partitions)));
        } catch (MetadataException e) {
            return failed(topic.name(), e.error(), e.getMessage());
        }
    }

    private static ControllerResult<TopicResult> failed(String topic, MetadataError error, String message) {
        return new ControllerResult<>(List.of(), TopicResult.failed(topic, error, message));
    }

    /**
     * Sets (non-null value) or removes (null value) config keys of a topic, a broker or the
     * cluster-wide broker default. Changes that change nothing produce no record.
     *
     * @throws MetadataException UNKNOWN_TOPIC_OR_PARTITION for a missing topic, INVALID_REQUEST for
     *     a resource name that names nothing, INVALID_CONFIG for an empty key
     */
    public ControllerResult<Void> alterConfigs(
            MetadataImage image, ConfigResource resource, Map<String, String> changes) {
        Objects.requireNonNull(resource, "resource");
        switch (resource.type()) {
            case TOPIC -> {
                if (resource.name().isEmpty()) {
                    throw new MetadataException(
                            MetadataError.INVALID_REQUEST, "Default topic resources are not allowed.");
                }
                if (image.topic(resource.name()).isEmpty()) {
                    throw new MetadataException(
                            MetadataError.UNKNOWN_TOPIC_OR_PARTITION,
                            "Topic '" + resource.name() + "' does not exist.");
                }
            }
            case BROKER -> {
                if (!resource.name().isEmpty()) {
                    int id;
                    try {
                        id = Integer.parseInt(resource.name());
                    } catch (NumberFormatException e) {
                        throw new MetadataException(
                                MetadataError.INVALID_REQUEST, "Unable to parse broker name as a base 10 number.");
                    }
                    if (id < 0) {
                        throw new MetadataException(MetadataError.INVALID_REQUEST, "Invalid negative broker ID.");
                    }
                }
            }
        }
        Map<String, String> current = image.configs(resource);
        List<MetadataRecord> records = new ArrayList<>();
        // Sorted, so that the same request always gives the same records.
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> change : changes.entrySet()) {
            if (change.getKey() == null || change.getKey().isEmpty()) {
                throw new MetadataException(MetadataError.INVALID_CONFIG, "Config names must not be empty.");
            }
            sorted.put(change.getKey(), change.getValue());
        }
        sorted.forEach((key, value) -> {
            if (!Objects.equals(current.get(key), value)) {
                records.add(new MetadataRecord.Config(resource, key, Optional.ofNullable(value)));
            }
        });
        return new ControllerResult<>(records, null);
    }

    /** The next block of producer ids for a registered broker. */
    public ControllerResult<ProducerIdBlock> allocateProducerIds(MetadataImage image, int brokerId) {
        if (!image.brokers().containsKey(brokerId)) {
            throw new MetadataException(
                    MetadataError.BROKER_NOT_AVAILABLE, "Broker " + brokerId + " is not registered.");
        }
        long first = image.nextProducerId();
        if (first > Long.MAX_VALUE - PRODUCER_ID_BLOCK_SIZE) {
            throw new MetadataException(MetadataError.UNKNOWN_SERVER_ERROR, "Producer ids are exhausted.");
        }
        return new ControllerResult<>(
                List.of(new MetadataRecord.ProducerIds(brokerId, first + PRODUCER_ID_BLOCK_SIZE)),
                new ProducerIdBlock(brokerId, first, PRODUCER_ID_BLOCK_SIZE));
    }

    /** Topic names in use, with their '.'/'_'-normalized forms, growing as a request creates topics. */
    private static final class TopicNames {
        private final Set<String> names = new HashSet<>();
        private final Map<String, String> byNormalized = new HashMap<>();

        TopicNames(MetadataImage image) {
            image.topicsByName().keySet().forEach(this::add);
        }

        void add(String name) {
            names.add(name);
            // Keep the least name per normalized form, so that messages are deterministic.
            byNormalized.merge(normalize(name), name, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }

        void checkAvailable(String name) {
            if (names.contains(name)) {
                throw new MetadataException(MetadataError.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
            }
            String colliding = byNormalized.get(normalize(name));
            if (colliding != null) {
                throw new MetadataException(
                        MetadataError.INVALID_TOPIC_EXCEPTION,
                        "Topic '" + name + "' collides with existing topic: " + colliding);
            }
        }

        /** Kafka's metric names replace '.' with '_', so two names equal after that would collide. */
        private static String normalize(String name) {
            return name.replace('.', '_');
        }
    }
}

package io.tributary.metadata.raft.record;

import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * One change to cluster metadata, as stored in the metadata log and in snapshots. A write
 * operation produces a list of records that commit atomically as one batch; replaying every
 * committed record in offset order rebuilds the metadata image. Immutable.
 */
public sealed interface MetadataRecord {

    RecordType type();

    /** A broker registered (or re-registered with a new incarnation); replaces any earlier registration. */
    record RegisterBroker(BrokerRegistration registration) implements MetadataRecord {
        public RegisterBroker {
            Objects.requireNonNull(registration, "registration");
        }

        @Override
        public RecordType type() {
            return RecordType.REGISTER_BROKER;
        }
    }

    /** A broker became fenced (may not lead) or unfenced. */
    record FenceBroker(int brokerId, boolean fenced) implements MetadataRecord {
        @Override
        public RecordType type() {
            return RecordType.FENCE_BROKER;
        }
    }

    /** A topic was created; its partitions follow as {@link Partition} records in the same batch. */
    record Topic(String name, UUID topicId) implements MetadataRecord {
        public Topic {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }

        @Override
        public RecordType type() {
            return RecordType.TOPIC;
        }
    }

    /** A partition was created, with its full state. */
    record Partition(
            UUID topicId,
            int partition,
            List<Integer> replicas,
            List<Integer> isr,
            int leader,
            int leaderEpoch,
            int partitionEpoch)
            implements MetadataRecord {
        public Partition {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
        }

        @Override
        public RecordType type() {
            return RecordType.PARTITION;
        }
    }

    /**
     * Some fields of an existing partition changed; absent fields are unchanged. A new leader
     * bumps the leader epoch; every change bumps the partition epoch.
     */
    record PartitionChange(
            UUID topicId,
            int partition,
            OptionalInt leader,
            Optional<List<Integer>> isr,
            Optional<List<Integer>> replicas)
            implements MetadataRecord {
        public PartitionChange {
            Objects.requireNonNull(topicId, "topicId");
            Objects.requireNonNull(leader, "leader");
            isr = isr.map(List::copyOf);
            replicas = replicas.map(List::copyOf);
        }

        @Override
        public RecordType type() {
            return RecordType.PARTITION_CHANGE;
        }
    }

    /** A topic was deleted, with its partitions and its config overrides. */
    record RemoveTopic(UUID topicId) implements MetadataRecord {
        public RemoveTopic {
            Objects.requireNonNull(topicId, "topicId");
        }

        @Override
        public RecordType type() {
            return RecordType.REMOVE_TOPIC;
        }
    }

    /** A config key of a resource was set, or removed when {@code value} is empty. */
    record Config(ConfigResource resource, String key, Optional<String> value) implements MetadataRecord {
        public Config {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public RecordType type() {
            return RecordType.CONFIG;
        }
    }

    /**
     * A block of producer ids was handed to a broker: every id below {@code nextProducerId} is
     * now taken. Replay refuses a value that does not move forward.
     */
    record ProducerIds(int brokerId, long nextProducerId) implements MetadataRecord {
        @Override
        public RecordType type() {
            return RecordType.PRODUCER_IDS;
        }
    }

    /** A cluster feature was finalized at a level; level 0 removes it. */
    record FeatureLevel(String name, short level) implements MetadataRecord {
        public FeatureLevel {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public RecordType type() {
            return RecordType.FEATURE_LEVEL;
        }
    }
}

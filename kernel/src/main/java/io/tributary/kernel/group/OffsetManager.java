package io.tributary.kernel.group;

import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.protocol.Errors;
import io.tributary.protocol.message.OffsetCommitRequestData;
import io.tributary.protocol.message.OffsetCommitResponseData;
import io.tributary.protocol.message.OffsetDeleteRequestData;
import io.tributary.protocol.message.OffsetDeleteResponseData;
import io.tributary.protocol.message.OffsetFetchRequestData;
import io.tributary.protocol.message.OffsetFetchResponseData;
import io.tributary.protocol.message.TxnOffsetCommitRequestData;
import io.tributary.protocol.message.TxnOffsetCommitResponseData;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.TopicImage;
import io.tributary.spi.plugin.Time;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Committed offsets: OffsetCommit writes one record per partition (as one batch) and applies the
 * offsets once the batch is durable; OffsetFetch reads them (reporting UNSTABLE_OFFSET_COMMIT for
 * partitions with a commit in flight when the client requires stable offsets); OffsetDelete and
 * retention write tombstones. The group's membership checks happen before, in {@link
 * GroupCoordinator}.
 *
 * <p>Not thread-safe: runs on the request handler thread.
 */
final class OffsetManager {
    private static final UUID ZERO = new UUID(0, 0);

    private final GroupConfig config;
    private final Time time;
    private final GroupLog log;
    private final Supplier<MetadataImage> image;

    OffsetManager(GroupConfig config, Time time, GroupLog log, Supplier<MetadataImage> image) {
        this.config = config;
        this.time = time;
        this.log = log;
        this.image = image;
    }

    /** One partition of a commit being written. */
    private record Pending(
            TopicPartitionKey tp, OffsetAndMetadata offset, OffsetCommitResponseData.OffsetCommitResponsePartition r) {}

    /**
     * Writes the offsets of a validated commit and answers once they are durable. Partitions of
     * unknown topics get UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID in v10), too large metadata
     * OFFSET_METADATA_TOO_LARGE; the rest are written as one batch.
     *
     * @param current gives, when the write completes, the live group of that id to apply the
     *     offsets to (it may have been replaced by a group of the other type meanwhile), or null
     *     when it was deleted
     */
    void commit(
            Group group,
            OffsetCommitRequestData r,
            short version,
            Supplier<Group> current,
            Consumer<OffsetCommitResponseData> done) {
        MetadataImage img = image.get();
        long now = time.milliseconds();
        long expire = version <= 4 && r.retentionTimeMs() != -1 ? now + r.retentionTimeMs() : -1;
        OffsetCommitResponseData response = new OffsetCommitResponseData().setThrottleTimeMs(0);
        List<Pending> pending = new ArrayList<>();
        List<GroupRecords.Entry> entries = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : r.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic()
                            .setName(version >= 10 ? "" : t.name())
                            .setTopicId(version >= 10 ? t.topicId() : ZERO);
            response.topics().add(rt);
            Optional<TopicImage> topic = version >= 10
                    ? Optional.ofNullable(t.topicId()).flatMap(img::topic)
                    : Optional.ofNullable(t.name()).flatMap(img::topic);
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                OffsetCommitResponseData.OffsetCommitResponsePartition rp =
                        new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                rt.partitions().add(rp);
                if (topic.isEmpty()) {
                    rp.setErrorCode(
                            (version >= 10 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                    continue;
                }
                if (p.partitionIndex() < 0 || p.partitionIndex() >= topic.get().partitionCount()) {
                    rp.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                if (metadata.getBytes(StandardCharsets.UTF_8).length > config.offsetMetadataMaxBytes()) {
                    rp.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
                    continue;
                }
                TopicPartitionKey tp = new TopicPartitionKey(topic.get().name(), p.partitionIndex());
                OffsetAndMetadata o =
                        new OffsetAndMetadata(p.committedOffset(), p.committedLeaderEpoch(), metadata, now, expire);
                entries.add(GroupRecords.offset(group.groupId(), tp, o));
                pending.add(new Pending(tp, o, rp));
            }
        }
        if (entries.isEmpty()) {
            done.accept(response);
            return;
        }
        for (Pending p : pending) {
            group.addPendingCommit(p.tp());
        }
        log.append(group.partition(), entries, error -> {
            Errors mapped = GroupLog.offsetError(error);
            // A deleted group wrote tombstones for these partitions after this batch: keep them gone.
            Group live = group.isDead() ? null : current.get();
            for (Pending p : pending) {
                group.removePendingCommit(p.tp());
                if (mapped == Errors.NONE) {
                    if (live != null) {
                        live.offsets.put(p.tp(), p.offset());
                    }
                    p.r().setErrorCode(Errors.NONE.code());
                } else {
                    p.r().setErrorCode(mapped.code());
                }
            }
            done.accept(response);
        });
    }

    /**
     * Writes the offsets of a validated TxnOffsetCommit as one transactional batch of the
     * producer; once durable they are pending in the group until the transaction's marker
     * reaches the partition (applied on COMMIT, dropped on ABORT). Partitions of unknown topics
     * get UNKNOWN_TOPIC_OR_PARTITION, too large metadata OFFSET_METADATA_TOO_LARGE.
     */
    void commitTransactional(
            Group group,
            TxnOffsetCommitRequestData r,
            short version,
            Supplier<Group> current,
            Consumer<TxnOffsetCommitResponseData> done) {
        MetadataImage img = image.get();
        long now = time.milliseconds();
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData().setThrottleTimeMs(0);
        List<TxnPending> pending = new ArrayList<>();
        List<GroupRecords.Entry> entries = new ArrayList<>();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : r.topics()) {
            TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic rt =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic()
                            .setName(version >= 6 ? "" : t.name())
                            .setTopicId(version >= 6 ? t.topicId() : ZERO);
            response.topics().add(rt);
            Optional<TopicImage> topic = version >= 6
                    ? Optional.ofNullable(t.topicId()).flatMap(img::topic)
                    : Optional.ofNullable(t.name()).flatMap(img::topic);
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition rp =
                        new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                rt.partitions().add(rp);
                if (topic.isEmpty()
                        || p.partitionIndex() < 0
                        || p.partitionIndex() >= topic.get().partitionCount()) {
                    rp.setErrorCode((version >= 6 && topic.isEmpty()
                                    ? Errors.UNKNOWN_TOPIC_ID
                                    : Errors.UNKNOWN_TOPIC_OR_PARTITION)
                            .code());
                    continue;
                }
                String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                if (metadata.getBytes(StandardCharsets.UTF_8).length > config.offsetMetadataMaxBytes()) {
                    rp.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
                    continue;
                }
                TopicPartitionKey tp = new TopicPartitionKey(topic.get().name(), p.partitionIndex());
                OffsetAndMetadata o =
                        new OffsetAndMetadata(p.committedOffset(), p.committedLeaderEpoch(), metadata, now, -1);
                entries.add(GroupRecords.offset(group.groupId(), tp, o));
                pending.add(new TxnPending(tp, o, rp));
            }
        }
        if (entries.isEmpty()) {
            done.accept(response);
            return;
        }
        log.appendTransactional(group.partition(), r.producerId(), r.producerEpoch(), entries, error -> {
            Errors mapped = GroupLog.offsetError(error);
            Group live = group.isDead() ? null : current.get();
            for (TxnPending p : pending) {
                if (mapped == Errors.NONE && live != null) {
                    live.addPendingTxnOffset(r.producerId(), p.tp(), p.offset());
                }
                p.r().setErrorCode(mapped.code());
            }
            done.accept(response);
        });
    }

    /** One partition of a transactional commit being written. */
    private record TxnPending(
            TopicPartitionKey tp,
            OffsetAndMetadata offset,
            TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition r) {}

    /**
     * The committed offsets of a group (null when it does not exist) in the v8+ response shape.
     *
     * @param topics the requested topics, or null for every committed offset
     * @param useTopicIds v10+: topics are named by id in the request and the response
     */
    OffsetFetchResponseData.OffsetFetchResponseGroup fetch(
            Group group,
            String groupId,
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics,
            boolean requireStable,
            boolean useTopicIds) {
        MetadataImage img = image.get();
        OffsetFetchResponseData.OffsetFetchResponseGroup out =
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(groupId);
        if (topics == null) {
            if (group == null) {
                return out;
            }
            Map<String, Map<Integer, OffsetAndMetadata>> byTopic = new TreeMap<>();
            group.offsets.forEach((tp, o) ->
                    byTopic.computeIfAbsent(tp.topic(), k -> new TreeMap<>()).put(tp.partition(), o));
            if (requireStable) {
                java.util.Set<TopicPartitionKey> unsettled = new java.util.HashSet<>(group.pendingCommits.keySet());
                group.pendingTxnOffsets.values().forEach(txn -> unsettled.addAll(txn.keySet()));
                for (TopicPartitionKey tp : unsettled) {
                    byTopic.computeIfAbsent(tp.topic(), k -> new TreeMap<>()).putIfAbsent(tp.partition(), null);
                }
            }
            byTopic.forEach((name, partitions) -> {
                OffsetFetchResponseData.OffsetFetchResponseTopics rt =
                        new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(name);
                if (useTopicIds) {
                    Optional<TopicImage> t = img.topic(name);
                    if (t.isEmpty()) {
                        return; // deleted topic: it has no id to report
                    }
                    rt.setTopicId(t.get().id());
                }
                partitions.forEach((p, o) ->
                        rt.partitions().add(partition(group, new TopicPartitionKey(name, p), p, requireStable)));
                out.topics().add(rt);
            });
            return out;
        }
        for (OffsetFetchRequestData.OffsetFetchRequestTopics t : topics) {
            OffsetFetchResponseData.OffsetFetchResponseTopics rt =
                    new OffsetFetchResponseData.OffsetFetchResponseTopics();
            out.topics().add(rt);
            String name;
            if (useTopicIds) {
                rt.setTopicId(t.topicId());
                TopicImage topic = t.topicId() == null ? null : img.topicsById().get(t.topicId());
                if (topic == null) {
                    for (int p : t.partitionIndexes()) {
                        rt.partitions()
                                .add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                                        .setPartitionIndex(p)
                                        .setCommittedOffset(-1)
                                        .setCommittedLeaderEpoch(-1)
                                        .setMetadata("")
                                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                    }
                    continue;
                }
                name = topic.name();
            } else {
                name = t.name();
                rt.setName(name);
            }
            for (int p : t.partitionIndexes()) {
                rt.partitions().add(partition(group, new TopicPartitionKey(name, p), p, requireStable));
            }
        }
        return out;
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(
            Group group, TopicPartitionKey tp, int index, boolean requireStable) {
        OffsetFetchResponseData.OffsetFetchResponsePartitions rp =
                new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                        .setPartitionIndex(index)
                        .setCommittedOffset(-1)
                        .setCommittedLeaderEpoch(-1)
                        .setMetadata("")
                        .setErrorCode(Errors.NONE.code());
        if (group == null) {
            return rp;
        }
        if (requireStable && group.hasPendingCommit(tp)) {
            return rp.setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code());
        }
        OffsetAndMetadata o = group.offsets.get(tp);
        if (o != null) {
            rp.setCommittedOffset(o.offset())
                    .setCommittedLeaderEpoch(o.leaderEpoch())
                    .setMetadata(o.metadata() == null ? "" : o.metadata());
        }
        return rp;
    }

    /**
     * OffsetDelete for an existing group: partitions of topics the group subscribes to are
     * refused (GROUP_SUBSCRIBED_TO_TOPIC), the others' offsets are deleted with tombstones.
     */
    void delete(Group group, OffsetDeleteRequestData r, Consumer<OffsetDeleteResponseData> done) {
        MetadataImage img = image.get();
        OffsetDeleteResponseData response =
                new OffsetDeleteResponseData().setErrorCode(Errors.NONE.code()).setThrottleTimeMs(0);
        List<TopicPartitionKey> deleted = new ArrayList<>();
        List<GroupRecords.Entry> entries = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : r.topics()) {
            OffsetDeleteResponseData.OffsetDeleteResponseTopic rt =
                    new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
            response.topics().add(rt);
            Optional<TopicImage> topic = img.topic(t.name());
            boolean subscribed = group.isSubscribedTo(t.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                OffsetDeleteResponseData.OffsetDeleteResponsePartition rp =
                        new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                rt.partitions().add(rp);
                if (topic.isEmpty()
                        || p.partitionIndex() < 0
                        || p.partitionIndex() >= topic.get().partitionCount()) {
                    rp.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (subscribed) {
                    rp.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
                } else {
                    rp.setErrorCode(Errors.NONE.code());
                    TopicPartitionKey tp = new TopicPartitionKey(t.name(), p.partitionIndex());
                    if (group.offsets.containsKey(tp)) {
                        entries.add(GroupRecords.offsetTombstone(group.groupId(), tp));
                        deleted.add(tp);
                    }
                }
            }
        }
        if (entries.isEmpty()) {
            done.accept(response);
            return;
        }
        log.append(group.partition(), entries, error -> {
            Errors mapped = GroupLog.groupError(error);
            if (mapped == Errors.NONE) {
                deleted.forEach(group.offsets::remove);
                done.accept(response);
            } else {
                done.accept(new OffsetDeleteResponseData().setErrorCode(mapped.code()));
            }
        });
    }

    /**
     * Removes the offsets of an empty group that outlived {@code offsets.retention.minutes} since
     * the later of their commit and the group becoming empty (or their v2-4 expiry time).
     *
     * @return the tombstones to write (the offsets are already gone from memory)
     */
    List<GroupRecords.Entry> expire(Group group, long nowMs) {
        List<GroupRecords.Entry> tombstones = new ArrayList<>();
        if (!group.hasNoMembers()) {
            return tombstones;
        }
        for (Map.Entry<TopicPartitionKey, OffsetAndMetadata> e : List.copyOf(group.offsets.entrySet())) {
            if (group.hasPendingCommit(e.getKey())) {
                continue;
            }
            OffsetAndMetadata o = e.getValue();
            long expireAt = o.expireTimestamp() != -1
                    ? o.expireTimestamp()
                    : Math.max(o.commitTimestamp(), group.emptySinceMs) + config.offsetsRetentionMs();
            if (nowMs >= expireAt) {
                group.offsets.remove(e.getKey());
                tombstones.add(GroupRecords.offsetTombstone(group.groupId(), e.getKey()));
            }
        }
        return tombstones;
    }
}

package io.tributary.kernel.group;

import io.tributary.kernel.partition.TopicPartitionKey;
import java.util.HashMap;
import java.util.Map;

/**
 * A group known to the coordinator: a classic group (JoinGroup/SyncGroup, or only committed
 * offsets) or a consumer-protocol group (KIP-848). Both hold committed offsets.
 *
 * <p>Not thread-safe: confined to the request handler thread, like all coordinator state.
 */
public abstract sealed class Group permits ClassicGroup, ConsumerGroup {
    private final String groupId;
    private final int partition;
    /** Durable committed offsets (applied once their record is written). */
    final Map<TopicPartitionKey, OffsetAndMetadata> offsets = new HashMap<>();
    /** Commits written but not yet durable, by partition (for require_stable). */
    final Map<TopicPartitionKey, Integer> pendingCommits = new HashMap<>();
    /**
     * Offsets committed in transactions not decided yet, by producer id: applied when the
     * transaction's COMMIT marker reaches the group's partition, dropped on ABORT.
     */
    final Map<Long, Map<TopicPartitionKey, OffsetAndMetadata>> pendingTxnOffsets = new HashMap<>();
    /** When the group last became empty (no members), for offset retention; -1 while it has members. */
    long emptySinceMs;

    Group(String groupId, int partition, long nowMs) {
        this.groupId = groupId;
        this.partition = partition;
        this.emptySinceMs = nowMs;
    }

    public String groupId() {
        return groupId;
    }

    /** The {@code __consumer_offsets} partition that holds the group's records. */
    public int partition() {
        return partition;
    }

    /** {@code classic} or {@code consumer}, as ListGroups reports the type. */
    public abstract String type();

    /** The state name as DescribeGroups and ListGroups report it. */
    public abstract String stateName();

    /** The protocol type ({@code consumer} for consumer groups; empty for offset-only groups). */
    public abstract String protocolType();

    /** True when no member belongs to the group. */
    public abstract boolean hasNoMembers();

    /** True once the group was deleted (it answers like a missing group). */
    public abstract boolean isDead();

    /**
     * True when some member subscribes to {@code topic}, or when subscriptions are unknown (a
     * classic group whose protocol is not the consumer protocol), so that its offsets are kept.
     */
    public abstract boolean isSubscribedTo(String topic);

    public Map<TopicPartitionKey, OffsetAndMetadata> offsets() {
        return offsets;
    }

    /** True when a commit of {@code tp} is in flight or in an undecided transaction (require_stable). */
    boolean hasPendingCommit(TopicPartitionKey tp) {
        if (pendingCommits.containsKey(tp)) {
            return true;
        }
        for (Map<TopicPartitionKey, OffsetAndMetadata> txn : pendingTxnOffsets.values()) {
            if (txn.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    /** True when some commit, plain or transactional, is not settled yet. */
    boolean hasPendingCommits() {
        return !pendingCommits.isEmpty() || !pendingTxnOffsets.isEmpty();
    }

    /** Takes over the committed and the undecided transactional offsets of a group this one replaces. */
    void takeOffsetsOf(Group previous) {
        offsets.putAll(previous.offsets);
        previous.pendingTxnOffsets.forEach((producerId, pending) -> pendingTxnOffsets
                .computeIfAbsent(producerId, id -> new HashMap<>())
                .putAll(pending));
    }

    /** Records offsets of the undecided transaction of {@code producerId}. */
    void addPendingTxnOffset(long producerId, TopicPartitionKey tp, OffsetAndMetadata offset) {
        pendingTxnOffsets.computeIfAbsent(producerId, id -> new HashMap<>()).put(tp, offset);
    }

    /**
     * Settles the transaction of {@code producerId}: its offsets become the committed ones on a
     * commit, and are forgotten on an abort.
     *
     * @return how many offsets were applied
     */
    int completeTransaction(long producerId, boolean commit) {
        Map<TopicPartitionKey, OffsetAndMetadata> pending = pendingTxnOffsets.remove(producerId);
        if (pending == null || !commit) {
            return 0;
        }
        offsets.putAll(pending);
        return pending.size();
    }

    void addPendingCommit(TopicPartitionKey tp) {
        pendingCommits.merge(tp, 1, Integer::sum);
    }

    void removePendingCommit(TopicPartitionKey tp) {
        pendingCommits.computeIfPresent(tp, (k, n) -> n <= 1 ? null : n - 1);
    }

    void becameEmpty(long nowMs) {
        emptySinceMs = nowMs;
    }

    void gotMembers() {
        emptySinceMs = -1;
    }
}

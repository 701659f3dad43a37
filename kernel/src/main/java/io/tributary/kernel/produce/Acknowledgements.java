package io.tributary.kernel.produce;

import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.purgatory.DelayedOperation;
import io.tributary.kernel.purgatory.Purgatory;
import io.tributary.spi.plugin.Time;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * When an append may be acknowledged: after the logs that sync every append ({@code
 * flush.messages=1}) are durable, and, for acks=all, once the high watermark covers it. Every
 * writer of partitions goes through here — client produce, coordinator records, transaction
 * markers — so the flush policy and group commit are the same for all of them: the syncs
 * requested during a ring batch are done together at its end, on the sync stage, and many
 * appends share one sync per log.
 *
 * <p>Threading: the request handler thread only; callbacks run there too.
 */
public final class Acknowledgements implements AutoCloseable {
    private final SyncStage<Partition> syncStage;
    private final Executor handlerExecutor;
    private final Time time;
    private final Purgatory<TopicPartitionKey> waitingForReplicas;
    /** Logs appended to in this ring batch whose flush policy asks for a sync. */
    private final Set<Partition> toSync = new LinkedHashSet<>();
    /** Callbacks waiting for the end of this ring batch's syncs. */
    private final List<Runnable> afterSyncs = new ArrayList<>();
    /** Failed syncs of the batch being completed, for the callbacks above. */
    private Set<Partition> lastFailed = Set.of();

    public Acknowledgements(
            SyncStage<Partition> syncStage, Executor handlerExecutor, ScheduledThreadPoolExecutor timer, Time time) {
        this.syncStage = syncStage;
        this.handlerExecutor = handlerExecutor;
        this.time = time;
        this.waitingForReplicas = new Purgatory<>("acks", timer, handlerExecutor);
    }

    /**
     * Counts an append for the partition's flush policy (flush.messages) and its producer-state
     * snapshots.
     */
    public void appended(Partition partition, int records, int bytes) {
        partition.noteAppended(records, bytes);
        if (partition.needsSync()) {
            toSync.add(partition);
        }
    }

    /**
     * Asks for a sync of the partition at the end of this ring batch without a new append (a
     * retried batch whose first sync is still under way).
     */
    public void requestSync(Partition partition) {
        toSync.add(partition);
    }

    /**
     * Runs {@code then} once every log among {@code partitions} that must be durable before an
     * answer is: at the end of the current ring batch, after its group-committed sync. A log must
     * be when it syncs every append ({@code flush.messages=1}) or when this batch reached its
     * {@code flush.messages} (Kafka flushes inside that append). With no such log {@code then}
     * runs right away. It receives the partitions whose sync failed.
     */
    public void afterSync(Collection<Partition> partitions, Consumer<Set<Partition>> then) {
        boolean mustWait = false;
        for (Partition p : partitions) {
            if (mustSync(p)) {
                mustWait = true;
                break;
            }
        }
        afterSync(mustWait, then);
    }

    /**
     * {@link #afterSync(Collection, Consumer)} for one partition (the broker's own appends). A
     * method of its own, so the collection loop above sees one list type, the produce path's.
     */
    public void afterSync(Partition partition, Consumer<Set<Partition>> then) {
        afterSync(mustSync(partition), then);
    }

    private boolean mustSync(Partition p) {
        return p.config().log().syncEveryAppend() || toSync.contains(p);
    }

    private void afterSync(boolean mustWait, Consumer<Set<Partition>> then) {
        if (!mustWait) {
            then.accept(Set.of());
            return;
        }
        afterSyncs.add(() -> then.accept(lastFailed));
    }

    /**
     * Runs {@code then} once each partition's high watermark reaches its required offset (one past
     * the last appended offset), or after {@code timeoutMs} with {@code true} (expired).
     */
    public void afterReplication(Map<Partition, Long> required, long timeoutMs, Consumer<Boolean> then) {
        if (required.isEmpty()) {
            then.accept(false);
            return;
        }
        List<TopicPartitionKey> keys = new ArrayList<>(required.size());
        for (Partition p : required.keySet()) {
            keys.add(p.key());
        }
        waitingForReplicas.tryCompleteElseWatch(new Replicated(required, Math.max(0, timeoutMs), then), keys);
    }

    /** End of a ring batch: one sync per log that needs it, then the callbacks that waited. */
    public void endOfBatch() {
        if (toSync.isEmpty()) {
            if (!afterSyncs.isEmpty()) {
                runAfterSyncs(List.copyOf(afterSyncs), Set.of());
                afterSyncs.clear();
            }
            return;
        }
        List<Partition> partitions = List.copyOf(toSync);
        List<Runnable> waiting = List.copyOf(afterSyncs);
        toSync.clear();
        afterSyncs.clear();
        long now = time.nanoseconds();
        for (Partition p : partitions) {
            p.syncRequested(now);
        }
        syncStage.submit(partitions, failed -> handlerExecutor.execute(() -> runAfterSyncs(waiting, failed)));
    }

    private void runAfterSyncs(List<Runnable> callbacks, Set<Partition> failed) {
        lastFailed = failed;
        try {
            callbacks.forEach(Runnable::run);
        } finally {
            lastFailed = Set.of();
        }
    }

    /** Lets appends waiting for replicas re-check after a high watermark moved. */
    public void onHighWatermark(Partition partition) {
        waitingForReplicas.checkAndComplete(partition.key());
    }

    /** Completes every wait as expired (shutdown). */
    @Override
    public void close() {
        waitingForReplicas.close();
    }

    private static final class Replicated extends DelayedOperation {
        private final Map<Partition, Long> required;
        private final Consumer<Boolean> then;

        Replicated(Map<Partition, Long> required, long timeoutMs, Consumer<Boolean> then) {
            super(timeoutMs);
            this.required = required;
            this.then = then;
        }

        @Override
        protected boolean tryComplete() {
            for (Map.Entry<Partition, Long> e : required.entrySet()) {
                if (e.getKey().highWatermark() < e.getValue()) {
                    return false;
                }
            }
            return forceComplete();
        }

        @Override
        protected void onComplete(boolean expired) {
            then.accept(expired);
        }
    }
}

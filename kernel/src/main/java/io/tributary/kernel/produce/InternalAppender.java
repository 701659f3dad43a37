package io.tributary.kernel.produce;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.purgatory.DelayedOperation;
import io.tributary.kernel.purgatory.Purgatory;
import io.tributary.protocol.Errors;
import io.tributary.protocol.record.RecordBatch;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.replication.ReplicationManager;
import io.tributary.spi.storage.AppendResult;
import io.tributary.spi.storage.RecordBatchTooLargeException;
import io.tributary.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends record batches that the broker builds itself (coordinator records in {@code
 * __consumer_offsets} and {@code __transaction_state}, transaction markers) to a partition it leads, through the same steps as a produce request with
 * {@code acks=all}: append as leader with the partition's leader epoch, the flush policy (a topic
 * with {@code flush.messages=1} is synced first, sharing the ring batch's group commit), the
 * replication manager, and an answer once the high watermark covers the batch.
 *
 * <p>Threading: every method runs on the request handler thread, the partitions' single writer.
 * {@code done} callbacks run there too, possibly before {@link #append} returns (a single replica
 * moves the high watermark during the append).
 */
public final class InternalAppender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InternalAppender.class);

    /**
     * What became of an append.
     *
     * @param error NONE once the batch is durable and replicated; otherwise why not (the batch may
     *     still be in the log: a timeout does not remove it)
     * @param firstOffset the batch's base offset, or -1 when it was not appended
     * @param lastOffset the batch's last offset, or -1 when it was not appended
     */
    public record Outcome(Errors error, long firstOffset, long lastOffset) {
        static Outcome failed(Errors error) {
            return new Outcome(error, -1, -1);
        }
    }

    private final int nodeId;
    private final ReplicationManager replication;
    private final SyncStage syncStage;
    private final Executor handlerExecutor;
    private final Time time;
    private final Purgatory<TopicPartitionKey> waitingForReplicas;
    private final Set<Partition> toSync = new LinkedHashSet<>();
    private final List<PendingAppend> waitingForSync = new ArrayList<>();

    public InternalAppender(
            int nodeId,
            ReplicationManager replication,
            SyncStage syncStage,
            ScheduledThreadPoolExecutor timer,
            Executor handlerExecutor,
            Time time) {
        this.nodeId = nodeId;
        this.replication = replication;
        this.syncStage = syncStage;
        this.handlerExecutor = handlerExecutor;
        this.time = time;
        this.waitingForReplicas = new Purgatory<>("internal-append", timer, handlerExecutor);
    }

    /**
     * Appends one batch built with {@link io.tributary.protocol.record.RecordBatchBuilder} (its
     * base offset and leader epoch are assigned here). The bytes are copied into the log before
     * this method returns; the caller keeps ownership of {@code batch}.
     *
     * @param timeoutMs how long to wait for the replicas before answering REQUEST_TIMED_OUT
     * @param done called once on the handler thread with the outcome
     */
    public void append(Partition partition, ByteBuf batch, long timeoutMs, Consumer<Outcome> done) {
        append(partition, batch, timeoutMs, result -> {}, done);
    }

    /**
     * {@link #append(Partition, ByteBuf, long, Consumer)} with a step run right after the batch is
     * in the log, before anything else can append to the partition or the replicas hear of it: for
     * state that must move with the log, append by append (the producer state of a transaction
     * marker or of a transactional batch, the last stable offset).
     *
     * @param onAppended called once on the handler thread, only when the batch was appended
     */
    public void append(
            Partition partition,
            ByteBuf batch,
            long timeoutMs,
            Consumer<AppendResult> onAppended,
            Consumer<Outcome> done) {
        if (!partition.isLeader(nodeId)) {
            done.accept(Outcome.failed(Errors.NOT_LEADER_OR_FOLLOWER));
            return;
        }
        if (partition.image().isr().size() < partition.config().minInsyncReplicas()) {
            done.accept(Outcome.failed(Errors.NOT_ENOUGH_REPLICAS));
            return;
        }
        RecordBatch wrapped = RecordBatch.wrap(batch, batch.readerIndex());
        AppendResult result;
        try {
            result = partition
                    .log()
                    .appendAsLeader(
                            batch.nioBuffer(batch.readerIndex(), batch.readableBytes()), partition.leaderEpoch());
        } catch (RecordBatchTooLargeException e) {
            done.accept(Outcome.failed(Errors.RECORD_LIST_TOO_LARGE));
            return;
        } catch (StorageException e) {
            LOG.error("Internal append to {} failed", partition, e);
            done.accept(Outcome.failed(Errors.KAFKA_STORAGE_ERROR));
            return;
        }
        onAppended.accept(result);
        partition.noteAppended(wrapped.recordsCount(), wrapped.sizeInBytes());
        boolean mustSync = partition.config().log().syncEveryAppend();
        if (partition.needsSync()) {
            toSync.add(partition);
        }
        PendingAppend pending = new PendingAppend(partition, result, timeoutMs, done);
        replication.onLeaderAppend(partition.id(), partition.log().logEndOffset());
        if (mustSync) {
            waitingForSync.add(pending);
        } else {
            pending.afterSync();
        }
    }

    /** End of a ring batch: one sync for every log that needs one, then the waiting appends go on. */
    public void endOfBatch() {
        if (toSync.isEmpty()) {
            if (!waitingForSync.isEmpty()) {
                List<PendingAppend> waiting = List.copyOf(waitingForSync);
                waitingForSync.clear();
                waiting.forEach(PendingAppend::afterSync);
            }
            return;
        }
        List<Partition> partitions = List.copyOf(toSync);
        List<PendingAppend> waiting = List.copyOf(waitingForSync);
        toSync.clear();
        waitingForSync.clear();
        for (Partition p : partitions) {
            p.syncRequested(time.nanoseconds());
        }
        syncStage.submit(
                partitions,
                failed -> handlerExecutor.execute(() -> {
                    for (PendingAppend p : waiting) {
                        if (failed.contains(p.partition)) {
                            p.failed = Errors.KAFKA_STORAGE_ERROR;
                        }
                        p.afterSync();
                    }
                }));
    }

    /** Lets appends waiting for replicas re-check after a high watermark moved. */
    public void onHighWatermark(Partition partition) {
        waitingForReplicas.checkAndComplete(partition.key());
    }

    /** Answers every waiting append as timed out (shutdown). */
    @Override
    public void close() {
        waitingForReplicas.close();
    }

    private final class PendingAppend extends DelayedOperation {
        private final Partition partition;
        private final AppendResult result;
        private final Consumer<Outcome> done;
        private Errors failed;

        PendingAppend(Partition partition, AppendResult result, long timeoutMs, Consumer<Outcome> done) {
            super(Math.max(0, timeoutMs));
            this.partition = partition;
            this.result = result;
            this.done = done;
        }

        void afterSync() {
            if (failed != null) {
                forceComplete();
                return;
            }
            waitingForReplicas.tryCompleteElseWatch(this, List.of(partition.key()));
        }

        @Override
        protected boolean tryComplete() {
            if (partition.highWatermark() <= result.lastOffset()) {
                return false;
            }
            return forceComplete();
        }

        @Override
        protected void onComplete(boolean expired) {
            Errors error = failed;
            if (error == null && partition.highWatermark() <= result.lastOffset()) {
                error = partition.isLeader(nodeId) ? Errors.REQUEST_TIMED_OUT : Errors.NOT_LEADER_OR_FOLLOWER;
            }
            if (error == null) {
                done.accept(new Outcome(Errors.NONE, result.firstOffset(), result.lastOffset()));
            } else {
                done.accept(new Outcome(error, result.firstOffset(), result.lastOffset()));
            }
        }
    }
}

package io.tributary.kernel.produce;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tributary.kernel.partition.Partition;
import io.tributary.protocol.Errors;
import io.tributary.protocol.record.RecordBatch;
import io.tributary.protocol.record.RecordBatchBuilder;
import io.tributary.spi.replication.ReplicationManager;
import io.tributary.spi.storage.AppendResult;
import io.tributary.spi.storage.RecordBatchTooLargeException;
import io.tributary.spi.storage.StorageException;
import java.util.Map;
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
public final class InternalAppender {
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
    private final Acknowledgements acknowledgements;

    public InternalAppender(int nodeId, ReplicationManager replication, Acknowledgements acknowledgements) {
        this.nodeId = nodeId;
        this.replication = replication;
        this.acknowledgements = acknowledgements;
    }

    /**
     * Builds the batch (its base offset and leader epoch are assigned here) and appends it. The
     * bytes are copied into the log before this method returns.
     *
     * <p>The batch is built into a direct buffer of Netty's default allocator, the kind produce
     * requests arrive in: a heap buffer reaching the log's append path would fail the type checks
     * the JIT compiled that path with, and the compiled path would be thrown away.
     *
     * @param timeoutMs how long to wait for the replicas before answering REQUEST_TIMED_OUT
     * @param done called once on the handler thread with the outcome
     */
    public void append(Partition partition, RecordBatchBuilder batch, long timeoutMs, Consumer<Outcome> done) {
        append(partition, batch, timeoutMs, result -> {}, done);
    }

    /**
     * {@link #append(Partition, RecordBatchBuilder, long, Consumer)} with a step run right after
     * the batch is in the log, before anything else can append to the partition or the replicas
     * hear of it: for state that must move with the log, append by append (the producer state of a
     * transaction marker or of a transactional batch, the last stable offset).
     *
     * @param onAppended called once on the handler thread, only when the batch was appended
     */
    public void append(
            Partition partition,
            RecordBatchBuilder batch,
            long timeoutMs,
            Consumer<AppendResult> onAppended,
            Consumer<Outcome> done) {
        ByteBuf built = batch.build(ByteBufAllocator.DEFAULT);
        try {
            appendBuilt(partition, built, timeoutMs, onAppended, done);
        } finally {
            built.release();
        }
    }

    private void appendBuilt(
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
        acknowledgements.appended(partition, wrapped.recordsCount(), wrapped.sizeInBytes());
        replication.onLeaderAppend(partition.id(), partition.log().logEndOffset());
        acknowledgements.afterSync(partition, failed -> {
            if (failed.contains(partition)) {
                done.accept(new Outcome(Errors.KAFKA_STORAGE_ERROR, result.firstOffset(), result.lastOffset()));
                return;
            }
            acknowledgements.afterReplication(Map.of(partition, result.lastOffset() + 1), timeoutMs, expired -> {
                Errors error = Errors.NONE;
                if (partition.highWatermark() <= result.lastOffset()) {
                    error = partition.isLeader(nodeId) ? Errors.REQUEST_TIMED_OUT : Errors.NOT_LEADER_OR_FOLLOWER;
                }
                done.accept(new Outcome(error, result.firstOffset(), result.lastOffset()));
            });
        });
    }
}

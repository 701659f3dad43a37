package io.tributary.kernel.txn;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.ProducerStateTable;
import io.tributary.protocol.Errors;
import io.tributary.protocol.record.EndTxnMarker;
import io.tributary.protocol.record.RecordBatchBuilder;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.replication.ReplicationManager;
import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.AppendResult;
import io.tributary.spi.storage.StorageException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes transaction markers (control batches that commit or abort a producer's transaction) into
 * a partition, closes the transaction in the partition's producer state, records aborted ones in
 * the log's aborted-transaction index and moves the last stable offset. Handler thread only: it
 * is the partition's single writer.
 */
public final class TxnMarkerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(TxnMarkerWriter.class);

    private final ReplicationManager replication;
    private final Time time;

    public TxnMarkerWriter(ReplicationManager replication, Time time) {
        this.replication = replication;
        this.time = time;
    }

    /**
     * Appends a COMMIT or ABORT marker for {@code producerId}.
     *
     * @return NONE, or why the marker was refused (a stale producer or coordinator epoch) or not
     *     stored (KAFKA_STORAGE_ERROR)
     */
    public Errors write(Partition partition, long producerId, short epoch, int coordinatorEpoch, boolean commit) {
        ProducerStateTable producers = partition.producers();
        Optional<ProducerStateTable.Reject> reject = producers.checkMarker(producerId, epoch, coordinatorEpoch);
        if (reject.isPresent()) {
            return Errors.valueOf(reject.get().reason().name());
        }
        long now = time.milliseconds();
        ByteBuf marker = RecordBatchBuilder.endTxnMarker(
                        commit ? EndTxnMarker.commit(coordinatorEpoch) : EndTxnMarker.abort(coordinatorEpoch),
                        producerId,
                        epoch,
                        now)
                .build();
        AppendResult result;
        try {
            result = partition.log().appendAsLeader(marker.nioBuffer(), partition.leaderEpoch());
        } catch (StorageException e) {
            LOG.error("Writing a transaction marker to {} failed", partition, e);
            return Errors.KAFKA_STORAGE_ERROR;
        } finally {
            marker.release();
        }
        Optional<ProducerStateTable.CompletedTxn> done =
                producers.completeTxn(producerId, epoch, coordinatorEpoch, result.lastOffset(), now, commit);
        partition.refreshStableOffset();
        if (done.isPresent() && done.get().aborted()) {
            ProducerStateTable.CompletedTxn txn = done.get();
            long lastStable = producers.firstUnstableOffset().orElse(result.lastOffset() + 1);
            partition
                    .log()
                    .appendAbortedTransaction(
                            new AbortedTxn(producerId, txn.firstOffset(), txn.lastOffset(), lastStable));
        }
        replication.onLeaderAppend(partition.id(), partition.log().logEndOffset());
        return Errors.NONE;
    }
}

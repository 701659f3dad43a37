package io.tributary.kernel.txn;

import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.ProducerStateTable;
import io.tributary.kernel.produce.InternalAppender;
import io.tributary.protocol.Errors;
import io.tributary.protocol.record.EndTxnMarker;
import io.tributary.protocol.record.RecordBatchBuilder;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.storage.AbortedTxn;
import io.tributary.spi.storage.StorageException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes transaction markers (control batches that commit or abort a producer's transaction) into
 * a partition: refuses a marker whose producer or coordinator epoch went back, appends it through
 * {@link InternalAppender} (so it is synced and replicated like any {@code acks=all} append),
 * closes the transaction in the partition's producer state, records aborted ones in the log's
 * aborted-transaction index, moves the last stable offset and tells the {@link MarkerListener}s,
 * all before anything else can append to the partition.
 *
 * <p>Handler thread only: it is the partition's single writer.
 */
public final class TxnMarkerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(TxnMarkerWriter.class);

    /** Told when a marker is in a partition's log (the group coordinator settles transactional offsets). */
    @FunctionalInterface
    public interface MarkerListener {
        /** Called on the handler thread right after the marker was appended, before it is replicated. */
        void onMarker(Partition partition, long producerId, boolean commit);
    }

    /** How long a marker may wait for the replicas (Kafka's default request.timeout.ms). */
    static final long REPLICATION_TIMEOUT_MS = 30_000;

    private final InternalAppender appender;
    private final Time time;
    private final List<MarkerListener> listeners = new CopyOnWriteArrayList<>();

    public TxnMarkerWriter(InternalAppender appender, Time time) {
        this.appender = appender;
        this.time = time;
    }

    /** Adds a listener; add them before the broker serves requests. */
    public void addListener(MarkerListener listener) {
        listeners.add(listener);
    }

    /**
     * Appends a COMMIT or ABORT marker for {@code producerId}.
     *
     * @param done called once on the handler thread (possibly before this method returns): NONE
     *     once the marker is durable and replicated; INVALID_PRODUCER_EPOCH or
     *     TRANSACTION_COORDINATOR_FENCED when refused; otherwise the append error
     *     (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, KAFKA_STORAGE_ERROR)
     */
    public void write(
            Partition partition,
            long producerId,
            short epoch,
            int coordinatorEpoch,
            boolean commit,
            Consumer<Errors> done) {
        ProducerStateTable producers = partition.producers();
        Optional<ProducerStateTable.Reject> reject = producers.checkMarker(producerId, epoch, coordinatorEpoch);
        if (reject.isPresent()) {
            done.accept(Errors.valueOf(reject.get().reason().name()));
            return;
        }
        long now = time.milliseconds();
        RecordBatchBuilder marker = RecordBatchBuilder.endTxnMarker(
                commit ? EndTxnMarker.commit(coordinatorEpoch) : EndTxnMarker.abort(coordinatorEpoch),
                producerId,
                epoch,
                now);
        appender.append(
                partition,
                marker,
                REPLICATION_TIMEOUT_MS,
                result -> {
                    Optional<ProducerStateTable.CompletedTxn> closed = producers.completeTxn(
                            producerId, epoch, coordinatorEpoch, result.lastOffset(), now, commit);
                    partition.refreshStableOffset();
                    if (closed.isPresent() && closed.get().aborted()) {
                        ProducerStateTable.CompletedTxn txn = closed.get();
                        long lastStable = producers.firstUnstableOffset().orElse(result.lastOffset() + 1);
                        try {
                            partition
                                    .log()
                                    .appendAbortedTransaction(new AbortedTxn(
                                            producerId, txn.firstOffset(), txn.lastOffset(), lastStable));
                        } catch (StorageException e) {
                            // The marker is stored: a restart finds it and indexes the abort again.
                            LOG.error("Cannot index the aborted transaction of {} in {}", producerId, partition, e);
                        }
                    }
                    for (MarkerListener l : listeners) {
                        l.onMarker(partition, producerId, commit);
                    }
                },
                outcome -> done.accept(outcome.error()));
    }
}

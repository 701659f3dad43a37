package io.tributary.kernel.txn;

import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.protocol.Errors;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The coordinator's markers written by this broker into the partitions it leads, directly on the
 * handler thread through {@link TxnMarkerWriter}. A partition led elsewhere answers
 * NOT_LEADER_OR_FOLLOWER (the coordinator retries it) unless a {@link Remote} sender is given;
 * a partition whose topic is gone answers UNKNOWN_TOPIC_OR_PARTITION.
 *
 * <p>Handler thread only.
 */
public final class LocalMarkerSink implements MarkerSink {

    /** Sends markers for partitions led by other brokers (WriteTxnMarkers). */
    @FunctionalInterface
    public interface Remote {
        /** As {@link MarkerSink#write}, for partitions this broker does not lead. */
        void write(Markers markers, Consumer<Map<TopicPartitionKey, Errors>> done);
    }

    private final PartitionManager partitions;
    private final TxnMarkerWriter writer;
    private final Remote remote;

    /** @param remote the sender for other brokers' partitions, or null when there is none */
    public LocalMarkerSink(PartitionManager partitions, TxnMarkerWriter writer, Remote remote) {
        this.partitions = partitions;
        this.writer = writer;
        this.remote = remote;
    }

    @Override
    public void write(Markers markers, Consumer<Map<TopicPartitionKey, Errors>> done) {
        Map<TopicPartitionKey, Errors> results = new HashMap<>();
        java.util.Set<TopicPartitionKey> elsewhere = new java.util.HashSet<>();
        java.util.List<Partition> local = new java.util.ArrayList<>();
        for (TopicPartitionKey tp : markers.partitions()) {
            Optional<Partition> p = partitions.get(tp);
            if (p.isPresent() && p.get().isLeader(partitions.nodeId())) {
                local.add(p.get());
            } else if (partitions.image().topic(tp.topic()).isEmpty()) {
                results.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (remote != null) {
                elsewhere.add(tp);
            } else {
                results.put(tp, Errors.NOT_LEADER_OR_FOLLOWER);
            }
        }
        // Each write may answer before it returns: count down, and answer once everything did.
        int[] waiting = {local.size() + (elsewhere.isEmpty() ? 0 : 1) + 1};
        Runnable oneDone = () -> {
            if (--waiting[0] == 0) {
                done.accept(results);
            }
        };
        for (Partition p : local) {
            writer.write(
                    p,
                    markers.producerId(),
                    markers.producerEpoch(),
                    markers.coordinatorEpoch(),
                    markers.commit(),
                    e -> {
                        results.put(p.key(), e);
                        oneDone.run();
                    });
        }
        if (!elsewhere.isEmpty()) {
            remote.write(
                    new Markers(
                            markers.producerId(),
                            markers.producerEpoch(),
                            markers.coordinatorEpoch(),
                            markers.commit(),
                            markers.transactionVersion(),
                            elsewhere),
                    r -> {
                        results.putAll(r);
                        oneDone.run();
                    });
        }
        oneDone.run();
    }
}

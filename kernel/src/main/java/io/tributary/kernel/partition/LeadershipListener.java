package io.tributary.kernel.partition;

/**
 * Told when this broker gains or loses the leadership of a partition, so that coordinators whose
 * state lives in an internal topic (groups in {@code __consumer_offsets}, later transactions)
 * can load it by replaying the partition, or drop it.
 *
 * <p>Called on the request handler thread, after the partition manager has applied the metadata
 * image that caused the change (so {@link PartitionManager#image()} already reflects it). The
 * listener must not block; long work (replaying a large partition) goes in steps.
 */
public interface LeadershipListener {

    /**
     * This broker now leads {@code partition}: it was opened as leader (at start-up or creation),
     * or it was elected.
     */
    void onBecomeLeader(Partition partition);

    /**
     * This broker no longer leads {@code partition}: it became a follower, or the partition was
     * removed from this broker or closed at shutdown.
     */
    void onResign(Partition partition);
}

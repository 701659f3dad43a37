package io.tributary.kernel.purgatory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Parks {@link DelayedOperation}s under keys (a partition, a group) until a state change on a
 * key completes them or their timeout passes. Everything runs on the request handler thread:
 * watches and checks are called there, and timeouts are handed to it through {@code
 * handlerExecutor}. Not thread-safe otherwise.
 *
 * @param <K> what operations wait on
 */
public final class Purgatory<K> implements AutoCloseable {
    private final Map<K, List<DelayedOperation>> watchers = new HashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private final Executor handlerExecutor;
    private int watchedSinceLastPurge;

    public Purgatory(String name, ScheduledThreadPoolExecutor timer, Executor handlerExecutor) {
        this.timer = timer;
        this.handlerExecutor = handlerExecutor;
    }

    /**
     * Completes the operation now if it can; otherwise parks it under every key and arms its
     * timeout.
     *
     * @return true if it completed right away
     */
    public boolean tryCompleteElseWatch(DelayedOperation op, List<K> keys) {
        if (op.tryComplete()) {
            return true;
        }
        for (K key : keys) {
            watchers.computeIfAbsent(key, k -> new ArrayList<>()).add(op);
        }
        ScheduledFuture<?> handle =
                timer.schedule(() -> handlerExecutor.execute(() -> expire(op)), op.timeoutMs(), TimeUnit.MILLISECONDS);
        op.timeoutHandle = handle;
        if (++watchedSinceLastPurge > 1000) {
            purgeCompleted();
        }
        return false;
    }

    private void expire(DelayedOperation op) {
        op.complete(true);
    }

    /**
     * Gives every operation parked under {@code key} a chance to complete (after the state it
     * waits on changed).
     *
     * @return how many completed
     */
    public int checkAndComplete(K key) {
        List<DelayedOperation> ops = watchers.get(key);
        if (ops == null) {
            return 0;
        }
        int completed = 0;
        for (Iterator<DelayedOperation> it = ops.iterator(); it.hasNext(); ) {
            DelayedOperation op = it.next();
            if (op.isCompleted()) {
                it.remove();
            } else if (op.tryComplete()) {
                cancelTimeout(op);
                it.remove();
                completed++;
            }
        }
        if (ops.isEmpty()) {
            watchers.remove(key);
        }
        return completed;
    }

    /** Number of operations parked under a key, completed ones not yet purged included. */
    public int watched(K key) {
        List<DelayedOperation> ops = watchers.get(key);
        return ops == null ? 0 : ops.size();
    }

    private static void cancelTimeout(DelayedOperation op) {
        if (op.timeoutHandle instanceof ScheduledFuture<?> f) {
            f.cancel(false);
        }
    }

    private void purgeCompleted() {
        watchedSinceLastPurge = 0;
        for (Iterator<List<DelayedOperation>> it = watchers.values().iterator(); it.hasNext(); ) {
            List<DelayedOperation> ops = it.next();
            ops.removeIf(DelayedOperation::isCompleted);
            if (ops.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Completes every parked operation as expired (shutdown). */
    @Override
    public void close() {
        for (List<DelayedOperation> ops : watchers.values()) {
            for (DelayedOperation op : ops) {
                cancelTimeout(op);
                op.complete(true);
            }
        }
        watchers.clear();
    }
}

package io.tributary.kernel.purgatory;

/**
 * Work that waits for a condition (enough fetchable bytes, a high watermark, a rebalance) or a
 * timeout, whichever comes first. Completes exactly once. Confined to the request handler
 * thread: {@link Purgatory} calls every method there.
 */
public abstract class DelayedOperation {
    private final long timeoutMs;
    private boolean completed;
    Object timeoutHandle;

    protected DelayedOperation(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    public boolean isCompleted() {
        return completed;
    }

    /**
     * Checks the condition and, if it holds, completes the operation by calling {@link
     * #forceComplete()}.
     *
     * @return true if the operation is complete (now or before)
     */
    protected abstract boolean tryComplete();

    /** Does the operation's work: called once, when the condition holds or time is up. */
    protected abstract void onComplete(boolean expired);

    /** Completes now, whatever the condition. Returns false if it was already complete. */
    protected final boolean forceComplete() {
        return complete(false);
    }

    final boolean complete(boolean expired) {
        if (completed) {
            return false;
        }
        completed = true;
        if (!expired && timeoutHandle instanceof java.util.concurrent.Future<?> f) {
            f.cancel(false);
        }
        onComplete(expired);
        return true;
    }
}

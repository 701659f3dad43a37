package io.tributary.kernel.group;

import io.tributary.spi.plugin.Time;
import java.util.PriorityQueue;

/**
 * A clock that is also a coordinator's scheduler: time moves only when a test says so. The group
 * and transaction coordinator test kits share it. Not thread-safe.
 */
public final class ManualClock implements Time, Scheduler {
    private long nowMs = 1_000_000;
    private long sequence;
    private final PriorityQueue<Timed> tasks = new PriorityQueue<>();

    private final class Timed implements Comparable<Timed>, Task {
        final long dueMs;
        final long seq = sequence++;
        final Runnable task;
        boolean cancelled;

        Timed(long dueMs, Runnable task) {
            this.dueMs = dueMs;
            this.task = task;
        }

        @Override
        public int compareTo(Timed o) {
            return dueMs != o.dueMs ? Long.compare(dueMs, o.dueMs) : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000;
    }

    @Override
    public Task schedule(long delayMs, Runnable task) {
        Timed t = new Timed(nowMs + Math.max(0, delayMs), task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward, running every task that falls due (in due order). */
    public void advance(long ms) {
        long target = nowMs + ms;
        while (!tasks.isEmpty() && tasks.peek().dueMs <= target) {
            Timed t = tasks.poll();
            nowMs = Math.max(nowMs, t.dueMs);
            if (!t.cancelled) {
                t.task.run();
            }
        }
        nowMs = target;
    }

    /** Runs what is due now (tasks scheduled with no delay). */
    public void runDue() {
        advance(0);
    }
}

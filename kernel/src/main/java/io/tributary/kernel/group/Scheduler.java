package io.tributary.kernel.group;

import io.tributary.kernel.pipeline.RequestPipeline;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs coordinator timeouts (sessions, rebalances, pending syncs) on the request handler thread,
 * where all group state lives. Injected so that state-machine tests can drive time by hand.
 */
public interface Scheduler {

    /** A scheduled task; cancelling it on the handler thread guarantees it will not run. */
    interface Task {
        void cancel();
    }

    /** Runs {@code task} on the handler thread after {@code delayMs}. */
    Task schedule(long delayMs, Runnable task);

    /** The broker's scheduler: the shared timer thread hands due tasks to the request pipeline. */
    static Scheduler onPipeline(ScheduledThreadPoolExecutor timer, RequestPipeline pipeline) {
        return (delayMs, task) -> {
            HandlerTask t = new HandlerTask(task);
            try {
                t.future = timer.schedule(() -> pipeline.execute(t), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The broker is shutting down: the timeout would have nobody left to serve.
                t.cancel();
            }
            return t;
        };
    }

    /** Cancellation is decided on the handler thread, so a task already queued there still does nothing. */
    final class HandlerTask implements Task, Runnable {
        private final Runnable task;
        private volatile boolean cancelled;
        private volatile java.util.concurrent.Future<?> future;

        HandlerTask(Runnable task) {
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
            java.util.concurrent.Future<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        @Override
        public void run() {
            if (!cancelled) {
                task.run();
            }
        }
    }
}

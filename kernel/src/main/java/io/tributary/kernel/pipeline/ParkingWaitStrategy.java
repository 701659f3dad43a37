package io.tributary.kernel.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * The request ring's wait: the handler thread parks when the ring is empty, and a publisher
 * wakes it only when it is parked. Nothing spins (the broker shares its cores with everything
 * else on the machine), and a publish to a busy handler costs one volatile read.
 *
 * <p>Disruptor's {@code BlockingWaitStrategy} enters a monitor and calls {@code notifyAll} on
 * every publish, so a Netty event loop publishing a request could block on the monitor while
 * the handler or the other event loop held it, and waking the handler took the monitor's
 * hand-over on top of the wake-up itself. Here a wake-up is one {@link LockSupport#unpark}.
 *
 * <p>For a single consuming thread (the ring has one handler). The handler announces itself in
 * {@link #waiter} before it checks the cursor a last time and parks; a publisher advances the
 * cursor before it reads {@link #waiter}. Both are volatile, so either the handler sees the new
 * cursor or the publisher sees the handler and unparks it (an unpark before the park leaves a
 * permit, and the park returns at once). The ring's alert (its halt) wakes it the same way.
 */
final class ParkingWaitStrategy implements WaitStrategy {
    private volatile Thread waiter;

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException {
        if (cursor.get() < sequence) {
            Thread self = Thread.currentThread();
            while (cursor.get() < sequence) {
                barrier.checkAlert();
                waiter = self;
                if (cursor.get() < sequence && !barrier.isAlerted()) {
                    LockSupport.park(this);
                }
                waiter = null;
                // The ring stops its handler with an alert, never an interrupt. One that comes
                // anyway is cleared, or every park would return at once and the thread spin; it
                // is not thrown either: Disruptor's processor counts a wait that throws as an
                // event handled, and would skip the next request.
                Thread.interrupted();
            }
            // Once more after the cursor moved: an interrupt that came before the publish (and
            // after the last clear) is cleared too, so the handler never runs with it set.
            Thread.interrupted();
        }
        long available;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        Thread parked = waiter;
        if (parked != null) {
            LockSupport.unpark(parked);
        }
    }

    @Override
    public String toString() {
        return "ParkingWaitStrategy";
    }
}

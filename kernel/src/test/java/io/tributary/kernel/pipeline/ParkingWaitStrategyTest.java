package io.tributary.kernel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request ring's wait: no wake-up lost, halted by the ring's alert, deaf to interrupts. */
class ParkingWaitStrategyTest {

    /** A ring slot: which publisher wrote it, and what. */
    static final class Slot {
        int publisher;
        long value;
    }

    private static final long WAIT_SECONDS = 30;

    private final AtomicReference<Thread> handlerThread = new AtomicReference<>();

    private Disruptor<Slot> ring(EventHandler<Slot> handler) {
        Disruptor<Slot> disruptor = new Disruptor<>(
                Slot::new,
                64,
                r -> {
                    Thread t = new Thread(r, "parking-wait-test-handler");
                    t.setDaemon(true);
                    handlerThread.set(t);
                    return t;
                },
                ProducerType.MULTI,
                new ParkingWaitStrategy());
        disruptor.handleEventsWith(handler);
        return disruptor;
    }

    /** Waits until the handler thread is parked in the wait strategy. */
    private void awaitParked() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            Thread t = handlerThread.get();
            if (t != null && t.getState() == Thread.State.WAITING) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the handler never parked on an empty ring");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Ping-pong: each publisher waits until its last event was handled before it publishes the
     * next, so nearly every publish finds the handler parked or on its way to park. A lost
     * wake-up leaves an event in the ring with nobody to take it, and times out here. Publishers
     * that spin publish within a few hundred nanoseconds of the handler finishing an event, while
     * it announces itself and checks the ring a last time (the window a missing re-check loses a
     * wake-up in); publishers that park let the handler park fully every time.
     */
    @ParameterizedTest(name = "publishers spin: {0}")
    @ValueSource(booleans = {true, false})
    void shouldHandEveryEventToAHandlerThatParksBetweenThem(boolean spin) throws Exception {
        int publishers = spin ? 1 : 2;
        int perPublisher = spin ? 100_000 : 20_000;
        Semaphore[] handled = new Semaphore[publishers];
        AtomicLongArray handledCount = new AtomicLongArray(publishers);
        long[][] seen = new long[publishers][perPublisher];
        for (int p = 0; p < publishers; p++) {
            handled[p] = new Semaphore(0);
        }
        Disruptor<Slot> disruptor = ring((slot, sequence, endOfBatch) -> {
            int p = slot.publisher;
            seen[p][(int) handledCount.get(p)] = slot.value;
            handledCount.incrementAndGet(p);
            handled[p].release();
        });
        RingBuffer<Slot> ring = disruptor.start();
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perPublisher; i++) {
                        ring.publishEvent(
                                (slot, sequence, value) -> {
                                    slot.publisher = publisher;
                                    slot.value = value;
                                },
                                i);
                        if (!awaitHandled(spin, handled[publisher], handledCount, publisher, i + 1)) {
                            throw new AssertionError(
                                    "event " + i + " of publisher " + publisher + " was never handled");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2 * WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            disruptor.halt();
        }
        for (int p = 0; p < publishers; p++) {
            assertEquals(perPublisher, handledCount.get(p));
            for (int i = 0; i < perPublisher; i++) {
                assertEquals(i, seen[p][i], "publisher " + p + "'s events in order");
            }
        }
    }

    private static boolean awaitHandled(
            boolean spin, Semaphore handled, AtomicLongArray handledCount, int publisher, long count)
            throws InterruptedException {
        if (!spin) {
            return handled.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (int spins = 0; handledCount.get(publisher) < count; spins++) {
            if ((spins & 1023) == 0 && System.nanoTime() > deadline) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    @Test
    void shouldEndTheWaitOfAParkedHandlerWhenTheRingHalts() throws Exception {
        Disruptor<Slot> disruptor = ring((slot, sequence, endOfBatch) -> {});
        disruptor.start();
        awaitParked();

        disruptor.halt();

        Thread t = handlerThread.get();
        t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(t.isAlive(), "the halted handler is still waiting");
    }

    @Test
    void shouldSkipNoEventWhenTheParkedHandlerIsInterrupted() throws Exception {
        // Disruptor's processor counts a wait that throws as an event handled: a wait that threw
        // on an interrupt (as Object.wait does) would lose the next event. And the interrupt is
        // cleared, or every later park would return at once and the handler spin.
        LinkedBlockingQueue<Long> handled = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Boolean> interruptedWhileHandling = new LinkedBlockingQueue<>();
        Disruptor<Slot> disruptor = ring((slot, sequence, endOfBatch) -> {
            interruptedWhileHandling.add(Thread.currentThread().isInterrupted());
            handled.add(slot.value);
        });
        RingBuffer<Slot> ring = disruptor.start();
        try {
            awaitParked();

            handlerThread.get().interrupt();
            ring.publishEvent((slot, sequence, value) -> slot.value = value, 7L);
            ring.publishEvent((slot, sequence, value) -> slot.value = value, 8L);

            assertEquals(7L, handled.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(8L, handled.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(List.of(false, false), List.copyOf(interruptedWhileHandling));
        } finally {
            disruptor.halt();
        }
    }
}

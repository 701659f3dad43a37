package io.tributary.kernel.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.netty.buffer.ByteBuf;
import io.tributary.kernel.network.Connection;
import io.tributary.kernel.network.PendingResponse;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request ring: network threads publish requests, one handler thread processes them in
 * order. A full ring never drops a request: {@link #tryPublish} fails, the connection stops
 * reading and registers itself with {@link #awaitCapacity}; the handler wakes those connections
 * at the end of each batch, when space has been freed.
 *
 * <p>Thread-safe: any thread may publish. Tasks published with {@link #execute} run on the
 * handler thread in ring order with requests.
 */
public final class RequestPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);

    private final Disruptor<RequestEvent> disruptor;
    private final RingBuffer<RequestEvent> ring;
    private final Queue<Runnable> waitingForCapacity = new ConcurrentLinkedQueue<>();
    private volatile Thread handlerThread;

    public RequestPipeline(int ringSize, RequestProcessor processor) {
        int size = Integer.highestOneBit(Math.max(64, ringSize - 1) << 1);
        this.disruptor = new Disruptor<>(
                RequestEvent::new,
                size,
                r -> {
                    Thread t = DaemonThreadFactory.INSTANCE.newThread(r);
                    t.setName("tributary-request-handler");
                    return t;
                },
                ProducerType.MULTI,
                new ParkingWaitStrategy());
        disruptor.handleEventsWith(new Handler(processor));
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        this.ring = disruptor.getRingBuffer();
    }

    public void start() {
        disruptor.start();
    }

    /** True when called on the request handler thread. */
    public boolean inHandlerThread() {
        return Thread.currentThread() == handlerThread;
    }

    /**
     * Publishes a request if the ring has room. Never blocks.
     *
     * @return false when the ring is full; the caller keeps the frame and retries after
     *     {@link #awaitCapacity} calls it back
     */
    public boolean tryPublish(Connection connection, ByteBuf frame, PendingResponse slot, long receivedNanos) {
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException e) {
            return false;
        }
        try {
            ring.get(seq).setRequest(connection, frame, slot, receivedNanos);
        } finally {
            ring.publish(seq);
        }
        return true;
    }

    /** Runs {@code wakeUp} (once) on the handler thread after the ring frees space. */
    public void awaitCapacity(Runnable wakeUp) {
        waitingForCapacity.add(wakeUp);
    }

    /**
     * Runs a task on the handler thread, after everything already published. Blocks while the
     * ring is full, so it must not be called from a Netty event loop or the handler thread; from
     * the handler thread, run the task directly instead.
     */
    public void execute(Runnable task) {
        if (inHandlerThread()) {
            task.run();
            return;
        }
        long seq = ring.next();
        try {
            ring.get(seq).setTask(task);
        } finally {
            ring.publish(seq);
        }
    }

    /** Runs a task on the handler thread and waits for it (start-up and shutdown only). */
    public void executeAndWait(Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        RuntimeException[] failure = new RuntimeException[1];
        execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                failure[0] = e;
            } finally {
                done.countDown();
            }
        });
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("request handler did not run a task within 60 s");
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    @Override
    public void close() {
        try {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            LOG.warn("Request handler did not drain within 10 s; halting it");
            disruptor.halt();
        }
    }

    /**
     * The ring's one consumer. It implements {@code EventHandler<Object>}, not
     * {@code EventHandler<RequestEvent>}: the latter makes javac add a bridge method
     * {@code onEvent(Object, long, boolean)} that the Disruptor calls and that calls the typed
     * one. Both reach C2's threshold together, and C2 compiled each with the whole request path
     * inlined (LogCompilation: two compiles of ~9,000 inlined bytecodes, 0.9-1.0 s of compiler
     * time each, one of them never called). One method, one compile.
     */
    private final class Handler implements EventHandler<Object> {
        private final RequestProcessor processor;

        Handler(RequestProcessor processor) {
            this.processor = processor;
        }

        @Override
        public void onStart() {
            handlerThread = Thread.currentThread();
        }

        @Override
        public void onEvent(Object ringSlot, long sequence, boolean endOfBatch) {
            RequestEvent event = (RequestEvent) ringSlot;
            try {
                if (event.task != null) {
                    event.task.run();
                } else {
                    processor.process(event.connection, event.frame, event.slot, event.receivedNanos);
                }
            } catch (RuntimeException | Error e) {
                LOG.error("Request handler failed", e);
                if (event.connection != null) {
                    event.connection.closeOnError("internal error while handling a request", e);
                }
            } finally {
                event.clear();
            }
            if (endOfBatch) {
                try {
                    processor.endOfBatch();
                } catch (RuntimeException e) {
                    LOG.error("End-of-batch work failed", e);
                }
                Runnable wake;
                while ((wake = waitingForCapacity.poll()) != null) {
                    wake.run();
                }
            }
        }
    }

    private static final class LoggingExceptionHandler implements ExceptionHandler<RequestEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, RequestEvent event) {
            LOG.error("Unhandled exception in request pipeline at sequence {}", sequence, ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("Request pipeline failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("Request pipeline failed to stop", ex);
        }
    }
}

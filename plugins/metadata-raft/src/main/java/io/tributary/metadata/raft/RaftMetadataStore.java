package io.tributary.metadata.raft;

import io.tributary.metadata.raft.controller.ControllerResult;
import io.tributary.metadata.raft.controller.MetadataController;
import io.tributary.metadata.raft.image.MetadataStateMachine;
import io.tributary.metadata.raft.image.ReplayException;
import io.tributary.metadata.raft.log.CorruptLogException;
import io.tributary.metadata.raft.log.LogBatch;
import io.tributary.metadata.raft.log.Snapshot;
import io.tributary.metadata.raft.quorum.CommitListener;
import io.tributary.metadata.raft.quorum.LocalQuorum;
import io.tributary.metadata.raft.quorum.MetadataQuorum;
import io.tributary.metadata.raft.record.MetadataRecord;
import io.tributary.metadata.raft.record.RecordCodec;
import io.tributary.metadata.raft.record.RecordFormatException;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataContext;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataException;
import io.tributary.spi.metadata.MetadataImage;
import io.tributary.spi.metadata.MetadataListener;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.metadata.NewTopic;
import io.tributary.spi.metadata.ProducerIdBlock;
import io.tributary.spi.metadata.RandomIds;
import io.tributary.spi.metadata.TopicResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MetadataStore} of the {@code raft} plugin. Every write runs on one controller
 * thread: the {@link MetadataController} validates it against the latest image and produces
 * records, the {@link MetadataQuorum} commits them as one batch (a quorum of one: appended and
 * synced), and the {@link MetadataStateMachine} applies them and publishes the new image to the
 * listeners; only then does the write's future complete. Snapshots are written on the same thread
 * every {@link RaftMetadataConfig#snapshotIntervalRecords()} records or {@link
 * RaftMetadataConfig#snapshotIntervalBytes()} bytes.
 *
 * <p>Thread-safe: writes may come from any thread. Futures complete, and listeners run, on the
 * controller thread. If the log cannot be written, the store stops accepting writes (the state on
 * disk is then unknown) and every later write fails with {@link MetadataError#UNKNOWN_SERVER_ERROR};
 * reads keep returning the last committed image.
 *
 * <p>Registrations are stored as given, including {@link BrokerRegistration#fenced()}: there are
 * no broker heartbeats yet, so a broker that registers unfenced stays so.
 */
final class RaftMetadataStore implements MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(RaftMetadataStore.class);
    /** Kafka's directory name for the metadata log; the format inside is ours. */
    static final String LOG_DIR_NAME = "__cluster_metadata-0";

    private final String clusterId;
    private final RaftMetadataConfig config;
    private final MetadataQuorum quorum;
    private final MetadataStateMachine stateMachine = new MetadataStateMachine();
    private final MetadataController controller;
    private final ControllerExecutor executor;
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    /** Writes waiting for their offset to be applied; controller thread only. */
    private final ArrayDeque<PendingWrite<?>> pending = new ArrayDeque<>();

    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile boolean closed;
    /** Set once the log failed; controller thread only. */
    private MetadataException failure;
    /** True while replaying at open: images are built once at the end, not per batch. */
    private boolean replaying = true;

    private long recordsSinceSnapshot;
    private long bytesSinceSnapshot;

    private record PendingWrite<T>(long offset, CompletableFuture<T> future, T response) {
        void complete() {
            future.complete(response);
        }
    }

    private RaftMetadataStore(
            String clusterId, RaftMetadataConfig config, MetadataQuorum quorum, MetadataController controller) {
        this.clusterId = clusterId;
        this.config = config;
        this.quorum = quorum;
        this.controller = controller;
        this.executor = new ControllerExecutor("metadata-raft-controller-" + quorum.nodeId());
    }

    /**
     * Opens the store with random topic ids and placement.
     *
     * <p>What runs while the broker starts (open, the broker's registration, the write path) uses
     * classes rather than lambdas or method references: this plugin's layer is not covered by
     * the JDK's AOT cache, so each lambda would be generated at run time, before the broker is
     * ready (a few milliseconds of CPU each, on the two busy cores of start-up).
     */
    static RaftMetadataStore open(MetadataContext context, RaftMetadataConfig config) {
        return open(
                context,
                config,
                new Supplier<UUID>() {
                    @Override
                    public UUID get() {
                        return RandomIds.next();
                    }
                },
                RandomGenerator.getDefault());
    }

    /**
     * Opens the store: checks or writes {@code meta.properties}, recovers the log, replays the
     * latest snapshot and every committed batch after it, then starts the controller thread.
     *
     * @throws MetadataException if the directory belongs to another node or its contents cannot be read
     */
    static RaftMetadataStore open(
            MetadataContext context, RaftMetadataConfig config, Supplier<UUID> uuids, RandomGenerator random) {
        Path dir = context.metadataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MetadataException(MetadataError.UNKNOWN_SERVER_ERROR, "Cannot create " + dir, e);
        }
        MetaProperties meta = MetaProperties.loadOrCreate(dir, context.nodeId(), uuids);
        MetadataQuorum quorum;
        try {
            quorum = LocalQuorum.open(dir.resolve(LOG_DIR_NAME), context.nodeId(), context.time());
        } catch (CorruptLogException | UncheckedIOException e) {
            throw cannotOpen(dir, e);
        }
        RaftMetadataStore store = new RaftMetadataStore(
                meta.clusterId(), config, quorum, new MetadataController(config.topicDefaults(), random, uuids));
        try {
            quorum.start(store.new Applier());
            store.replaying = false;
            store.image = store.stateMachine.image();
            store.maybeSnapshot();
        } catch (RuntimeException e) {
            store.executor.shutdown(); // no task ever ran, so this closes the quorum at once
            throw cannotOpen(dir, e);
        }
        log.atInfo()
                .addKeyValue("clusterId", meta.clusterId())
                .addKeyValue("offset", store.image.offset())
                .addKeyValue("topics", store.image.topicsById().size())
                .log("Opened the metadata store in {}", dir);
        return store;
    }

    /**
     * Damage ({@link CorruptLogException}, {@link ReplayException}, {@link RecordFormatException})
     * and I/O failures alike: the store cannot serve.
     */
    private static MetadataException cannotOpen(Path dir, RuntimeException e) {
        return new MetadataException(
                MetadataError.UNKNOWN_SERVER_ERROR,
                "Cannot open the metadata store in " + dir + ": " + e.getMessage(),
                e);
    }

    @Override
    public String clusterId() {
        return clusterId;
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(MetadataListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerRegistration registration) {
        return submit(false, new Function<MetadataImage, ControllerResult<Void>>() {
            @Override
            public ControllerResult<Void> apply(MetadataImage image) {
                return controller.registerBroker(image, registration);
            }
        });
    }

    @Override
    public CompletableFuture<List<TopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        List<NewTopic> copy = List.copyOf(topics);
        return submit(validateOnly, image -> controller.createTopics(image, copy));
    }

    @Override
    public CompletableFuture<List<TopicResult>> deleteTopics(List<UUID> topicIds) {
        List<UUID> copy = List.copyOf(topicIds);
        return submit(false, image -> controller.deleteTopics(image, copy));
    }

    @Override
    public CompletableFuture<TopicResult> createPartitions(
            UUID topicId, int totalCount, List<List<Integer>> assignments, boolean validateOnly) {
        List<List<Integer>> copy = assignments.stream().map(List::copyOf).toList();
        return submit(validateOnly, image -> controller.createPartitions(image, topicId, totalCount, copy));
    }

    @Override
    public CompletableFuture<Void> alterConfigs(
            ConfigResource resource, Map<String, String> changes, boolean validateOnly) {
        Map<String, String> copy = new HashMap<>(changes); // may hold null values (removals)
        return submit(validateOnly, image -> controller.alterConfigs(image, resource, copy));
    }

    @Override
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int brokerId) {
        return submit(false, image -> controller.allocateProducerIds(image, brokerId));
    }

    private <T> CompletableFuture<T> submit(
            boolean validateOnly, Function<MetadataImage, ControllerResult<T>> request) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            executor.execute(new Write<>(validateOnly, request, future));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(closedException());
        }
        return future;
    }

    /** One write, on the controller thread: validate, commit, publish, then complete. */
    private <T> void run(
            boolean validateOnly, Function<MetadataImage, ControllerResult<T>> request, CompletableFuture<T> future) {
        if (closed) {
            future.completeExceptionally(closedException());
            return;
        }
        if (failure != null) {
            future.completeExceptionally(failure);
            return;
        }
        ControllerResult<T> result;
        try {
            result = request.apply(image);
        } catch (MetadataException e) {
            future.completeExceptionally(e);
            return;
        } catch (RuntimeException e) {
            log.error("Metadata request failed unexpectedly", e);
            future.completeExceptionally(new MetadataException(MetadataError.UNKNOWN_SERVER_ERROR, e.toString(), e));
            return;
        }
        if (validateOnly || result.records().isEmpty()) {
            future.complete(result.response());
            return;
        }
        List<ByteBuffer> encoded = new ArrayList<>(result.records().size());
        for (MetadataRecord r : result.records()) {
            encoded.add(RecordCodec.encode(r));
        }
        long offset;
        try {
            offset = quorum.append(encoded);
        } catch (RuntimeException e) {
            // The log (or applying to it) failed: what is on disk is unknown, so stop writing.
            failure = new MetadataException(
                    MetadataError.UNKNOWN_SERVER_ERROR,
                    "The metadata log failed and accepts no more changes until restart: " + e.getMessage(),
                    e);
            log.error("Metadata log failure; refusing further metadata changes", e);
            future.completeExceptionally(failure);
            return;
        }
        pending.add(new PendingWrite<>(offset, future, result.response()));
        completeApplied();
        maybeSnapshot();
    }

    private void completeApplied() {
        long applied = stateMachine.offset();
        while (!pending.isEmpty() && pending.peek().offset() <= applied) {
            pending.poll().complete();
        }
    }

    private void maybeSnapshot() {
        if (recordsSinceSnapshot < config.snapshotIntervalRecords()
                && bytesSinceSnapshot < config.snapshotIntervalBytes()) {
            return;
        }
        try {
            List<ByteBuffer> records = stateMachine.snapshotRecords().stream()
                    .map(RecordCodec::encode)
                    .toList();
            quorum.createSnapshot(stateMachine.offset(), records);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            // The log still holds everything: the next interval tries again.
            log.warn("Cannot write a metadata snapshot; will retry later", e);
        }
        recordsSinceSnapshot = 0;
        bytesSinceSnapshot = 0;
    }

    private static MetadataException closedException() {
        return new MetadataException(MetadataError.NOT_CONTROLLER, "The metadata store is closed");
    }

    /**
     * Stops accepting writes, lets the controller thread finish what it is doing (writes queued
     * behind fail with NOT_CONTROLLER) and closes the log. Idempotent; every call from outside the
     * controller thread returns only once the log is closed. When called from the controller
     * thread itself (a listener), the log closes once that thread's current task ends.
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
        if (executor.isControllerThread()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    break;
                }
                log.warn("Still waiting for the metadata controller thread to finish");
            } catch (InterruptedException e) {
                interrupted = true; // finish closing: the log must not be left open
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies what the quorum commits and publishes each new image. */
    private final class Applier implements CommitListener {
        @Override
        public void handleSnapshot(Snapshot snapshot) {
            List<MetadataRecord> records =
                    snapshot.records().stream().map(RecordCodec::decode).toList();
            stateMachine.loadSnapshot(snapshot.id().lastIncludedOffset(), records);
            recordsSinceSnapshot = 0;
            bytesSinceSnapshot = 0;
            publish();
        }

        @Override
        public void handleCommit(LogBatch batch) {
            for (int i = 0; i < batch.records().size(); i++) {
                stateMachine.apply(
                        batch.baseOffset() + i,
                        RecordCodec.decode(batch.records().get(i)));
            }
            recordsSinceSnapshot += batch.records().size();
            bytesSinceSnapshot += batch.recordBytes();
            publish();
            completeApplied();
        }

        private void publish() {
            if (replaying) {
                return;
            }
            MetadataImage previous = image;
            MetadataImage current = stateMachine.image();
            image = current;
            for (MetadataListener listener : listeners) {
                try {
                    listener.onImage(previous, current);
                } catch (RuntimeException e) {
                    // The change is committed whatever a listener does; tell the others too.
                    log.error("Metadata listener {} failed on image at offset {}", listener, current.offset(), e);
                }
            }
        }
    }

    /** One write for the controller thread (see {@link #run}). */
    private final class Write<T> implements Runnable {
        private final boolean validateOnly;
        private final Function<MetadataImage, ControllerResult<T>> request;
        private final CompletableFuture<T> future;

        Write(boolean validateOnly, Function<MetadataImage, ControllerResult<T>> request, CompletableFuture<T> future) {
            this.validateOnly = validateOnly;
            this.request = request;
            this.future = future;
        }

        @Override
        public void run() {
            RaftMetadataStore.this.run(validateOnly, request, future);
        }
    }

    /** The single controller thread; closes the quorum once it has finished every task. */
    private final class ControllerExecutor extends ThreadPoolExecutor {
        private volatile Thread thread;

        ControllerExecutor(String threadName) {
            super(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            setThreadFactory(new ThreadFactory() {
                @Override
                public Thread newThread(Runnable runnable) {
                    Thread t = new Thread(runnable, threadName);
                    t.setDaemon(true); // every acknowledged change is already durable
                    thread = t;
                    return t;
                }
            });
        }

        boolean isControllerThread() {
            return Thread.currentThread() == thread;
        }

        @Override
        protected void terminated() {
            try {
                quorum.close();
            } finally {
                super.terminated();
            }
        }
    }
}

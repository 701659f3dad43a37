package io.tributary.kernel;

import io.netty.buffer.ByteBuf;
import io.tributary.kernel.api.ApiDispatcher;
import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ApiVersionsHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.cleaner.LogCleaner;
import io.tributary.kernel.cluster.DescribeClusterHandler;
import io.tributary.kernel.cluster.DescribeLogDirsHandler;
import io.tributary.kernel.cluster.ElectLeadersHandler;
import io.tributary.kernel.cluster.Features;
import io.tributary.kernel.cluster.UpdateFeaturesHandler;
import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.kernel.config.DynamicBrokerConfig;
import io.tributary.kernel.config.Listener;
import io.tributary.kernel.configs.AlterConfigsHandler;
import io.tributary.kernel.configs.DescribeConfigsHandler;
import io.tributary.kernel.configs.IncrementalAlterConfigsHandler;
import io.tributary.kernel.coordinator.FindCoordinatorHandler;
import io.tributary.kernel.coordinator.InternalTopicLocator;
import io.tributary.kernel.fetch.FetchHandler;
import io.tributary.kernel.group.GroupConfig;
import io.tributary.kernel.group.GroupCoordinator;
import io.tributary.kernel.group.GroupHandlers;
import io.tributary.kernel.group.GroupLog;
import io.tributary.kernel.group.GroupRecords;
import io.tributary.kernel.group.OffsetsTopicPartitions;
import io.tributary.kernel.group.Scheduler;
import io.tributary.kernel.metadata.MetadataHandler;
import io.tributary.kernel.network.Connection;
import io.tributary.kernel.network.NetworkServer;
import io.tributary.kernel.network.PendingResponse;
import io.tributary.kernel.offsets.DeleteRecordsHandler;
import io.tributary.kernel.offsets.ListOffsetsHandler;
import io.tributary.kernel.offsets.OffsetForLeaderEpochHandler;
import io.tributary.kernel.offsets.TimestampSearch;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.kernel.pipeline.RequestProcessor;
import io.tributary.kernel.plugin.PluginLoader;
import io.tributary.kernel.produce.Acknowledgements;
import io.tributary.kernel.produce.InternalAppender;
import io.tributary.kernel.produce.LogMaintenance;
import io.tributary.kernel.produce.ProduceHandler;
import io.tributary.kernel.produce.SyncStage;
import io.tributary.kernel.producer.DescribeProducersHandler;
import io.tributary.kernel.producer.InitProducerIdHandler;
import io.tributary.kernel.producer.ProducerIdManager;
import io.tributary.kernel.purgatory.Purgatory;
import io.tributary.kernel.topics.CreatePartitionsHandler;
import io.tributary.kernel.topics.CreateTopicsHandler;
import io.tributary.kernel.topics.DeleteTopicsHandler;
import io.tributary.kernel.topics.DescribeTopicPartitionsHandler;
import io.tributary.kernel.topics.TopicNames;
import io.tributary.kernel.txn.LocalMarkerSink;
import io.tributary.kernel.txn.ProducerIdSource;
import io.tributary.kernel.txn.TransactionCoordinator;
import io.tributary.kernel.txn.TxnConfig;
import io.tributary.kernel.txn.TxnHandlers;
import io.tributary.kernel.txn.TxnMarkerWriter;
import io.tributary.kernel.txn.TxnStatePartitions;
import io.tributary.kernel.txn.TxnVerifier;
import io.tributary.protocol.Errors;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataContext;
import io.tributary.spi.metadata.MetadataProvider;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.metadata.RandomIds;
import io.tributary.spi.plugin.PluginSettings;
import io.tributary.spi.plugin.Time;
import io.tributary.spi.replication.LocalReplica;
import io.tributary.spi.replication.ReplicaHost;
import io.tributary.spi.replication.ReplicationContext;
import io.tributary.spi.replication.ReplicationManager;
import io.tributary.spi.replication.ReplicationProvider;
import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.StorageContext;
import io.tributary.spi.storage.StorageEngine;
import io.tributary.spi.storage.StorageProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: plugins loaded, metadata recovered, partitions opened, listeners bound.
 * {@link #start} returns once the broker serves requests; {@link #close} stops it cleanly
 * (listeners first, then the pipeline, then partitions with their producer snapshots).
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** Whether {@link #warmUpInBackground()} ran in this JVM. */
    private static final AtomicBoolean WARM_UP_STARTED = new AtomicBoolean();
    /** From this many partitions on, start-up compacts the heap once they are open. */
    private static final int COMPACT_AFTER_OPENING = 1_000;

    private final BrokerConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Map<String, InetSocketAddress> bound = Map.of();
    private PartitionManager partitions;
    private RequestPipeline pipeline;
    private MetadataStore metadata;
    private volatile boolean closed;

    private Broker(BrokerConfig config) {
        this.config = config;
    }

    /**
     * Starts a broker.
     *
     * @throws io.tributary.spi.plugin.PluginException if a plugin is missing or incompatible
     * @throws io.tributary.kernel.config.ConfigException if the configuration is invalid
     */
    public static Broker start(BrokerConfig config) throws InterruptedException {
        return start(config, Time.SYSTEM);
    }

    public static Broker start(BrokerConfig config, Time time) throws InterruptedException {
        return start(config, time, PluginLoader.create(pluginPath(config)));
    }

    /**
     * Starts a broker with plugins already found ({@code Main} creates the plugin layers while
     * logging initialises on another thread).
     *
     * @param plugins a loader over {@link #pluginPath(BrokerConfig)} of this config
     */
    static Broker start(BrokerConfig config, Time time, PluginLoader plugins) throws InterruptedException {
        Broker broker = new Broker(config);
        try {
            broker.startup(time, plugins);
        } catch (RuntimeException | InterruptedException | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** Where {@link PluginLoader} looks for plugin folders: {@code plugin.path}, if set. */
    static Optional<Path> pluginPath(BrokerConfig config) {
        return Optional.ofNullable(config.getString(BrokerConfigDef.PLUGIN_PATH))
                .filter(s -> !s.isBlank())
                .map(Path::of);
    }

    private void startup(Time time, PluginLoader plugins) throws InterruptedException {
        long t0 = System.nanoTime();
        warmUpInBackground();
        for (String key : config.unknownKeys()) {
            LOG.warn("The configuration '{}' was supplied but isn't a known config.", key);
        }
        int nodeId = config.nodeId();

        String storageName = config.getString(BrokerConfigDef.STORAGE_PLUGIN);
        StorageProvider storageProvider =
                plugins.select(StorageProvider.class, BrokerConfigDef.STORAGE_PLUGIN, storageName);
        String metadataName = config.getString(BrokerConfigDef.METADATA_PLUGIN);
        MetadataProvider metadataProvider =
                plugins.select(MetadataProvider.class, BrokerConfigDef.METADATA_PLUGIN, metadataName);
        String replicationName = config.getString(BrokerConfigDef.REPLICATION_PLUGIN);
        ReplicationProvider replicationProvider = replicationName.isBlank()
                ? null
                : plugins.select(ReplicationProvider.class, BrokerConfigDef.REPLICATION_PLUGIN, replicationName);

        StorageEngine engine = storageProvider.open(
                new StorageContext(config.logDirs(), settings("storage." + storageName + "."), time));
        closeables.add(engine);
        metadata = metadataProvider.open(
                new MetadataContext(nodeId, config.metadataDir(), settings("metadata." + metadataName + "."), time));
        closeables.add(metadata);

        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tributary-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        closeables.add(timer::shutdownNow);

        AtomicReference<PartitionManager> pmRef = new AtomicReference<>();
        ReplicaHost host = id -> lookup(pmRef.get(), id);
        ReplicationManager replication = replicationProvider == null
                ? new SingleReplicaManager(host)
                : replicationProvider.open(
                        new ReplicationContext(nodeId, settings("replication." + replicationName + "."), time, host));
        closeables.add(replication);

        SyncStage<Partition> sync = SyncStage.forLogs();
        closeables.add(sync);
        // The ring's processor is the dispatcher, built below once every handler exists.
        AtomicReference<ApiDispatcher> dispatcherRef = new AtomicReference<>();
        pipeline = new RequestPipeline(
                config.getInt(BrokerConfigDef.QUEUED_MAX_REQUESTS), new DeferredProcessor(dispatcherRef));
        Purgatory<TopicPartitionKey> fetchPurgatory = new Purgatory<>("fetch", timer, pipeline::execute);
        Acknowledgements acknowledgements = new Acknowledgements(sync, pipeline::execute, timer, time);
        Partition.HighWatermarkListener onHighWatermark = p -> {
            fetchPurgatory.checkAndComplete(p.key());
            acknowledgements.onHighWatermark(p);
        };
        DynamicBrokerConfig dynamicConfig = new DynamicBrokerConfig(config);
        partitions = new PartitionManager(nodeId, dynamicConfig, engine, time, replication, onHighWatermark);
        pmRef.set(partitions);
        KernelServices services = new KernelServices(dynamicConfig, metadata, partitions, pipeline, time, timer);
        java.util.concurrent.CompletableFuture<Void> registered = new java.util.concurrent.CompletableFuture<>();
        ProducerIdManager producerIds = new ProducerIdManager(metadata, nodeId, registered);
        InternalAppender internalAppender = new InternalAppender(nodeId, replication, acknowledgements);
        GroupCoordinator groups = startGroupCoordinator(services, internalAppender);
        TxnMarkerWriter markerWriter = new TxnMarkerWriter(internalAppender, time);
        // Transaction markers reaching __consumer_offsets settle the transactional offsets there.
        markerWriter.addListener((partition, producerId, commit) -> {
            if (TopicNames.CONSUMER_OFFSETS.equals(partition.topic())) {
                groups.completeTransaction(partition.index(), producerId, commit);
            }
        });
        TransactionCoordinator transactions =
                startTransactionCoordinator(services, internalAppender, markerWriter, producerIds);
        Scheduler handlerScheduler = Scheduler.onPipeline(timer, pipeline);
        TxnVerifier verifier = new TxnVerifier(
                transactions,
                handlerScheduler,
                time,
                config.getInt("add.partitions.to.txn.retry.backoff.ms"),
                config.getInt("add.partitions.to.txn.retry.backoff.max.ms"),
                () -> dynamicConfig.current().getBoolean("transaction.partition.verification.enable"));
        ProduceHandler produce = new ProduceHandler(services, replication, acknowledgements, verifier);
        List<ApiHandler> handlers = new ArrayList<>();
        Supplier<Features> features =
                () -> Features.of(dynamicConfig.current().getShort(BrokerConfigDef.TRANSACTION_VERSION));
        handlers.add(new ApiVersionsHandler(
                () -> dispatcherRef.get().handlers(),
                features,
                () -> partitions.image().offset()));
        handlers.add(new MetadataHandler(services));
        handlers.add(produce);
        handlers.add(new FetchHandler(services, fetchPurgatory));
        handlers.add(new ListOffsetsHandler(partitions, new TimestampSearch()));
        handlers.add(new OffsetForLeaderEpochHandler(partitions));
        handlers.add(new CreateTopicsHandler(services));
        handlers.add(new DeleteTopicsHandler(services));
        handlers.add(new InitProducerIdHandler(producerIds, transactions));
        handlers.add(new CreatePartitionsHandler(services));
        handlers.add(new DescribeTopicPartitionsHandler(services));
        handlers.add(new DescribeConfigsHandler(services));
        handlers.add(new AlterConfigsHandler(services));
        handlers.add(new IncrementalAlterConfigsHandler(services));
        handlers.add(new DescribeClusterHandler(services));
        handlers.add(new DescribeLogDirsHandler(services));
        handlers.add(new ElectLeadersHandler(services));
        handlers.add(new UpdateFeaturesHandler(features, services));
        handlers.add(new DescribeProducersHandler(partitions));
        handlers.add(new DeleteRecordsHandler(partitions));
        handlers.add(new FindCoordinatorHandler()
                .register(FindCoordinatorHandler.GROUP, new InternalTopicLocator(services, groups::offsetsTopic))
                .register(
                        FindCoordinatorHandler.TRANSACTION,
                        new InternalTopicLocator(services, transactions::transactionTopic)));
        handlers.addAll(GroupHandlers.all(groups));
        handlers.addAll(TxnHandlers.all(
                transactions,
                verifier,
                groups,
                partitions,
                markerWriter,
                () -> groups.config().offsetsTopicPartitions()));
        dispatcherRef.set(new ApiDispatcher(handlers, List.of(acknowledgements::endOfBatch)));

        pipeline.start();
        closeables.add(() -> {
            pipeline.executeAndWait(() -> {
                fetchPurgatory.close();
                acknowledgements.close();
                partitions.closeAll();
            });
            pipeline.close();
        });
        // Listen first, then apply the current image: applying twice is harmless, missing one is not.
        metadata.addListener((previous, current) -> pipeline.execute(() -> partitions.apply(current)));
        int[] opened = new int[1];
        pipeline.executeAndWait(() -> {
            partitions.apply(metadata.image());
            opened[0] = partitions.all().size();
        });
        compactAfterOpening(opened[0]);

        LogMaintenance maintenance = new LogMaintenance(dynamicConfig::current, partitions, pipeline, sync, time);
        maintenance.schedule(timer);
        LogCleaner cleaner = new LogCleaner(config, partitions, pipeline, time);
        cleaner.start();
        closeables.add(cleaner);

        NetworkServer network = new NetworkServer(
                new NetworkServer.Settings(
                        Math.min(
                                config.getInt(BrokerConfigDef.NUM_NETWORK_THREADS),
                                Runtime.getRuntime().availableProcessors()),
                        config.getInt(BrokerConfigDef.SOCKET_REQUEST_MAX_BYTES),
                        config.getInt("socket.send.buffer.bytes"),
                        config.getInt("socket.receive.buffer.bytes"),
                        config.getLong(BrokerConfigDef.CONNECTIONS_MAX_IDLE_MS)),
                pipeline);
        closeables.add(network);
        bound = network.bind(config.listeners());

        List<BrokerRegistration.Endpoint> endpoints = advertisedEndpoints();
        services.advertised(endpoints);
        try {
            metadata.registerBroker(new BrokerRegistration(nodeId, RandomIds.next(), endpoints, config.rack(), false))
                    .get(30, TimeUnit.SECONDS);
            registered.complete(null);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Broker registration failed: " + e.getMessage(), e);
        }
        LOG.info(
                "Tributary broker {} started in {} ms (cluster {}, listeners {}, storage {}, metadata {})",
                nodeId,
                (System.nanoTime() - t0) / 1_000_000,
                metadata.clusterId(),
                endpoints,
                storageName,
                metadataName);
        engine.started();
    }

    /**
     * Does, on another core, one-time JVM-wide work that start-up needs later and that depends
     * on nothing before it: Netty's native transport, buffer allocator and first reading of
     * handler annotations (for the listeners). Nothing on the start path needs a
     * {@code SecureRandom} (the ids it makes come from {@link RandomIds}), so none is seeded here:
     * that would take ~25 ms of CPU from a start-up that is CPU-bound. Each is idempotent and
     * thread-safe, so whichever thread comes second just finds it done (or waits for it); a
     * failure here shows again where it matters. Once per JVM: {@link Main} calls it before it
     * creates the plugin layers, and every start calls it.
     */
    static void warmUpInBackground() {
        if (WARM_UP_STARTED.getAndSet(true)) {
            return;
        }
        PluginLoader.createModulePathCounters();
        Thread.ofPlatform().daemon().name("tributary-warm-up").start(() -> {
            try {
                NetworkServer.warmUp();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("Warm-up failed; start-up does the same work itself", e);
            }
        });
    }

    /**
     * The group coordinator, bound to the {@code __consumer_offsets} partitions (loaded when this
     * broker leads them) and with its offset retention pass scheduled.
     */
    private GroupCoordinator startGroupCoordinator(KernelServices services, InternalAppender appender) {
        GroupConfig groupConfig = GroupConfig.from(config);
        Scheduler scheduler = Scheduler.onPipeline(services.timer(), services.pipeline());
        OffsetsTopicPartitions[] log = new OffsetsTopicPartitions[1];
        GroupCoordinator coordinator = new GroupCoordinator(
                groupConfig, services.partitions()::image, scheduler, services.time(), new GroupLog() {
                    @Override
                    public void append(int partition, List<GroupRecords.Entry> records, Consumer<Errors> done) {
                        log[0].append(partition, records, done);
                    }

                    @Override
                    public void appendTransactional(
                            int partition,
                            long producerId,
                            short producerEpoch,
                            List<GroupRecords.Entry> records,
                            Consumer<Errors> done) {
                        log[0].appendTransactional(partition, producerId, producerEpoch, records, done);
                    }
                });
        log[0] = new OffsetsTopicPartitions(coordinator, services.partitions(), appender, scheduler, services.time());
        services.partitions().addLeadershipListener(log[0]);
        long every = groupConfig.offsetsRetentionCheckIntervalMs();
        services.timer()
                .scheduleWithFixedDelay(
                        () -> services.pipeline().execute(coordinator::expireOffsets),
                        every,
                        every,
                        TimeUnit.MILLISECONDS);
        return coordinator;
    }

    /** The ring's processor: the dispatcher, which exists only once every handler is built. */
    private record DeferredProcessor(AtomicReference<ApiDispatcher> dispatcher) implements RequestProcessor {
        @Override
        public void process(Connection connection, ByteBuf frame, PendingResponse slot, long receivedNanos) {
            dispatcher.get().process(connection, frame, slot, receivedNanos);
        }

        @Override
        public void endOfBatch() {
            dispatcher.get().endOfBatch();
        }
    }

    /**
     * The transaction coordinator, bound to the {@code __transaction_state} partitions (loaded when
     * this broker leads them), writing markers directly into the partitions this broker leads, with
     * its timeout and expiry passes scheduled.
     */
    private TransactionCoordinator startTransactionCoordinator(
            KernelServices services,
            InternalAppender appender,
            TxnMarkerWriter markerWriter,
            ProducerIdManager producerIds) {
        TxnConfig txnConfig = TxnConfig.from(config);
        Scheduler scheduler = Scheduler.onPipeline(services.timer(), services.pipeline());
        TxnStatePartitions log = new TxnStatePartitions(
                services.partitions(),
                appender,
                scheduler,
                services.time(),
                config.getInt("transaction.state.log.load.buffer.size"),
                txnConfig.writeTimeoutMs());
        ProducerIdSource ids = done -> producerIds
                .nextProducerId()
                .whenCompleteAsync(
                        (id, failure) -> services.pipeline()
                                .execute(() -> done.accept(
                                        failure == null
                                                ? new ProducerIdSource.Result(Errors.NONE, id)
                                                : new ProducerIdSource.Result(ErrorMapping.of(failure), -1))),
                        services.timer());
        TransactionCoordinator coordinator = new TransactionCoordinator(
                txnConfig,
                services.partitions()::image,
                scheduler,
                services.time(),
                log,
                ids,
                new LocalMarkerSink(services.partitions(), markerWriter, null));
        log.bind(coordinator);
        services.partitions().addLeadershipListener(log);
        services.timer()
                .scheduleWithFixedDelay(
                        () -> services.pipeline().execute(coordinator::abortTimedOutTransactions),
                        txnConfig.abortTimedOutIntervalMs(),
                        txnConfig.abortTimedOutIntervalMs(),
                        TimeUnit.MILLISECONDS);
        services.timer()
                .scheduleWithFixedDelay(
                        () -> services.pipeline().execute(coordinator::expireTransactionalIds),
                        txnConfig.removeExpiredIntervalMs(),
                        txnConfig.removeExpiredIntervalMs(),
                        TimeUnit.MILLISECONDS);
        return coordinator;
    }

    private static Optional<LocalReplica> lookup(PartitionManager pm, PartitionId id) {
        if (pm == null) {
            return Optional.empty();
        }
        return pm.get(id.topic(), id.partition())
                .filter(p -> p.topicId().equals(id.topicId()))
                .map(p -> (LocalReplica) p);
    }

    private PluginSettings settings(String prefix) {
        return new PluginSettings(config.withPrefix(prefix), config.originals());
    }

    /**
     * Opening many logs (recovery scans, index rebuilds, producer snapshots) leaves tens of MB of
     * garbage in the old generation, which G1 reclaims only in mixed collections, and an idle
     * broker runs none: with 10,000 partitions a restarted broker held about 300 MiB of anonymous
     * memory until traffic came. One full collection here, before the listeners open, gives it
     * back at the cost of a pause no client sees. Measured at 10,000 partitions: 93 ms, and 177
     * MiB of anonymous memory at ready instead of 343.
     */
    private static void compactAfterOpening(int partitions) {
        if (partitions < COMPACT_AFTER_OPENING) {
            return;
        }
        long t0 = System.nanoTime();
        System.gc();
        LOG.info(
                "Compacted the heap after opening {} partitions in {} ms",
                partitions,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Advertised listeners with port 0 replaced by the bound port and an empty host by this host's name. */
    private List<BrokerRegistration.Endpoint> advertisedEndpoints() {
        List<BrokerRegistration.Endpoint> out = new ArrayList<>();
        for (Listener l : config.advertisedListeners()) {
            InetSocketAddress actual = bound.get(l.name());
            int port = l.port() == 0 && actual != null ? actual.getPort() : l.port();
            String host = l.host();
            if (host.isEmpty()) {
                host = canonicalHostName();
            }
            out.add(new BrokerRegistration.Endpoint(l.name(), host, port, l.securityProtocol()));
        }
        return out;
    }

    private static String canonicalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public BrokerConfig config() {
        return config;
    }

    /** The address a listener is bound to (its real port when configured with port 0). */
    public InetSocketAddress boundAddress(String listener) {
        InetSocketAddress a = bound.get(listener);
        if (a == null) {
            throw new IllegalArgumentException("No listener named " + listener);
        }
        return a;
    }

    /** {@code host:port} of the first listener, for clients' bootstrap.servers. */
    public String bootstrapServers() {
        Listener first = config.listeners().getFirst();
        InetSocketAddress a = boundAddress(first.name());
        String host = first.host().isEmpty() ? "127.0.0.1" : first.host();
        return host + ":" + a.getPort();
    }

    public String clusterId() {
        return metadata.clusterId();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Network first so no new work arrives, then everything else in reverse start order.
        for (int i = closeables.size() - 1; i >= 0; i--) {
            AutoCloseable c = closeables.get(i);
            if (c instanceof NetworkServer) {
                closeQuietly(c);
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            AutoCloseable c = closeables.get(i);
            if (!(c instanceof NetworkServer)) {
                closeQuietly(c);
            }
        }
        LOG.info("Tributary broker {} stopped", config.nodeId());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Error while stopping {}", c, e);
        }
    }
}

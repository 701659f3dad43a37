package io.tributary.kernel;

import io.tributary.kernel.api.ApiDispatcher;
import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ApiVersionsHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.cleaner.LogCleaner;
import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.BrokerConfigDef;
import io.tributary.kernel.config.Listener;
import io.tributary.kernel.fetch.FetchHandler;
import io.tributary.kernel.metadata.MetadataHandler;
import io.tributary.kernel.network.NetworkServer;
import io.tributary.kernel.offsets.ListOffsetsHandler;
import io.tributary.kernel.offsets.OffsetForLeaderEpochHandler;
import io.tributary.kernel.offsets.TimestampSearch;
import io.tributary.kernel.partition.Partition;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.kernel.plugin.PluginLoader;
import io.tributary.kernel.produce.LogMaintenance;
import io.tributary.kernel.produce.ProduceHandler;
import io.tributary.kernel.produce.SyncStage;
import io.tributary.kernel.producer.InitProducerIdHandler;
import io.tributary.kernel.producer.ProducerIdManager;
import io.tributary.kernel.purgatory.Purgatory;
import io.tributary.kernel.topics.CreateTopicsHandler;
import io.tributary.kernel.topics.DeleteTopicsHandler;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataContext;
import io.tributary.spi.metadata.MetadataProvider;
import io.tributary.spi.metadata.MetadataStore;
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
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: plugins loaded, metadata recovered, partitions opened, listeners bound.
 * {@link #start} returns once the broker serves requests; {@link #close} stops it cleanly
 * (listeners first, then the pipeline, then partitions with their producer snapshots).
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

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
        Broker broker = new Broker(config);
        try {
            broker.startup(time);
        } catch (RuntimeException | InterruptedException | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private void startup(Time time) throws InterruptedException {
        long t0 = System.nanoTime();
        for (String key : config.unknownKeys()) {
            LOG.warn("The configuration '{}' was supplied but isn't a known config.", key);
        }
        int nodeId = config.nodeId();
        String pluginPath = config.getString(BrokerConfigDef.PLUGIN_PATH);
        PluginLoader plugins = PluginLoader.create(
                Optional.ofNullable(pluginPath).filter(s -> !s.isBlank()).map(Path::of));

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

        List<ApiHandler> handlers = new ArrayList<>();
        AtomicReference<ApiDispatcher> dispatcherRef = new AtomicReference<>();
        SyncStage sync = new SyncStage();
        closeables.add(sync);
        Purgatory<TopicPartitionKey>[] fetchPurgatory = newPurgatoryHolder();
        ProduceHandler[] produceHolder = new ProduceHandler[1];
        pipeline = new RequestPipeline(
                config.getInt(BrokerConfigDef.QUEUED_MAX_REQUESTS),
                new io.tributary.kernel.pipeline.RequestProcessor() {
                    @Override
                    public void process(
                            io.tributary.kernel.network.Connection connection,
                            io.netty.buffer.ByteBuf frame,
                            io.tributary.kernel.network.PendingResponse slot,
                            long receivedNanos) {
                        dispatcherRef.get().process(connection, frame, slot, receivedNanos);
                    }

                    @Override
                    public void endOfBatch() {
                        dispatcherRef.get().endOfBatch();
                    }
                });
        fetchPurgatory[0] = new Purgatory<>("fetch", timer, pipeline::execute);
        Partition.HighWatermarkListener onHighWatermark = p -> {
            fetchPurgatory[0].checkAndComplete(p.key());
            if (produceHolder[0] != null) {
                produceHolder[0].onHighWatermark(p);
            }
        };
        partitions = new PartitionManager(nodeId, config, engine, time, replication, onHighWatermark);
        pmRef.set(partitions);
        KernelServices services = new KernelServices(config, metadata, partitions, pipeline, time, timer);
        java.util.concurrent.CompletableFuture<Void> registered = new java.util.concurrent.CompletableFuture<>();
        ProducerIdManager producerIds = new ProducerIdManager(metadata, nodeId, registered);
        ProduceHandler produce = new ProduceHandler(services, replication, sync, timer);
        produceHolder[0] = produce;
        handlers.add(new ApiVersionsHandler(() -> dispatcherRef.get().handlers()));
        handlers.add(new MetadataHandler(services));
        handlers.add(produce);
        handlers.add(new FetchHandler(services, fetchPurgatory[0]));
        handlers.add(new ListOffsetsHandler(partitions, new TimestampSearch()));
        handlers.add(new OffsetForLeaderEpochHandler(partitions));
        handlers.add(new CreateTopicsHandler(services));
        handlers.add(new DeleteTopicsHandler(services));
        handlers.add(new InitProducerIdHandler(producerIds));
        dispatcherRef.set(new ApiDispatcher(handlers, List.of(produce::endOfBatch)));

        pipeline.start();
        closeables.add(() -> {
            pipeline.executeAndWait(() -> {
                fetchPurgatory[0].close();
                produce.close();
                partitions.closeAll();
            });
            pipeline.close();
        });
        // Listen first, then apply the current image: applying twice is harmless, missing one is not.
        metadata.addListener((previous, current) -> pipeline.execute(() -> partitions.apply(current)));
        pipeline.executeAndWait(() -> partitions.apply(metadata.image()));

        LogMaintenance maintenance = new LogMaintenance(config, partitions, pipeline, sync, time);
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
            metadata.registerBroker(new BrokerRegistration(nodeId, UUID.randomUUID(), endpoints, config.rack(), false))
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
    }

    @SuppressWarnings("unchecked")
    private static Purgatory<TopicPartitionKey>[] newPurgatoryHolder() {
        return (Purgatory<TopicPartitionKey>[]) new Purgatory<?>[1];
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

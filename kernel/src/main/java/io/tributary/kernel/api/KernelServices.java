package io.tributary.kernel.api;

import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.DynamicBrokerConfig;
import io.tributary.kernel.partition.PartitionManager;
import io.tributary.kernel.pipeline.RequestPipeline;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.plugin.Time;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What API handlers share: configuration, metadata, partitions, the request pipeline, the clock
 * and a timer. Built once at start-up; immutable apart from the advertised endpoints, which are
 * known only after the listeners are bound.
 */
public final class KernelServices {
    private final DynamicBrokerConfig config;
    private final MetadataStore metadata;
    private final PartitionManager partitions;
    private final RequestPipeline pipeline;
    private final Time time;
    private final ScheduledThreadPoolExecutor timer;
    private volatile List<BrokerRegistration.Endpoint> advertised = List.of();

    public KernelServices(
            DynamicBrokerConfig config,
            MetadataStore metadata,
            PartitionManager partitions,
            RequestPipeline pipeline,
            Time time,
            ScheduledThreadPoolExecutor timer) {
        this.config = Objects.requireNonNull(config);
        this.metadata = Objects.requireNonNull(metadata);
        this.partitions = Objects.requireNonNull(partitions);
        this.pipeline = Objects.requireNonNull(pipeline);
        this.time = Objects.requireNonNull(time);
        this.timer = Objects.requireNonNull(timer);
    }

    /** The effective broker configuration now (server.properties plus dynamic configs). */
    public BrokerConfig config() {
        return config.current();
    }

    /** The broker configuration with its dynamic layers. */
    public DynamicBrokerConfig dynamicConfig() {
        return config;
    }

    public int nodeId() {
        return partitions.nodeId();
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public PartitionManager partitions() {
        return partitions;
    }

    public RequestPipeline pipeline() {
        return pipeline;
    }

    public Time time() {
        return time;
    }

    public ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    public List<BrokerRegistration.Endpoint> advertised() {
        return advertised;
    }

    public void advertised(List<BrokerRegistration.Endpoint> endpoints) {
        this.advertised = List.copyOf(endpoints);
    }

    /**
     * Runs {@code task} on the handler thread once the partition manager has applied every
     * metadata change committed so far. Call it when a metadata write's future completes: the
     * store's image then includes the write, and the task waits for the partition manager to
     * reach that image's offset. (The image travels to the handler thread through the ring; a
     * future that completed before the caller attached to it runs the caller on the handler
     * thread, where merely queueing the task would not put it behind the image.)
     */
    public void afterMetadataApplied(Runnable task) {
        long committed = metadata.image().offset();
        pipeline.execute(() -> partitions.whenApplied(committed, task));
    }
}

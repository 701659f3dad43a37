package io.tributary.metadata.raft;

import io.tributary.spi.metadata.MetadataContext;
import io.tributary.spi.metadata.MetadataProvider;
import io.tributary.spi.metadata.MetadataStore;
import io.tributary.spi.plugin.PluginException;
import io.tributary.spi.plugin.SpiVersion;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code raft} metadata plugin ({@code metadata.plugin=raft}): cluster metadata in a
 * versioned metadata log under {@code <metadataDir>/__cluster_metadata-0}, committed by a Raft
 * quorum of one (this node). Settings are described in {@link RaftMetadataConfig}.
 *
 * <p>Stateless; thread-safe.
 */
public final class RaftMetadataProvider implements MetadataProvider {
    private static final Logger log = LoggerFactory.getLogger(RaftMetadataProvider.class);

    /** Required by ServiceLoader. */
    public RaftMetadataProvider() {}

    @Override
    public String name() {
        return "raft";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "raft: cluster metadata in a local Raft log (quorum of one)";
    }

    /**
     * @throws PluginException if a setting is invalid
     * @throws io.tributary.spi.metadata.MetadataException if the metadata directory belongs to
     *     another node or holds a damaged log
     */
    @Override
    public MetadataStore open(MetadataContext context) {
        RaftMetadataConfig config;
        try {
            config = RaftMetadataConfig.from(context.settings());
        } catch (IllegalArgumentException e) {
            throw new PluginException("Invalid settings for metadata plugin 'raft': " + e.getMessage(), e);
        }
        Set<String> unknown = RaftMetadataConfig.unknownKeys(context.settings());
        if (!unknown.isEmpty()) {
            log.warn("Ignoring unknown settings metadata.raft.{}", unknown);
        }
        return RaftMetadataStore.open(context, config);
    }
}

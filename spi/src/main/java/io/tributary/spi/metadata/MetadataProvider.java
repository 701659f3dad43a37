package io.tributary.spi.metadata;

import io.tributary.spi.plugin.Plugin;

/** Creates the cluster metadata store. Selected by {@code metadata.plugin}. */
public interface MetadataProvider extends Plugin {

    /**
     * Opens the store: recovers committed metadata (replaying the metadata log) before
     * returning, so {@link MetadataStore#image()} is current when the kernel starts serving.
     *
     * @throws MetadataException if the stored metadata cannot be read
     * @throws io.tributary.spi.plugin.PluginException if the store's settings are invalid
     */
    MetadataStore open(MetadataContext context);
}

package io.tributary.spi.metadata;

/** Told about every newly committed metadata image. */
@FunctionalInterface
public interface MetadataListener {
    /** Called on the store's thread; must not block. */
    void onImage(MetadataImage previous, MetadataImage current);
}

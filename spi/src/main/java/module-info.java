/**
 * Tributary's service-provider interfaces. Depends on {@code java.base} only, so that a plugin
 * never drags the kernel's libraries into its own module layer.
 */
module io.tributary.spi {
    exports io.tributary.spi.plugin;
    exports io.tributary.spi.storage;
    exports io.tributary.spi.metadata;
    exports io.tributary.spi.replication;
    exports io.tributary.spi.auth;
    exports io.tributary.spi.processing;
}

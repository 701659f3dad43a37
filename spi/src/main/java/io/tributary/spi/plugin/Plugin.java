package io.tributary.spi.plugin;

/**
 * What every provider has in common. Providers are stateless factories found with
 * {@link java.util.ServiceLoader}; they need a public no-argument constructor (required by
 * ServiceLoader) and must do nothing expensive in it.
 */
public interface Plugin {

    /** The name that selects this provider in {@code server.properties}, e.g. {@code "mmap"}. */
    String name();

    /**
     * The SPI version the plugin was compiled against. Implement it as {@code return
     * SpiVersion.CURRENT;}: the constant is inlined at compile time, which is the point. The
     * loader refuses a plugin whose version differs from the kernel's.
     */
    int spiVersion();

    /** One line for start-up logs and error messages. */
    default String description() {
        return name();
    }
}

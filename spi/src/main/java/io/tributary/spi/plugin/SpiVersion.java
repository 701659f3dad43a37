package io.tributary.spi.plugin;

/**
 * The version of the SPI a plugin is compiled against. The constant is inlined into every
 * plugin that returns it from {@link Plugin#spiVersion()}, so the loader can compare the
 * version a plugin was built with to the version the running kernel offers.
 */
public final class SpiVersion {
    /** Bumped on every incompatible change to any interface in {@code io.tributary.spi}. */
    public static final int CURRENT = 2;

    private SpiVersion() {}
}

/**
 * The Tributary broker: network layer, request pipeline, API handlers, partition manager and
 * plugin loader. Capabilities come from plugins found with ServiceLoader.
 */
module io.tributary.kernel {
    requires transitive io.tributary.spi;
    requires io.tributary.protocol;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.codec;
    requires io.netty.handler;
    requires io.netty.transport.classes.epoll;
    requires com.lmax.disruptor;
    requires org.slf4j;

    exports io.tributary.kernel;
    exports io.tributary.kernel.config;
    // SLF4J instantiates the logging back end reflectively when the start script names it in
    // slf4j.provider (see ConsoleLogging).
    exports io.tributary.kernel.logging to
            org.slf4j;

    uses io.tributary.spi.storage.StorageProvider;
    uses io.tributary.spi.metadata.MetadataProvider;
    uses io.tributary.spi.replication.ReplicationProvider;
    uses io.tributary.spi.auth.AuthorizerProvider;
    uses io.tributary.spi.processing.ProcessingProvider;

    // The broker's logging back end (see ConsoleLogging for why it is not slf4j-simple).
    provides org.slf4j.spi.SLF4JServiceProvider with
            io.tributary.kernel.logging.ConsoleLogging;
}

/** The Kafka wire format over Netty {@code ByteBuf}s. */
module io.tributary.protocol {
    requires transitive io.netty.buffer;
    requires com.github.luben.zstd_jni;
    requires org.lz4.java;
    requires snappy.java;

    exports io.tributary.protocol.record;
}

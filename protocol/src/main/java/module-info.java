/**
 * The Kafka wire format over Netty {@code ByteBuf}s: generated message classes, the codec runtime they use, record
 * batches, and the framing helpers of the broker's network layer.
 */
module io.tributary.protocol {
    // ByteBuf and ByteBufAllocator appear in the public API.
    requires transitive io.netty.buffer;
    // FileRegion (file-backed records, MessageWriter parts) appears in the public API.
    requires transitive io.netty.transport;
    // ReferenceCountUtil, to release MessageWriter parts.
    requires io.netty.common;
    // The compression codecs of record batches.
    requires com.github.luben.zstd_jni;
    requires org.lz4.java;
    requires snappy.java;

    exports io.tributary.protocol;
    exports io.tributary.protocol.codec;
    exports io.tributary.protocol.message;
    exports io.tributary.protocol.frame;
    exports io.tributary.protocol.record;
}

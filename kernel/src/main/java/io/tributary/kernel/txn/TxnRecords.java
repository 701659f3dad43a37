package io.tributary.kernel.txn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tributary.kernel.partition.TopicPartitionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tributary's record format in {@code __transaction_state} (ours, not Kafka's): one record per
 * transactional id, the latest wins (the topic is compacted), a tombstone when the id expired.
 * The key starts with an int16 record type and the value with an int16 value version, so both
 * can evolve:
 *
 * <pre>
 * key   (type 1): transactionalId STRING
 * value (v0):     producerId INT64, previousProducerId INT64, nextProducerId INT64,
 *                 producerEpoch INT16, lastProducerEpoch INT16, timeoutMs INT32,
 *                 state INT8 ({@link TransactionState} id), startMs INT64, updateMs INT64,
 *                 transactionVersion INT8,
 *                 topicCount INT32, then per topic: name STRING, count INT32, partition INT32...
 * </pre>
 *
 * STRING is an int16 byte length and UTF-8. Readers skip keys of types they do not know and
 * reject value versions they do not know. Stateless and thread-safe.
 */
public final class TxnRecords {
    static final short TXN_KEY = 1;
    static final short VALUE_VERSION = 0;

    private TxnRecords() {}

    /** One record to append: key and value bytes, a null value for a tombstone. */
    public record Entry(byte[] key, byte[] value) {}

    /** The record of {@code transactionalId} holding {@code m}. */
    public static Entry of(String transactionalId, TxnMetadata m) {
        ByteBuf v = Unpooled.buffer(96 + 16 * m.partitions().size());
        v.writeShort(VALUE_VERSION);
        v.writeLong(m.producerId());
        v.writeLong(m.previousProducerId());
        v.writeLong(m.nextProducerId());
        v.writeShort(m.producerEpoch());
        v.writeShort(m.lastProducerEpoch());
        v.writeInt(m.timeoutMs());
        v.writeByte(m.state().id());
        v.writeLong(m.startMs());
        v.writeLong(m.updateMs());
        v.writeByte(m.transactionVersion());
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (TopicPartitionKey tp : m.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        v.writeInt(byTopic.size());
        byTopic.forEach((topic, partitions) -> {
            writeString(v, topic);
            v.writeInt(partitions.size());
            partitions.forEach(v::writeInt);
        });
        return new Entry(key(transactionalId), ByteBufUtil.getBytes(v));
    }

    /** The tombstone that removes {@code transactionalId}. */
    public static Entry tombstone(String transactionalId) {
        return new Entry(key(transactionalId), null);
    }

    private static byte[] key(String transactionalId) {
        ByteBuf k = Unpooled.buffer(8 + transactionalId.length());
        k.writeShort(TXN_KEY);
        writeString(k, transactionalId);
        return ByteBufUtil.getBytes(k);
    }

    /**
     * The transactional id of a key, or null for a key of a type this version does not know.
     *
     * @throws IllegalArgumentException if the bytes are malformed
     */
    public static String decodeKey(ByteBuf k) {
        try {
            short type = k.readShort();
            return type == TXN_KEY ? readString(k) : null;
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Truncated transaction record key", e);
        }
    }

    /**
     * Decodes a value.
     *
     * @throws IllegalArgumentException if the bytes are malformed or of an unknown version
     */
    public static TxnMetadata decodeValue(ByteBuf v) {
        try {
            short version = v.readShort();
            if (version != VALUE_VERSION) {
                throw new IllegalArgumentException("Unknown transaction value version " + version);
            }
            long producerId = v.readLong();
            long previousProducerId = v.readLong();
            long nextProducerId = v.readLong();
            short epoch = v.readShort();
            short lastEpoch = v.readShort();
            int timeoutMs = v.readInt();
            TransactionState state = TransactionState.ofId(v.readByte());
            long startMs = v.readLong();
            long updateMs = v.readLong();
            byte transactionVersion = v.readByte();
            int topics = readCount(v);
            List<TopicPartitionKey> partitions = new ArrayList<>();
            for (int t = 0; t < topics; t++) {
                String topic = readString(v);
                int n = readCount(v);
                for (int i = 0; i < n; i++) {
                    partitions.add(new TopicPartitionKey(topic, v.readInt()));
                }
            }
            return new TxnMetadata(
                    producerId,
                    previousProducerId,
                    nextProducerId,
                    epoch,
                    lastEpoch,
                    timeoutMs,
                    state,
                    new java.util.HashSet<>(partitions),
                    startMs,
                    updateMs,
                    transactionVersion);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Truncated transaction record value", e);
        }
    }

    private static void writeString(ByteBuf b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("String of " + utf8.length + " bytes is too long to store");
        }
        b.writeShort(utf8.length);
        b.writeBytes(utf8);
    }

    private static String readString(ByteBuf b) {
        short len = b.readShort();
        if (len < 0 || len > b.readableBytes()) {
            throw new IllegalArgumentException("Bad string length " + len);
        }
        String s = b.toString(b.readerIndex(), len, StandardCharsets.UTF_8);
        b.skipBytes(len);
        return s;
    }

    private static int readCount(ByteBuf b) {
        int n = b.readInt();
        if (n < 0 || n > b.readableBytes()) {
            throw new IllegalArgumentException("Bad element count " + n);
        }
        return n;
    }
}

package io.tributary.kernel.group;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tributary.kernel.partition.TopicPartitionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Tributary's record formats in {@code __consumer_offsets} (ours, not Kafka's). Every key starts
 * with an int16 record type, every value with an int16 value version, so both can evolve:
 *
 * <pre>
 * offset key  (type 1): group STRING, topic STRING, partition INT32
 * offset value (v0):    offset INT64, leaderEpoch INT32, metadata NULLABLE_STRING,
 *                       commitTimestamp INT64, expireTimestamp INT64
 * group key   (type 2): group STRING
 * group value (v0):     kind INT8 (0 classic, 1 consumer), then the kind's fields (see the encoders)
 * </pre>
 *
 * STRING is an int16 byte length and UTF-8, NULLABLE_STRING uses length -1 for null, BYTES an
 * int32 length (-1 for null). A null value is a tombstone: the offset or group is deleted.
 * Readers skip records whose key type they do not know and reject value versions they do not
 * know. Stateless and thread-safe.
 */
public final class GroupRecords {
    static final short OFFSET_KEY = 1;
    static final short GROUP_KEY = 2;
    static final short VALUE_VERSION = 0;
    static final byte CLASSIC = 0;
    static final byte CONSUMER = 1;

    private GroupRecords() {}

    /** One record to append: key and value bytes, a null value for a tombstone. */
    public record Entry(byte[] key, byte[] value) {}

    /** A decoded key. */
    public sealed interface Key permits OffsetKey, GroupKey, UnknownKey {
        String group();
    }

    public record OffsetKey(String group, String topic, int partition) implements Key {}

    public record GroupKey(String group) implements Key {}

    /** A key of a type this version does not know (written by a newer broker). */
    public record UnknownKey(short type) implements Key {
        @Override
        public String group() {
            return null;
        }
    }

    /** A classic group as stored after each completed rebalance. */
    public record ClassicGroupValue(
            String protocolType,
            int generation,
            String protocolName,
            String leader,
            long stateTimestamp,
            List<ClassicMemberValue> members)
            implements GroupValue {}

    /** A member of a classic group: its subscription is the metadata of the selected protocol. */
    public record ClassicMemberValue(
            String memberId,
            String instanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            byte[] subscription,
            byte[] assignment) {}

    /** A consumer-protocol (KIP-848) group: epochs, members and the target assignment. */
    public record ConsumerGroupValue(
            int groupEpoch, int assignmentEpoch, long stateTimestamp, List<ConsumerMemberValue> members)
            implements GroupValue {}

    /** A member of a consumer-protocol group, with its current and target assignment. */
    public record ConsumerMemberValue(
            String memberId,
            String instanceId,
            String rackId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            List<String> subscribedTopicNames,
            String subscribedTopicRegex,
            String serverAssignor,
            int memberEpoch,
            int previousMemberEpoch,
            byte state,
            Map<UUID, Set<Integer>> assigned,
            Map<UUID, Set<Integer>> pendingRevocation,
            Map<UUID, Set<Integer>> target) {}

    /** A decoded group value. */
    public sealed interface GroupValue permits ClassicGroupValue, ConsumerGroupValue {}

    // ---------------------------------------------------------------- encoding

    public static Entry offset(String group, TopicPartitionKey tp, OffsetAndMetadata o) {
        ByteBuf v = Unpooled.buffer(64);
        v.writeShort(VALUE_VERSION);
        v.writeLong(o.offset());
        v.writeInt(o.leaderEpoch());
        writeNullableString(v, o.metadata());
        v.writeLong(o.commitTimestamp());
        v.writeLong(o.expireTimestamp());
        return new Entry(offsetKey(group, tp), bytes(v));
    }

    public static Entry offsetTombstone(String group, TopicPartitionKey tp) {
        return new Entry(offsetKey(group, tp), null);
    }

    public static Entry groupTombstone(String group) {
        return new Entry(groupKey(group), null);
    }

    public static Entry classicGroup(String group, ClassicGroupValue g) {
        ByteBuf v = Unpooled.buffer(256);
        v.writeShort(VALUE_VERSION);
        v.writeByte(CLASSIC);
        writeString(v, g.protocolType());
        v.writeInt(g.generation());
        writeNullableString(v, g.protocolName());
        writeNullableString(v, g.leader());
        v.writeLong(g.stateTimestamp());
        v.writeInt(g.members().size());
        for (ClassicMemberValue m : g.members()) {
            writeString(v, m.memberId());
            writeNullableString(v, m.instanceId());
            writeString(v, m.clientId());
            writeString(v, m.clientHost());
            v.writeInt(m.rebalanceTimeoutMs());
            v.writeInt(m.sessionTimeoutMs());
            writeBytes(v, m.subscription());
            writeBytes(v, m.assignment());
        }
        return new Entry(groupKey(group), bytes(v));
    }

    public static Entry consumerGroup(String group, ConsumerGroupValue g) {
        ByteBuf v = Unpooled.buffer(256);
        v.writeShort(VALUE_VERSION);
        v.writeByte(CONSUMER);
        v.writeInt(g.groupEpoch());
        v.writeInt(g.assignmentEpoch());
        v.writeLong(g.stateTimestamp());
        v.writeInt(g.members().size());
        for (ConsumerMemberValue m : g.members()) {
            writeString(v, m.memberId());
            writeNullableString(v, m.instanceId());
            writeNullableString(v, m.rackId());
            writeString(v, m.clientId());
            writeString(v, m.clientHost());
            v.writeInt(m.rebalanceTimeoutMs());
            v.writeInt(m.subscribedTopicNames().size());
            for (String t : m.subscribedTopicNames()) {
                writeString(v, t);
            }
            writeNullableString(v, m.subscribedTopicRegex());
            writeNullableString(v, m.serverAssignor());
            v.writeInt(m.memberEpoch());
            v.writeInt(m.previousMemberEpoch());
            v.writeByte(m.state());
            writePartitions(v, m.assigned());
            writePartitions(v, m.pendingRevocation());
            writePartitions(v, m.target());
        }
        return new Entry(groupKey(group), bytes(v));
    }

    private static byte[] offsetKey(String group, TopicPartitionKey tp) {
        ByteBuf k = Unpooled.buffer(32 + group.length() + tp.topic().length());
        k.writeShort(OFFSET_KEY);
        writeString(k, group);
        writeString(k, tp.topic());
        k.writeInt(tp.partition());
        return bytes(k);
    }

    private static byte[] groupKey(String group) {
        ByteBuf k = Unpooled.buffer(8 + group.length());
        k.writeShort(GROUP_KEY);
        writeString(k, group);
        return bytes(k);
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes a key.
     *
     * @throws IllegalArgumentException if the bytes are malformed
     */
    public static Key decodeKey(ByteBuf k) {
        try {
            short type = k.readShort();
            return switch (type) {
                case OFFSET_KEY -> new OffsetKey(readString(k), readString(k), k.readInt());
                case GROUP_KEY -> new GroupKey(readString(k));
                default -> new UnknownKey(type);
            };
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Truncated record key", e);
        }
    }

    /**
     * Decodes an offset value.
     *
     * @throws IllegalArgumentException if the bytes are malformed or of an unknown version
     */
    public static OffsetAndMetadata decodeOffset(ByteBuf v) {
        try {
            checkVersion(v.readShort());
            return new OffsetAndMetadata(v.readLong(), v.readInt(), readNullableString(v), v.readLong(), v.readLong());
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Truncated offset value", e);
        }
    }

    /**
     * Decodes a group value.
     *
     * @throws IllegalArgumentException if the bytes are malformed or of an unknown version or kind
     */
    public static GroupValue decodeGroup(ByteBuf v) {
        try {
            checkVersion(v.readShort());
            byte kind = v.readByte();
            return switch (kind) {
                case CLASSIC -> decodeClassic(v);
                case CONSUMER -> decodeConsumer(v);
                default -> throw new IllegalArgumentException("Unknown group kind " + kind);
            };
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Truncated group value", e);
        }
    }

    private static ClassicGroupValue decodeClassic(ByteBuf v) {
        String protocolType = readString(v);
        int generation = v.readInt();
        String protocolName = readNullableString(v);
        String leader = readNullableString(v);
        long stateTimestamp = v.readLong();
        int n = readCount(v);
        List<ClassicMemberValue> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new ClassicMemberValue(
                    readString(v),
                    readNullableString(v),
                    readString(v),
                    readString(v),
                    v.readInt(),
                    v.readInt(),
                    readBytes(v),
                    readBytes(v)));
        }
        return new ClassicGroupValue(protocolType, generation, protocolName, leader, stateTimestamp, members);
    }

    private static ConsumerGroupValue decodeConsumer(ByteBuf v) {
        int groupEpoch = v.readInt();
        int assignmentEpoch = v.readInt();
        long stateTimestamp = v.readLong();
        int n = readCount(v);
        List<ConsumerMemberValue> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String memberId = readString(v);
            String instanceId = readNullableString(v);
            String rackId = readNullableString(v);
            String clientId = readString(v);
            String clientHost = readString(v);
            int rebalanceTimeout = v.readInt();
            int topics = readCount(v);
            List<String> names = new ArrayList<>(topics);
            for (int t = 0; t < topics; t++) {
                names.add(readString(v));
            }
            String regex = readNullableString(v);
            String assignor = readNullableString(v);
            int epoch = v.readInt();
            int previousEpoch = v.readInt();
            byte state = v.readByte();
            members.add(new ConsumerMemberValue(
                    memberId,
                    instanceId,
                    rackId,
                    clientId,
                    clientHost,
                    rebalanceTimeout,
                    names,
                    regex,
                    assignor,
                    epoch,
                    previousEpoch,
                    state,
                    readPartitions(v),
                    readPartitions(v),
                    readPartitions(v)));
        }
        return new ConsumerGroupValue(groupEpoch, assignmentEpoch, stateTimestamp, members);
    }

    private static void checkVersion(short version) {
        if (version != VALUE_VERSION) {
            throw new IllegalArgumentException("Unknown value version " + version);
        }
    }

    // ---------------------------------------------------------------- primitives

    private static byte[] bytes(ByteBuf b) {
        return ByteBufUtil.getBytes(b);
    }

    private static void writeString(ByteBuf b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("String of " + utf8.length + " bytes is too long to store");
        }
        b.writeShort(utf8.length);
        b.writeBytes(utf8);
    }

    private static void writeNullableString(ByteBuf b, String s) {
        if (s == null) {
            b.writeShort(-1);
        } else {
            writeString(b, s);
        }
    }

    private static void writeBytes(ByteBuf b, byte[] bytes) {
        if (bytes == null) {
            b.writeInt(-1);
        } else {
            b.writeInt(bytes.length);
            b.writeBytes(bytes);
        }
    }

    private static void writePartitions(ByteBuf b, Map<UUID, Set<Integer>> partitions) {
        b.writeInt(partitions.size());
        for (Map.Entry<UUID, Set<Integer>> e : partitions.entrySet()) {
            b.writeLong(e.getKey().getMostSignificantBits());
            b.writeLong(e.getKey().getLeastSignificantBits());
            b.writeInt(e.getValue().size());
            for (int p : e.getValue()) {
                b.writeInt(p);
            }
        }
    }

    private static String readString(ByteBuf b) {
        String s = readNullableString(b);
        if (s == null) {
            throw new IllegalArgumentException("Null where a string is required");
        }
        return s;
    }

    private static String readNullableString(ByteBuf b) {
        short len = b.readShort();
        if (len < 0) {
            return null;
        }
        String s = b.toString(b.readerIndex(), len, StandardCharsets.UTF_8);
        b.skipBytes(len);
        return s;
    }

    private static byte[] readBytes(ByteBuf b) {
        int len = b.readInt();
        if (len < 0) {
            return null;
        }
        if (len > b.readableBytes()) {
            throw new IllegalArgumentException("Bytes field of " + len + " bytes exceeds the record");
        }
        byte[] out = new byte[len];
        b.readBytes(out);
        return out;
    }

    private static int readCount(ByteBuf b) {
        int n = b.readInt();
        if (n < 0 || n > b.readableBytes()) {
            throw new IllegalArgumentException("Bad element count " + n);
        }
        return n;
    }

    private static Map<UUID, Set<Integer>> readPartitions(ByteBuf b) {
        int topics = readCount(b);
        Map<UUID, Set<Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < topics; i++) {
            UUID id = new UUID(b.readLong(), b.readLong());
            int n = readCount(b);
            Set<Integer> partitions = new TreeSet<>();
            for (int p = 0; p < n; p++) {
                partitions.add(b.readInt());
            }
            out.put(id, partitions);
        }
        return out;
    }
}

package io.tributary.metadata.raft.record;

import io.tributary.metadata.raft.record.MetadataRecord.Config;
import io.tributary.metadata.raft.record.MetadataRecord.FeatureLevel;
import io.tributary.metadata.raft.record.MetadataRecord.FenceBroker;
import io.tributary.metadata.raft.record.MetadataRecord.Partition;
import io.tributary.metadata.raft.record.MetadataRecord.PartitionChange;
import io.tributary.metadata.raft.record.MetadataRecord.ProducerIds;
import io.tributary.metadata.raft.record.MetadataRecord.RegisterBroker;
import io.tributary.metadata.raft.record.MetadataRecord.RemoveTopic;
import io.tributary.metadata.raft.record.MetadataRecord.Topic;
import io.tributary.spi.metadata.BrokerRegistration;
import io.tributary.spi.metadata.ConfigResource;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Encodes metadata records to bytes and back. A record is {@code type int16, version int16,
 * payload}; the log frames each record with its length and covers its batch with a CRC32C.
 * Payload fields are big-endian; strings are an int32 byte length (-1 for none) and UTF-8;
 * lists are an int32 count and their elements; UUIDs are two int64s.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordCodec {

    private RecordCodec() {}

    /** The record's bytes at its type's latest version. */
    public static ByteBuffer encode(MetadataRecord record) {
        Writer w = new Writer();
        w.putShort(record.type().id());
        w.putShort(record.type().latestVersion());
        switch (record) {
            case RegisterBroker(BrokerRegistration reg) -> {
                w.putInt(reg.id());
                w.putUuid(reg.incarnationId());
                w.putInt(reg.endpoints().size());
                for (BrokerRegistration.Endpoint e : reg.endpoints()) {
                    w.putString(e.listener());
                    w.putString(e.host());
                    w.putInt(e.port());
                    w.putString(e.securityProtocol());
                }
                w.putString(reg.rack().orElse(null));
                w.putBoolean(reg.fenced());
            }
            case FenceBroker(int brokerId, boolean fenced) -> {
                w.putInt(brokerId);
                w.putBoolean(fenced);
            }
            case Topic(String name, UUID topicId) -> {
                w.putString(name);
                w.putUuid(topicId);
            }
            case Partition p -> {
                w.putUuid(p.topicId());
                w.putInt(p.partition());
                w.putIntList(p.replicas());
                w.putIntList(p.isr());
                w.putInt(p.leader());
                w.putInt(p.leaderEpoch());
                w.putInt(p.partitionEpoch());
            }
            case PartitionChange c -> {
                w.putUuid(c.topicId());
                w.putInt(c.partition());
                w.putBoolean(c.leader().isPresent());
                w.putInt(c.leader().orElse(-1));
                w.putOptionalIntList(c.isr());
                w.putOptionalIntList(c.replicas());
            }
            case RemoveTopic(UUID topicId) -> w.putUuid(topicId);
            case Config(ConfigResource resource, String key, Optional<String> value) -> {
                w.putByte(
                        switch (resource.type()) {
                            case TOPIC -> 0;
                            case BROKER -> 1;
                        });
                w.putString(resource.name());
                w.putString(key);
                w.putString(value.orElse(null));
            }
            case ProducerIds(int brokerId, long nextProducerId) -> {
                w.putInt(brokerId);
                w.putLong(nextProducerId);
            }
            case FeatureLevel(String name, short level) -> {
                w.putString(name);
                w.putShort(level);
            }
        }
        return w.toBuffer();
    }

    /**
     * Decodes one record that fills {@code bytes} exactly (from its position to its limit). Does
     * not move the caller's buffer.
     *
     * @throws RecordFormatException for an unknown type, a version newer than this code knows,
     *     truncated or trailing bytes, or values no writer produces
     */
    public static MetadataRecord decode(ByteBuffer bytes) {
        Reader r = new Reader(bytes.duplicate());
        try {
            RecordType type = RecordType.fromId(r.getShort());
            short version = r.getShort();
            if (version < 0 || version > type.latestVersion()) {
                throw new RecordFormatException("Metadata record " + type + " has version " + version
                        + ", but this Tributary reads versions up to " + type.latestVersion()
                        + " (written by a newer release?)");
            }
            MetadataRecord record = decodePayload(type, r);
            if (r.buf.hasRemaining()) {
                throw new RecordFormatException(
                        "Metadata record " + type + " has " + r.buf.remaining() + " unexpected trailing bytes");
            }
            return record;
        } catch (BufferUnderflowException e) {
            throw new RecordFormatException("Metadata record is truncated");
        }
    }

    private static MetadataRecord decodePayload(RecordType type, Reader r) {
        return switch (type) {
            case REGISTER_BROKER -> {
                int id = r.getInt();
                UUID incarnation = r.getUuid();
                int count = r.getCount();
                List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    endpoints.add(
                            new BrokerRegistration.Endpoint(r.getString(), r.getString(), r.getInt(), r.getString()));
                }
                Optional<String> rack = Optional.ofNullable(r.getNullableString());
                boolean fenced = r.getBoolean();
                yield new RegisterBroker(new BrokerRegistration(id, incarnation, endpoints, rack, fenced));
            }
            case FENCE_BROKER -> new FenceBroker(r.getInt(), r.getBoolean());
            case TOPIC -> new Topic(r.getString(), r.getUuid());
            case PARTITION ->
                new Partition(
                        r.getUuid(), r.getInt(), r.getIntList(), r.getIntList(), r.getInt(), r.getInt(), r.getInt());
            case PARTITION_CHANGE -> {
                UUID topicId = r.getUuid();
                int partition = r.getInt();
                boolean hasLeader = r.getBoolean();
                int leader = r.getInt();
                yield new PartitionChange(
                        topicId,
                        partition,
                        hasLeader ? OptionalInt.of(leader) : OptionalInt.empty(),
                        r.getOptionalIntList(),
                        r.getOptionalIntList());
            }
            case REMOVE_TOPIC -> new RemoveTopic(r.getUuid());
            case CONFIG -> {
                ConfigResource.Type resourceType = switch (r.getByte()) {
                    case 0 -> ConfigResource.Type.TOPIC;
                    case 1 -> ConfigResource.Type.BROKER;
                    default -> throw new RecordFormatException("Unknown config resource type");
                };
                ConfigResource resource = new ConfigResource(resourceType, r.getString());
                yield new Config(resource, r.getString(), Optional.ofNullable(r.getNullableString()));
            }
            case PRODUCER_IDS -> new ProducerIds(r.getInt(), r.getLong());
            case FEATURE_LEVEL -> new FeatureLevel(r.getString(), r.getShort());
        };
    }

    /** A growable big-endian buffer. */
    private static final class Writer {
        private byte[] bytes = new byte[64];
        private int size;

        private ByteBuffer room(int n) {
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            }
            ByteBuffer b = ByteBuffer.wrap(bytes, size, n);
            size += n;
            return b;
        }

        void putByte(int v) {
            room(1).put((byte) v);
        }

        void putBoolean(boolean v) {
            putByte(v ? 1 : 0);
        }

        void putShort(short v) {
            room(2).putShort(v);
        }

        void putInt(int v) {
            room(4).putInt(v);
        }

        void putLong(long v) {
            room(8).putLong(v);
        }

        void putUuid(UUID id) {
            putLong(id.getMostSignificantBits());
            putLong(id.getLeastSignificantBits());
        }

        void putString(String s) {
            if (s == null) {
                putInt(-1);
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            putInt(utf8.length);
            room(utf8.length).put(utf8);
        }

        void putIntList(List<Integer> list) {
            putInt(list.size());
            for (int v : list) {
                putInt(v);
            }
        }

        void putOptionalIntList(Optional<List<Integer>> list) {
            if (list.isEmpty()) {
                putInt(-1);
            } else {
                putIntList(list.get());
            }
        }

        ByteBuffer toBuffer() {
            return ByteBuffer.wrap(Arrays.copyOf(bytes, size)).asReadOnlyBuffer();
        }
    }

    /** Reads fields, turning impossible lengths into {@link RecordFormatException}. */
    private static final class Reader {
        private final ByteBuffer buf;

        Reader(ByteBuffer buf) {
            this.buf = buf;
        }

        byte getByte() {
            return buf.get();
        }

        boolean getBoolean() {
            return switch (buf.get()) {
                case 0 -> false;
                case 1 -> true;
                default -> throw new RecordFormatException("Invalid boolean in metadata record");
            };
        }

        short getShort() {
            return buf.getShort();
        }

        int getInt() {
            return buf.getInt();
        }

        long getLong() {
            return buf.getLong();
        }

        UUID getUuid() {
            return new UUID(buf.getLong(), buf.getLong());
        }

        /** An element count; it cannot exceed the bytes left, since every element takes at least one. */
        int getCount() {
            int count = buf.getInt();
            if (count < 0 || count > buf.remaining()) {
                throw new RecordFormatException("Invalid element count " + count + " in metadata record");
            }
            return count;
        }

        String getNullableString() {
            int length = buf.getInt();
            if (length == -1) {
                return null;
            }
            if (length < 0 || length > buf.remaining()) {
                throw new RecordFormatException("Invalid string length " + length + " in metadata record");
            }
            byte[] utf8 = new byte[length];
            buf.get(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }

        String getString() {
            String s = getNullableString();
            if (s == null) {
                throw new RecordFormatException("Missing string in metadata record");
            }
            return s;
        }

        List<Integer> getIntList() {
            int count = getCount();
            List<Integer> list = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                list.add(buf.getInt());
            }
            return list;
        }

        Optional<List<Integer>> getOptionalIntList() {
            int mark = buf.position();
            if (buf.getInt() == -1) {
                return Optional.empty();
            }
            buf.position(mark);
            return Optional.of(getIntList());
        }
    }
}

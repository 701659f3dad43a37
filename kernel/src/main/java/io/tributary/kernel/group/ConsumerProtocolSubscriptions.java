package io.tributary.kernel.group;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tributary.protocol.codec.ProtocolException;
import io.tributary.protocol.message.ConsumerProtocolSubscriptionData;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the topics out of a classic consumer's subscription (the JoinGroup protocol metadata of
 * protocol type {@code consumer}): an int16 version, then ConsumerProtocolSubscription in that
 * version. Newer versions are read with the newest layout known, as Kafka's clients promise
 * fields are only ever appended.
 */
final class ConsumerProtocolSubscriptions {
    private ConsumerProtocolSubscriptions() {}

    /** The subscribed topics, or empty when the bytes are not a consumer subscription. */
    static Optional<Set<String>> topics(byte[] metadata) {
        if (metadata == null || metadata.length < 2) {
            return Optional.empty();
        }
        ByteBuf buf = Unpooled.wrappedBuffer(metadata);
        try {
            short version = buf.readShort();
            if (version < 0) {
                return Optional.empty();
            }
            short readAs = (short) Math.min(version, ConsumerProtocolSubscriptionData.HIGHEST_SUPPORTED_VERSION);
            ConsumerProtocolSubscriptionData data = new ConsumerProtocolSubscriptionData(buf, readAs);
            return Optional.of(new TreeSet<>(data.topics()));
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}

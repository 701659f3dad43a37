package io.tributary.protocol.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * A message of the Kafka protocol that reads and writes itself in any of its versions: the generated request,
 * response, header and data classes of {@code io.tributary.protocol.message} and their nested structs.
 *
 * <p>Instances are mutable and not thread-safe; hand them between threads with a happens-before edge (a queue, the
 * Disruptor ring).
 */
public interface Message {
    /**
     * The API key of requests and responses, -1 for other messages (headers, data types, nested structs). A nested
     * struct that declares an int16 field named {@code ApiKey} (ApiVersionsResponseData.ApiVersion) answers that
     * field's value instead, as its accessor has the same signature.
     */
    short apiKey();

    short lowestSupportedVersion();

    short highestSupportedVersion();

    /**
     * Replaces every field with what {@code buf} holds from its reader index, and advances the reader index past the
     * message. Fields absent from {@code version} take their defaults. Variable-length values are checked against the
     * readable bytes before anything is allocated. Records fields become {@link ByteBufRecords} over a non-retained
     * slice of {@code buf}: keep {@code buf} alive while using them.
     *
     * @throws UnsupportedVersionException if the version is outside this message's range
     * @throws MalformedMessageException if the bytes do not decode (the reader index is then unspecified)
     */
    void read(ByteBuf buf, short version);

    /**
     * Writes the message in the given version.
     *
     * @throws UnsupportedVersionException if the version is outside this message's range, or a field holds a value
     *     the version cannot carry (a non-ignorable field absent from the version set to a non-default value, null in
     *     a version where the field is not nullable)
     */
    void write(MessageWriter out, short version);

    /**
     * The exact number of bytes {@link #write} produces for this version (records included).
     *
     * @throws UnsupportedVersionException if the version is outside this message's range
     */
    int size(short version);

    /** Tagged fields read that this codec does not know, in the order read; mutable, written back by {@link #write}. */
    List<RawTaggedField> unknownTaggedFields();
}

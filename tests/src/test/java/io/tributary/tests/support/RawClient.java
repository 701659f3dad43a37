package io.tributary.tests.support;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A bare TCP connection speaking the Kafka framing, for tests that send what real clients never
 * would. Requests and responses are built and parsed with kafka-clients' own classes (the oracle).
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId = 1;

    public RawClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Writes raw bytes as they are (no size prefix added). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a size-prefixed frame. */
    public void writeFrame(ByteBuffer body) throws IOException {
        byte[] bytes = new byte[body.remaining()];
        body.duplicate().get(bytes);
        ByteBuffer frame = ByteBuffer.allocate(4 + bytes.length);
        frame.putInt(bytes.length).put(bytes);
        writeRaw(frame.array());
    }

    /** Reads one response frame's body (after the size prefix). */
    public ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    /** Sends a request built with kafka-clients and returns the header it used. */
    public RequestHeader send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", correlationId++);
        writeFrame(request.serializeWithHeader(header));
        return header;
    }

    /**
     * Produces {@code records} to partition 0 of {@code topic} with acks=all (transactional when
     * {@code transactionalId} is not null) in a Produce request of {@code version}, and returns the
     * partition's answer. The records' buffer is not consumed.
     */
    public ProduceResponseData.PartitionProduceResponse produce(
            String topic, String transactionalId, MemoryRecords records, short version) throws IOException {
        return produce(topic, 0, transactionalId, (short) -1, records, version);
    }

    /** As {@link #produce(String, String, MemoryRecords, short)}, to any partition with any acks. */
    public ProduceResponseData.PartitionProduceResponse produce(
            String topic, int partition, String transactionalId, short acks, MemoryRecords records, short version)
            throws IOException {
        ProduceRequestData data = new ProduceRequestData()
                .setAcks(acks)
                .setTimeoutMs(5000)
                .setTransactionalId(transactionalId)
                .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                                new ProduceRequestData.TopicProduceData()
                                        .setName(topic)
                                        .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                                                .setIndex(partition)
                                                .setRecords(MemoryRecords.readableRecords(
                                                        records.buffer().duplicate())))))
                        .iterator()));
        ProduceResponse r = (ProduceResponse) call(ProduceRequest.builder(data).build(version));
        return r.data().responses().iterator().next().partitionResponses().getFirst();
    }

    /** Sends a request and parses its response with kafka-clients. */
    public AbstractResponse call(AbstractRequest request) throws IOException {
        RequestHeader header = send(request);
        return AbstractResponse.parseResponse(readFrame(), header);
    }

    public int nextCorrelationId() {
        return correlationId++;
    }

    /**
     * True once the broker has closed the connection (a read sees the end of the stream or a
     * reset) within the socket timeout; false if bytes arrive instead.
     */
    public boolean closedByBroker() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    public static ApiKeys key(short apiKey) {
        return ApiKeys.forId(apiKey);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

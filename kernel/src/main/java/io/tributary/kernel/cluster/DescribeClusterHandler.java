package io.tributary.kernel.cluster;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DescribeClusterRequestData;
import io.tributary.protocol.message.DescribeClusterResponseData;
import io.tributary.spi.metadata.BrokerRegistration;
import java.util.Comparator;
import java.util.List;

/**
 * DescribeCluster: the cluster id, the controller a client should use (this broker, as in the
 * Metadata answer) and the brokers with their endpoints on the listener the request came in on;
 * fenced brokers only when asked (v2). Brokers answer only for the broker endpoint type.
 */
public final class DescribeClusterHandler implements ApiHandler {
    private static final byte ENDPOINT_BROKER = 1;
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;
    /** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, tokens. */
    private static final int ALL_CLUSTER_OPERATIONS =
            (1 << 4) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

    private final KernelServices services;

    public DescribeClusterHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.DESCRIBE_CLUSTER;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        DescribeClusterRequestData request = (DescribeClusterRequestData) message;
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setThrottleTimeMs(0)
                .setEndpointType(request.endpointType())
                .setClusterId(services.metadata().clusterId());
        if (context.apiVersion() >= 1 && request.endpointType() != ENDPOINT_BROKER) {
            context.respond(response.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint of"
                            + " type " + (request.endpointType() == 2 ? "CONTROLLER" : "UNKNOWN")));
            return;
        }
        String listener = context.connection().listener().name();
        boolean includeFenced = context.apiVersion() >= 2 && request.includeFencedBrokers();
        List<BrokerRegistration> brokers = services.partitions().image().brokers().values().stream()
                .sorted(Comparator.comparingInt(BrokerRegistration::id))
                .toList();
        for (BrokerRegistration b : brokers) {
            if (b.fenced() && !includeFenced) {
                continue;
            }
            for (BrokerRegistration.Endpoint e : b.endpoints()) {
                if (e.listener().equals(listener)) {
                    response.brokers()
                            .add(new DescribeClusterResponseData.DescribeClusterBroker()
                                    .setBrokerId(b.id())
                                    .setHost(e.host())
                                    .setPort(e.port())
                                    .setRack(b.rack().orElse(null))
                                    .setIsFenced(b.fenced()));
                }
            }
        }
        response.setErrorCode(Errors.NONE.code())
                .setControllerId(services.nodeId())
                .setClusterAuthorizedOperations(
                        request.includeClusterAuthorizedOperations()
                                ? ALL_CLUSTER_OPERATIONS
                                : AUTHORIZED_OPERATIONS_OMITTED);
        context.respond(response);
    }
}

package io.tributary.spi.metadata;

import java.util.List;
import java.util.Optional;

/**
 * A broker as the cluster knows it.
 *
 * @param id the broker's {@code node.id}
 * @param incarnationId changes on every start, so a restarted broker is told apart
 * @param endpoints its advertised listeners
 * @param rack {@code broker.rack}, if set
 * @param fenced true while the broker may not lead partitions
 */
public record BrokerRegistration(
        int id, java.util.UUID incarnationId, List<Endpoint> endpoints, Optional<String> rack, boolean fenced) {
    public BrokerRegistration {
        endpoints = List.copyOf(endpoints);
    }

    /** An advertised listener. */
    public record Endpoint(String listener, String host, int port, String securityProtocol) {
        /**
         * {@code NAME://host:port}, as listeners are configured. Written out: a record's generated
         * toString is built by the JDK at its first call (~10 ms of a broker's start, which logs
         * its endpoints).
         */
        @Override
        public String toString() {
            return listener + "://" + host + ":" + port;
        }
    }
}

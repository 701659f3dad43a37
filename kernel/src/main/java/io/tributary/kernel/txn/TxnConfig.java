package io.tributary.kernel.txn;

import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.ConfigException;

/**
 * The transaction coordinator's settings, from the broker configuration (Kafka's keys and
 * defaults).
 *
 * @param topicPartitions {@code transaction.state.log.num.partitions}
 * @param topicReplicationFactor {@code transaction.state.log.replication.factor}
 * @param topicMinIsr {@code transaction.state.log.min.isr}
 * @param topicSegmentBytes {@code transaction.state.log.segment.bytes}
 * @param maxTimeoutMs {@code transaction.max.timeout.ms}: the longest transaction timeout a
 *     producer may ask for
 * @param transactionalIdExpirationMs {@code transactional.id.expiration.ms}
 * @param abortTimedOutIntervalMs {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}
 * @param removeExpiredIntervalMs {@code transaction.remove.expired.transaction.cleanup.interval.ms}
 * @param writeTimeoutMs how long a write to {@code __transaction_state} or a marker may wait for
 *     the replicas ({@code request.timeout.ms})
 * @param retryBackoffMs how long to wait before writing a marker again after a retriable
 *     failure (Kafka's client default {@code retry.backoff.ms}; brokers have no key for it)
 */
public record TxnConfig(
        int topicPartitions,
        short topicReplicationFactor,
        int topicMinIsr,
        int topicSegmentBytes,
        int maxTimeoutMs,
        long transactionalIdExpirationMs,
        long abortTimedOutIntervalMs,
        long removeExpiredIntervalMs,
        long writeTimeoutMs,
        long retryBackoffMs) {

    static final long MARKER_RETRY_BACKOFF_MS = 100;

    public TxnConfig {
        if (topicPartitions < 1 || topicReplicationFactor < 1 || topicMinIsr < 1) {
            throw new ConfigException(
                    "transaction.state.log partitions, replication factor and min.isr must be positive");
        }
        if (maxTimeoutMs < 1 || abortTimedOutIntervalMs < 1 || removeExpiredIntervalMs < 1) {
            throw new ConfigException("transaction timeouts and cleanup intervals must be positive");
        }
    }

    /** Reads the transaction settings of a broker configuration. */
    public static TxnConfig from(BrokerConfig c) {
        return new TxnConfig(
                c.getInt("transaction.state.log.num.partitions"),
                c.getShort("transaction.state.log.replication.factor"),
                c.getInt("transaction.state.log.min.isr"),
                c.getInt("transaction.state.log.segment.bytes"),
                c.getInt("transaction.max.timeout.ms"),
                c.getInt("transactional.id.expiration.ms"),
                c.getInt("transaction.abort.timed.out.transaction.cleanup.interval.ms"),
                c.getInt("transaction.remove.expired.transaction.cleanup.interval.ms"),
                c.getInt("request.timeout.ms"),
                MARKER_RETRY_BACKOFF_MS);
    }
}

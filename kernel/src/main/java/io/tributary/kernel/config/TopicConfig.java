package io.tributary.kernel.config;

import io.tributary.spi.storage.LogConfig;

/**
 * A topic's effective configuration: what storage needs ({@link LogConfig}) and what the
 * kernel checks on produce.
 *
 * @param logAppendTime {@code message.timestamp.type=LogAppendTime}
 * @param compressionType {@code compression.type}: "producer" keeps what the producer sent
 */
public record TopicConfig(
        LogConfig log,
        int maxMessageBytes,
        boolean logAppendTime,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs,
        int minInsyncReplicas,
        String compressionType) {}

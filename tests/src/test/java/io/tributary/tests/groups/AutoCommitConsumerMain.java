package io.tributary.tests.groups;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer with auto-commit, run in its own JVM so that a test can kill it with SIGKILL: it
 * prints "REC partition offset" for each record it processed, and takes a little time per batch
 * as an application would, so that some processed records are always newer than the last commit.
 *
 * <p>Arguments: bootstrap servers, topic, group id.
 */
public final class AutoCommitConsumerMain {
    private AutoCommitConsumerMain() {}

    public static void main(String[] args) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, args[2]);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        p.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "500");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "250");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(args[1]));
            while (true) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    System.out.println("REC " + r.partition() + " " + r.offset());
                }
                System.out.flush();
                LockSupport.parkNanos(20_000_000);
            }
        }
    }
}

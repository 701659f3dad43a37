package io.tributary.kernel.partition;

/** A partition by topic name and index (how pre-topic-id requests name it). */
public record TopicPartitionKey(String topic, int partition) {
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}

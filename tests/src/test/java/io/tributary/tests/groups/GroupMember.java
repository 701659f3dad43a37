package io.tributary.tests.groups;

import io.tributary.tests.support.Clients;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

/**
 * A consumer group member running in its own thread, as an application would: subscribe, poll,
 * process, commit (synchronously after each batch unless auto-commit is configured). It records
 * what it processed and its current assignment, and logs its rebalance callbacks, so tests can
 * watch the group from outside. A KafkaConsumer is single-threaded: everything touching it runs
 * on the member's thread.
 */
final class GroupMember implements AutoCloseable {

    /** One processed record. */
    record Processed(String member, int partition, long offset, String key, String value, long atNanos) {}

    /** A rebalance callback: revoked, assigned or lost, with the partitions and when. */
    record Callback(String kind, Set<TopicPartition> partitions, long atNanos) {}

    final String name;
    private final Queue<Processed> sink;
    private final Queue<Callback> callbacks = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Set<TopicPartition>> assignment = new AtomicReference<>(Set.of());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final boolean commitEachBatch;
    private volatile CloseOptions.GroupMembershipOperation closeWith;
    private volatile int generation = -1;
    private final java.util.concurrent.atomic.AtomicInteger commitFailures =
            new java.util.concurrent.atomic.AtomicInteger();

    GroupMember(
            String name,
            String bootstrap,
            String group,
            String topic,
            Map<String, Object> config,
            Queue<Processed> sink) {
        this.name = name;
        this.sink = sink;
        Map<String, Object> props = new HashMap<>(config);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        this.commitEachBatch = "false".equals(String.valueOf(props.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)));
        Thread.ofPlatform().name("member-" + name).daemon().start(() -> run(bootstrap, topic, props));
    }

    private void run(String bootstrap, String topic, Map<String, Object> props) {
        try {
            KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap, props);
            try {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        callbacks.add(new Callback("revoked", Set.copyOf(partitions), System.nanoTime()));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        callbacks.add(new Callback("assigned", Set.copyOf(partitions), System.nanoTime()));
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        callbacks.add(new Callback("lost", Set.copyOf(partitions), System.nanoTime()));
                    }
                });
                while (closeWith == null) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<String, String> r : records) {
                        sink.add(new Processed(name, r.partition(), r.offset(), r.key(), r.value(), System.nanoTime()));
                    }
                    if (commitEachBatch && !records.isEmpty()) {
                        try {
                            consumer.commitSync();
                        } catch (CommitFailedException | RebalanceInProgressException e) {
                            // The partitions moved on: their next owner starts at the last commit.
                            commitFailures.incrementAndGet();
                        }
                    }
                    assignment.set(Set.copyOf(consumer.assignment()));
                    generation = consumer.groupMetadata().generationId();
                }
            } finally {
                consumer.close(CloseOptions.groupMembershipOperation(
                        closeWith == null ? CloseOptions.GroupMembershipOperation.DEFAULT : closeWith));
            }
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            stopped.countDown();
        }
    }

    Set<TopicPartition> assignment() {
        return assignment.get();
    }

    int generation() {
        return generation;
    }

    List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }

    /** A crash as the group sees it: the consumer goes away without leaving the group. */
    void crash() throws InterruptedException {
        stop(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
    }

    /** A clean shutdown (leaves the group, except a static member by default). */
    @Override
    public void close() throws InterruptedException {
        stop(CloseOptions.GroupMembershipOperation.DEFAULT);
    }

    private void stop(CloseOptions.GroupMembershipOperation how) throws InterruptedException {
        if (closeWith == null) {
            closeWith = how;
        }
        if (!stopped.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("member " + name + " did not stop");
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("member " + name + " failed", t);
        }
    }

    boolean failed() {
        return failure.get() != null;
    }
}

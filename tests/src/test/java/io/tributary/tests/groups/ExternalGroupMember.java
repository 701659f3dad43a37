package io.tributary.tests.groups;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.ExternalClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A consumer group member in a non-Java client, as a child process: one of the scripts in
 * {@code src/test/resources/clients} driven over stdin ("commit", "close") and printing one line
 * per event ("assigned 0,2", "record 2 7 key value", "committed", "closed"), or kcat's balanced
 * consumer ({@code -G}), whose records come from its output format and whose assignment comes
 * from the rebalance lines it prints on stderr.
 *
 * <p>Thread-safety: the accessors may be called from any thread; reader threads update the state
 * as lines arrive. {@link #commit()} and {@link #close()} are meant for the test thread.
 */
final class ExternalGroupMember implements AutoCloseable {

    /** The client kinds, each with how to start it in a group. */
    enum Kind {
        KAFKAJS,
        CONFLUENT_KAFKA,
        KAFKA_PYTHON,
        KCAT;

        /** Whether the member commits only on "commit" (kcat commits on its own: auto-commit). */
        boolean commitsOnCommand() {
            return this != KCAT;
        }
    }

    /** One record the member printed. */
    record Read(int partition, long offset, String key, String value) {}

    private static final Pattern KCAT_REBALANCE = Pattern.compile(
            "^% Group \\S+ rebalanced(?: \\(memberid [^)]*\\))?: (assigned|revoked|incremental assignment|incremental revoke)[^:]*: (.*)$");
    private static final Pattern KCAT_PARTITION = Pattern.compile("\\[(\\d+)]");

    final Kind kind;
    private final String name;
    private final Process process;
    private final Writer commands;
    private final Queue<Read> records = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Set<Integer>> assignment = new AtomicReference<>(Set.of());
    private final Queue<Set<Integer>> assignments = new ConcurrentLinkedQueue<>();
    private final AtomicInteger commits = new AtomicInteger();
    private final Queue<String> transcript = new ConcurrentLinkedQueue<>();

    private ExternalGroupMember(Kind kind, String name, List<String> command, Map<String, String> env)
            throws IOException {
        this.kind = kind;
        this.name = name;
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        this.process = pb.start();
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        follow(process.getInputStream(), "out", this::onOutput);
        follow(process.getErrorStream(), "err", this::onError);
    }

    /**
     * Starts a member of {@code group} subscribed to {@code topic} with the client's default
     * assignors, reading from the earliest offset when the group has no committed offset.
     */
    static ExternalGroupMember start(Kind kind, String name, String bootstrap, String group, String topic)
            throws IOException {
        return start(kind, name, bootstrap, group, topic, null);
    }

    /**
     * Starts a member that offers the assignor {@code assignor} (null: the client's defaults).
     * For kafkajs only "roundrobin" is possible: a round-robin assigner under the name the Java
     * client and librdkafka use (kafkajs's own is "RoundRobinAssigner"); librdkafka takes any of
     * its assignors ("range", "roundrobin", "cooperative-sticky"); kafka-python keeps its defaults
     * ("range", "roundrobin").
     */
    static ExternalGroupMember start(
            Kind kind, String name, String bootstrap, String group, String topic, String assignor) throws IOException {
        if ((kind == Kind.KAFKAJS && assignor != null && !assignor.equals("roundrobin"))
                || (kind == Kind.KAFKA_PYTHON && assignor != null)) {
            throw new IllegalArgumentException(kind + " cannot offer assignor " + assignor);
        }
        return switch (kind) {
            case KAFKAJS ->
                new ExternalGroupMember(
                        kind,
                        name,
                        List.of(
                                "node",
                                ExternalClients.script("group-consumer-kafkajs.js")
                                        .toString(),
                                bootstrap,
                                group,
                                topic,
                                assignor == null ? "kafkajs" : assignor),
                        Map.of(
                                "NODE_PATH",
                                ExternalClients.requireKafkajs()
                                        .resolve("node_modules")
                                        .toString()));
            case CONFLUENT_KAFKA ->
                new ExternalGroupMember(
                        kind,
                        name,
                        List.of(
                                ExternalClients.PYTHON,
                                ExternalClients.script("group_consumer_confluent.py")
                                        .toString(),
                                bootstrap,
                                group,
                                topic,
                                assignor == null ? "{}" : "{\"partition.assignment.strategy\": \"" + assignor + "\"}"),
                        Map.of());
            case KAFKA_PYTHON ->
                new ExternalGroupMember(
                        kind,
                        name,
                        List.of(
                                ExternalClients.PYTHON,
                                ExternalClients.script("group_consumer_kafka_python.py")
                                        .toString(),
                                bootstrap,
                                group,
                                topic),
                        Map.of());
            case KCAT ->
                new ExternalGroupMember(
                        kind,
                        name,
                        List.of(
                                "kcat",
                                "-b",
                                bootstrap,
                                "-G",
                                group,
                                "-u",
                                "-X",
                                "auto.offset.reset=earliest",
                                "-X",
                                "session.timeout.ms=6000",
                                "-X",
                                "heartbeat.interval.ms=250",
                                "-X",
                                "auto.commit.interval.ms=100",
                                "-X",
                                "client.id=kcat-group-test",
                                "-X",
                                "partition.assignment.strategy=" + (assignor == null ? "range,roundrobin" : assignor),
                                "-f",
                                "record %p %o %k %s\\n",
                                topic),
                        Map.of());
        };
    }

    private void follow(InputStream in, String stream, Consumer<String> handler) {
        Thread.ofPlatform().daemon().name(name + "-" + stream).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    transcript.add(stream + ": " + line);
                    handler.accept(line);
                }
            } catch (IOException e) {
                transcript.add(stream + " failed: " + e);
            }
        });
    }

    private void onOutput(String line) {
        String[] f = line.split(" ", 5);
        switch (f[0]) {
            case "record" ->
                records.add(new Read(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3], f.length > 4 ? f[4] : ""));
            case "assigned" -> assigned(partitions(f.length > 1 ? f[1] : ""));
            case "committed" -> commits.incrementAndGet();
            default -> {}
        }
    }

    private static Set<Integer> partitions(String list) {
        Set<Integer> out = new TreeSet<>();
        for (String p : list.split(",")) {
            if (!p.isBlank()) {
                out.add(Integer.parseInt(p.strip()));
            }
        }
        return Set.copyOf(out);
    }

    /**
     * kcat reports its rebalances on stderr: "% Group g rebalanced (memberid m): assigned: t [0],
     * t [2]" (or "revoked: ...") with an eager assignor, and "% Group g rebalanced: incremental
     * assignment of 2 partition(s) (memberid m, COOPERATIVE rebalance protocol): t [0], t [2]" (or
     * "incremental revoke ...") with cooperative-sticky.
     */
    private void onError(String line) {
        Matcher m = KCAT_REBALANCE.matcher(line);
        if (kind != Kind.KCAT || !m.matches()) {
            return;
        }
        Set<Integer> changed = new TreeSet<>();
        Matcher p = KCAT_PARTITION.matcher(m.group(2));
        while (p.find()) {
            changed.add(Integer.parseInt(p.group(1)));
        }
        Set<Integer> next = new TreeSet<>(assignment.get());
        if (m.group(1).equals("assigned") || m.group(1).equals("incremental assignment")) {
            next.addAll(changed);
        } else {
            next.removeAll(changed);
        }
        assigned(Set.copyOf(next));
    }

    private void assigned(Set<Integer> partitions) {
        assignment.set(partitions);
        assignments.add(partitions);
    }

    /** The partitions of the member's current assignment (as the client last reported it). */
    Set<Integer> assignment() {
        return assignment.get();
    }

    /** Every assignment the member reported, oldest first (an eager rebalance shows an empty one). */
    List<Set<Integer>> assignments() {
        return List.copyOf(assignments);
    }

    /** Every record the member read so far, in order, duplicates included. */
    List<Read> records() {
        return List.copyOf(records);
    }

    /** Whether the process ended (unexpectedly, unless {@link #close()} ended it). */
    boolean exited() {
        return !process.isAlive();
    }

    /**
     * Commits the positions of the records read so far and waits until the client confirms. kcat
     * has no command for it: it auto-commits every 100 ms, so the caller waits for the committed
     * offsets with the Admin client (as it does for the others too).
     */
    void commit() throws IOException {
        if (!kind.commitsOnCommand()) {
            return;
        }
        int before = commits.get();
        send("commit");
        await(this + " to commit", Duration.ofSeconds(30), () -> commits.get() > before, this);
    }

    private void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    /**
     * Leaves the group cleanly and waits for the process to exit with status 0: the scripts on
     * "close", kcat on SIGTERM (it closes its consumer, leaving the group, on that signal).
     */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            if (kind == Kind.KCAT) {
                process.destroy();
            } else {
                send("close");
            }
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(this + " did not exit after close");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(this + " exited with " + process.exitValue());
        }
    }

    /** Ends the process if it still runs (cleanup after a failed test). */
    void kill() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        List<String> lines = new ArrayList<>(transcript);
        List<String> tail = lines.subList(Math.max(0, lines.size() - 60), lines.size());
        return name + " (" + kind + ", alive " + process.isAlive() + ", last output:\n  " + String.join("\n  ", tail)
                + ")";
    }

    static void requireInstalled() {
        ExternalClients.requireDebianClients();
        ExternalClients.requireKafkajs();
    }

    /**
     * Waits for {@code condition} like {@link Await#until}, but fails at once, with the members'
     * output, when one of {@code alive} exits.
     */
    static void await(String what, Duration timeout, BooleanSupplier condition, ExternalGroupMember... alive) {
        try {
            Await.until(what, timeout, () -> {
                for (ExternalGroupMember m : alive) {
                    if (m.exited()) {
                        throw new AssertionError("While waiting for " + what + ", " + m + " exited");
                    }
                }
                return condition.getAsBoolean();
            });
        } catch (AssertionError e) {
            StringBuilder b = new StringBuilder(e.getMessage());
            for (ExternalGroupMember m : alive) {
                b.append("\n").append(m);
            }
            throw new AssertionError(b.toString(), e);
        }
    }
}

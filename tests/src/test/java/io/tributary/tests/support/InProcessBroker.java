package io.tributary.tests.support;

import io.tributary.kernel.Broker;
import io.tributary.kernel.config.BrokerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Tributary broker in the test JVM, on a fixed port below 32768 and its own data directory, so
 * it can be stopped and started again on the same port and data.
 */
public final class InProcessBroker implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private final Map<String, String> overrides;
    private Broker broker;

    private InProcessBroker(Path dataDir, int port, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.port = port;
        this.overrides = overrides;
    }

    /** Starts a broker with the defaults plus {@code overrides}. */
    public static InProcessBroker start(Map<String, String> overrides) {
        try {
            InProcessBroker b = new InProcessBroker(
                    Files.createTempDirectory("tributary-test-"), Ports.next(), Map.copyOf(overrides));
            b.startBroker();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InProcessBroker start() {
        return start(Map.of());
    }

    private void startBroker() {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("log.dirs", dataDir.resolve("logs").toString());
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(overrides);
        try {
            broker = Broker.start(BrokerConfig.from(props));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Broker broker() {
        return broker;
    }

    /** Stops cleanly and starts again on the same port and data. */
    public void restart() {
        broker.close();
        startBroker();
    }

    /** Stops the broker but keeps its data (for a later {@link #restart()}). */
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dataDir);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

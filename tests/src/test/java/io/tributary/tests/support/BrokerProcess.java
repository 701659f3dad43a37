package io.tributary.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * A broker started from the built distribution ({@code distribution/target/tributary}) as a
 * separate process, so tests can kill it with SIGKILL and start it again on the same data.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path home;
    private final Path workDir;
    private final int port;
    private final Map<String, String> config;
    private final String jvmOptions;
    private Process process;
    private int starts;

    private BrokerProcess(Path home, Path workDir, int port, Map<String, String> config, String jvmOptions) {
        this.home = home;
        this.workDir = workDir;
        this.port = port;
        this.config = config;
        this.jvmOptions = jvmOptions;
    }

    /** The unpacked distribution the build produced. */
    public static Path distribution() {
        String dir = System.getProperty("tributary.dist.dir", "../distribution/target/tributary");
        Path home = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isExecutable(home.resolve("bin/tributary-server-start.sh"))) {
            throw new IllegalStateException("No distribution at " + home + ": run the build (mvn verify) first");
        }
        return home;
    }

    public static BrokerProcess start(Map<String, String> extraConfig) {
        return start(extraConfig, "");
    }

    /**
     * A broker whose JVM also gets {@code jvmOptions} (space-separated, through
     * {@code TRIBUTARY_JVM_OPTS}); it runs in {@link #workDir()}, so relative paths in them land
     * there.
     */
    public static BrokerProcess start(Map<String, String> extraConfig, String jvmOptions) {
        try {
            Path work = Files.createTempDirectory("tributary-proc-");
            int port = Ports.next();
            Map<String, String> config = new LinkedHashMap<>();
            config.put("node.id", "1");
            config.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
            config.put("log.dirs", work.resolve("data").toString());
            config.putAll(extraConfig);
            BrokerProcess p = new BrokerProcess(distribution(), work, port, config, jvmOptions);
            p.launch();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() throws IOException {
        Path props = workDir.resolve("server.properties");
        List<String> lines = new ArrayList<>();
        config.forEach((k, v) -> lines.add(k + "=" + v));
        Files.write(props, lines, StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(
                        home.resolve("bin/tributary-server-start.sh").toString(), props.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        workDir.resolve("broker-" + (++starts) + ".log").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // The start script turns Netty's leak detector off for production; tests keep its default.
        pb.environment().put("TRIBUTARY_JVM_OPTS", ("-Dio.netty.leakDetection.level=simple " + jvmOptions).trim());
        process = pb.start();
        Await.until("broker on port " + port + " to answer ApiVersions", Duration.ofSeconds(60), this::ready);
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Broker process exited with " + process.exitValue() + "; log:\n" + log());
        }
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return c.call(new ApiVersionsRequest.Builder().build((short) 3)) instanceof ApiVersionsResponse r
                    && r.data().errorCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The broker's working directory (its log dirs are under it unless configured elsewhere). */
    public Path workDir() {
        return workDir;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The broker's {@code log.dirs}. */
    public Path dataDir() {
        return Path.of(config.get("log.dirs"));
    }

    public long pid() {
        return process.pid();
    }

    /** Everything the broker printed so far, all starts together. */
    public String log() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            try {
                sb.append(Files.readString(workDir.resolve("broker-" + i + ".log")));
            } catch (IOException e) {
                sb.append("(no log ").append(i).append(")\n");
            }
        }
        return sb.toString();
    }

    /** SIGKILL: the process gets no chance to flush or close anything. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("broker did not die");
        }
    }

    /** SIGTERM and wait for a clean exit. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("broker did not stop within 60 s after SIGTERM");
        }
        return process.exitValue();
    }

    /** Starts the broker again on the same port and data. */
    public void restart() throws IOException {
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        InProcessBroker.deleteRecursively(workDir);
    }
}

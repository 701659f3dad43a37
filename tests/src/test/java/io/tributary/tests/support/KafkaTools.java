package io.tributary.tests.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kafka 4.4's command-line tools (org.apache.kafka:kafka-tools and its dependencies, copied to
 * {@code target/kafka-tools} by the build) run as subprocesses on the test JVM's JDK, the way the
 * {@code bin/kafka-*.sh} scripts run them.
 */
public final class KafkaTools {
    public static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
    public static final String CONFIGS = "org.apache.kafka.tools.ConfigCommand";
    public static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    public static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    public static final String GET_OFFSETS = "org.apache.kafka.tools.GetOffsetShell";
    public static final String BROKER_API_VERSIONS = "org.apache.kafka.tools.BrokerApiVersionsCommand";
    public static final String LOG_DIRS = "org.apache.kafka.tools.LogDirsCommand";
    public static final String DELETE_RECORDS = "org.apache.kafka.tools.DeleteRecordsCommand";
    public static final String FEATURES = "org.apache.kafka.tools.FeatureCommand";
    public static final String TRANSACTIONS = "org.apache.kafka.tools.TransactionsCommand";

    /** What a tool printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private KafkaTools() {}

    private static String classPath() {
        Path dir = Path.of(System.getProperty("tributary.kafka.tools.dir", "target/kafka-tools"));
        try (Stream<Path> files = Files.list(dir)) {
            List<String> jars = files.map(Path::toString)
                    .filter(f -> f.endsWith(".jar"))
                    .sorted()
                    .toList();
            if (jars.stream().noneMatch(j -> j.contains("kafka-tools-4."))) {
                throw new IllegalStateException("No kafka-tools jar in " + dir + ": run the build (mvn verify) first");
            }
            return String.join(File.pathSeparator, jars);
        } catch (IOException e) {
            throw new UncheckedIOException("No Kafka tools at " + dir + ": run the build (mvn verify) first", e);
        }
    }

    /** Runs a tool with {@code stdin} as its standard input (null for none) and waits for it. */
    public static Result run(String mainClass, String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Start-up speed matters more than peak speed for one-shot tools.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).start();
            // One reader thread per stream, so neither pipe can fill up and stall the tool.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p, false), KafkaTools::thread);
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p, true), KafkaTools::thread);
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(mainClass + " did not finish within 120 s; output so far: " + out.getNow(""));
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void thread(Runnable r) {
        Thread.ofPlatform().daemon().name("tool-output").start(r);
    }

    private static String readAll(Process p, boolean stderr) {
        try {
            return new String(
                    (stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

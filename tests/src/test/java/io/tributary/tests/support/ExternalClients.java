package io.tributary.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The non-Java clients the compatibility tests run, installed on first use when missing: kafkajs
 * 2.x from npm into {@code target/node} (npm's cache makes repeated installs cheap), and kcat,
 * kafka-python and confluent-kafka from Debian's packages with apt-get. A machine where they are
 * missing and cannot be installed fails the tests with a message that says what to install; it
 * never skips them.
 */
public final class ExternalClients {
    /** Debian's own interpreter: the Debian Python packages are installed for it, not for others. */
    public static final String PYTHON = "/usr/bin/python3";

    private static final List<String> DEBIAN_PACKAGES = List.of("kcat", "python3-kafka", "python3-confluent-kafka");
    private static boolean debianReady;
    private static Path kafkajsDir;

    private ExternalClients() {}

    /** What a command printed and how it exited. */
    public record Output(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Runs a command, feeding it {@code stdin} (may be null), and waits up to {@code timeoutSeconds}. */
    public static Output run(List<String> command, Map<String, String> env, String stdin, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> out =
                    CompletableFuture.supplyAsync(() -> read(p, false), ExternalClients::thread);
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p, true), ExternalClients::thread);
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                        + " s; output: " + out.getNow("") + err.getNow(""));
            }
            return new Output(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void thread(Runnable r) {
        Thread.ofPlatform().daemon().name("client-output").start(r);
    }

    private static String read(Process p, boolean stderr) {
        try {
            return new String(
                    (stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean works(List<String> command) {
        try {
            return run(command, Map.of(), null, 60).exitCode() == 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static boolean debianClientsPresent() {
        return works(List.of("kcat", "-V")) && works(List.of(PYTHON, "-c", "import kafka, confluent_kafka"));
    }

    /**
     * Makes sure kcat, kafka-python and confluent-kafka are installed, installing the Debian
     * packages with apt-get when they are not.
     *
     * @throws AssertionError when they are missing and apt-get cannot install them
     */
    public static synchronized void requireDebianClients() {
        if (debianReady || debianClientsPresent()) {
            debianReady = true;
            return;
        }
        if (!works(List.of("apt-get", "--version"))) {
            throw new AssertionError("kcat, python3-kafka and python3-confluent-kafka are not installed and apt-get is"
                    + " not available to install them: install the Debian packages " + DEBIAN_PACKAGES
                    + " (or run .ci/run, which installs them)");
        }
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        Output update = run(List.of("apt-get", "update", "-qq"), env, null, 600);
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
        install.addAll(DEBIAN_PACKAGES);
        Output installed = run(install, env, null, 900);
        if (installed.exitCode() != 0 || !debianClientsPresent()) {
            throw new AssertionError("Could not install " + DEBIAN_PACKAGES + " with apt-get (are we root?):\n" + update
                    + "\n" + installed);
        }
        debianReady = true;
    }

    /**
     * The folder whose {@code node_modules} holds kafkajs 2.x, installed with npm when missing.
     *
     * @throws AssertionError when node or npm is missing or the install fails
     */
    public static synchronized Path requireKafkajs() {
        if (kafkajsDir != null) {
            return kafkajsDir;
        }
        Path dir =
                Path.of(System.getProperty("tributary.node.dir", "target/node")).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("node_modules/kafkajs/package.json"))) {
            if (!works(List.of("node", "--version")) || !works(List.of("npm", "--version"))) {
                throw new AssertionError("node and npm are needed for the kafkajs tests: install Debian's nodejs"
                        + " and npm packages (or run .ci/run, which installs them)");
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Output npm = run(
                    List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), "kafkajs@2"),
                    Map.of(),
                    null,
                    600);
            if (npm.exitCode() != 0 || !Files.isRegularFile(dir.resolve("node_modules/kafkajs/package.json"))) {
                throw new AssertionError("npm install kafkajs@2 failed:\n" + npm);
            }
        }
        kafkajsDir = dir;
        return dir;
    }

    /** A script shipped with the tests ({@code src/test/resources/clients}), as a file. */
    public static Path script(String name) {
        try {
            return Path.of(ExternalClients.class.getResource("/clients/" + name).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("No test script " + name, e);
        }
    }
}

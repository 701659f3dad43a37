package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.Await;
import io.tributary.tests.support.BrokerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The distribution as its start script runs it. */
class DistributionTest {

    @Test
    void shouldLoadNettysEpollLibraryFromTheDistribution() throws Exception {
        Path library = BrokerProcess.distribution()
                .resolve("lib/native/libnetty_transport_native_epoll_x86_64.so")
                .toRealPath();
        try (BrokerProcess broker = BrokerProcess.start(Map.of())) {
            // The broker answers only once its listener is bound, so its transport is loaded by now.
            String maps = Files.readString(Path.of("/proc/" + broker.pid() + "/maps"));

            assertTrue(
                    maps.contains(library.toString()),
                    "the broker should map " + library + " (not a copy in a temporary directory)");
            assertFalse(broker.log().contains("using NIO"), broker.log());
        }
    }

    /**
     * HotSpot crashes when two threads create JDK performance counters at once (see
     * {@code PluginLoader.createModulePathCounters}). The JDK creates them in class initializers;
     * once the broker's first thread of its own (the warm-up thread) runs, only one initializer may
     * still have counters to create, the class loaders' (an initializer runs on one thread): the
     * module-path finder's must exist before. The JVM's own log of counter creation and thread
     * starts shows the order.
     */
    @Test
    void shouldCreateTheJdksPerformanceCountersOneThreadAtATime() throws Exception {
        String jvmLog = "jvm-counters.log";
        try (BrokerProcess broker = BrokerProcess.start(
                Map.of(), "-Xlog:perf+datacreation=debug,os+thread=info:file=" + jvmLog + ":tid,tags")) {
            Path log = broker.workDir().resolve(jvmLog);
            Pattern warmUpExit = Pattern.compile("JavaThread exiting \\(name: \"tributary-warm-up\", tid: (\\d+)\\)");
            Await.until(
                    "the warm-up thread to finish",
                    Duration.ofSeconds(60),
                    () -> warmUpExit.matcher(read(log)).find());
            Matcher exit = warmUpExit.matcher(read(log));
            assertTrue(exit.find());
            String warmUpAlive = "[" + exit.group(1) + "][os,thread";
            Pattern created = Pattern.compile("^\\[\\d+]\\[perf,datacreation\\s*] name = (\\S+),");
            List<String> lines = read(log).lines().toList();
            boolean warmUpRuns = false;
            List<String> before = new ArrayList<>();
            List<String> after = new ArrayList<>();
            for (String line : lines) {
                warmUpRuns |= line.startsWith(warmUpAlive) && line.contains("Thread is alive");
                Matcher c = created.matcher(line);
                if (c.find()) {
                    (warmUpRuns ? after : before).add(c.group(1));
                }
            }
            assertTrue(warmUpRuns, "the JVM log should show the warm-up thread start: " + log);
            assertTrue(
                    before.contains("jdk.module.finder.modulepath.scanTime"),
                    "the module-path finder's counters should exist before the warm-up thread runs; after it: "
                            + after);
            for (String name : after) {
                assertTrue(
                        name.startsWith("sun.classloader.")
                                || name.startsWith("sun.urlClassLoader.")
                                || name.startsWith("sun.zip."),
                        "a counter other than the class loaders' was created while two threads ran: " + name
                                + " (all created then: " + after + ")");
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.BrokerProcess;
import io.tributary.tests.support.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins as the distribution loads them: one module layer per folder of {@code plugin.path}.
 * Start-up stops, with a message naming the plugins, when the configured one is unknown,
 * duplicated or built against another SPI version.
 */
class PluginLoadingTest {
    @TempDir
    Path work;

    /** Runs the start script until it exits; returns its exit code and output. */
    private record Outcome(int exitCode, String output) {}

    private Outcome startExpectingFailure(Path plugins, Map<String, String> config) throws Exception {
        Path home = BrokerProcess.distribution();
        Path props = work.resolve("server.properties");
        List<String> lines = new ArrayList<>();
        lines.add("listeners=PLAINTEXT://127.0.0.1:" + Ports.next());
        lines.add("log.dirs=" + work.resolve("data"));
        lines.add("plugin.path=" + plugins);
        config.forEach((k, v) -> lines.add(k + "=" + v));
        Files.write(props, lines);
        ProcessBuilder pb = new ProcessBuilder(
                        home.resolve("bin/tributary-server-start.sh").toString(), props.toString())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the broker should have stopped at start-up:\n" + out);
        return new Outcome(p.exitValue(), out);
    }

    private Path copyOfDistributionPlugins() throws IOException {
        Path plugins = work.resolve("plugins");
        Path source = BrokerProcess.distribution().resolve("plugins");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path target = plugins.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return plugins;
    }

    @Test
    void shouldListTheKnownStoragePluginsWhenTheConfiguredOneIsUnknown() throws Exception {
        Outcome o = startExpectingFailure(copyOfDistributionPlugins(), Map.of("storage.plugin", "nosuch"));
        assertNotEquals(0, o.exitCode());
        assertTrue(o.output().contains("No provider named 'nosuch' for storage.plugin; known: mmap"), o.output());
    }

    @Test
    void shouldRefuseTwoPluginsWithTheSameName() throws Exception {
        Path plugins = copyOfDistributionPlugins();
        Path copy = Files.createDirectories(plugins.resolve("storage-mmap-again"));
        try (Stream<Path> jars = Files.list(plugins.resolve("storage-mmap"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, copy.resolve(jar.getFileName()));
            }
        }
        Outcome o = startExpectingFailure(plugins, Map.of());
        assertNotEquals(0, o.exitCode());
        assertTrue(o.output().contains("Several providers named 'mmap' for storage.plugin"), o.output());
    }

    @Test
    void shouldRefuseAPluginBuiltAgainstAnotherSpiVersion() throws Exception {
        Path plugins = copyOfDistributionPlugins();
        Path folder = Files.createDirectories(plugins.resolve("storage-old"));
        buildPlugin(folder.resolve("old-storage.jar"));
        Outcome o = startExpectingFailure(plugins, Map.of("storage.plugin", "old"));
        assertNotEquals(0, o.exitCode());
        assertTrue(
                o.output().contains("Plugin 'old'") && o.output().contains("was built against SPI version 0"),
                o.output());
    }

    /** Compiles a storage plugin module that claims SPI version 0 and packs it as a jar. */
    private void buildPlugin(Path jar) throws IOException {
        Path src = work.resolve("old-src");
        Path pkg = Files.createDirectories(src.resolve("old/storage"));
        Files.writeString(src.resolve("module-info.java"), """
                module old.storage {
                    requires io.tributary.spi;
                    provides io.tributary.spi.storage.StorageProvider with old.storage.OldProvider;
                }
                """);
        Files.writeString(pkg.resolve("OldProvider.java"), """
                package old.storage;

                public final class OldProvider implements io.tributary.spi.storage.StorageProvider {
                    public String name() { return "old"; }
                    public int spiVersion() { return 0; }
                    public io.tributary.spi.storage.StorageEngine open(io.tributary.spi.storage.StorageContext c) {
                        throw new UnsupportedOperationException();
                    }
                }
                """);
        Path classes = Files.createDirectories(work.resolve("old-classes"));
        Path spiJar;
        try (Stream<Path> libs = Files.list(BrokerProcess.distribution().resolve("lib"))) {
            spiJar = libs.filter(p -> p.getFileName().toString().startsWith("tributary-spi"))
                    .findFirst()
                    .orElseThrow();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(
                null,
                null,
                null,
                "-d",
                classes.toString(),
                "--module-path",
                spiJar.toString(),
                src.resolve("module-info.java").toString(),
                pkg.resolve("OldProvider.java").toString());
        assertEquals(0, rc, "test plugin compiles");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }
}

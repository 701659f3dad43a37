package io.tributary.tests.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.InProcessBroker;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A Kafka 3.x Java client (kafka-clients 3.9.1, in its own JVM) produces and consumes. */
class OlderClientTest {

    @Test
    void shouldServeAKafka3Client() throws Exception {
        Path jars = Path.of(System.getProperty("tributary.kafka3.dir", "target/kafka-3x"));
        List<String> cp = new ArrayList<>();
        cp.add(Path.of(OlderClientMain.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString());
        try (Stream<Path> files = Files.list(jars)) {
            files.filter(f -> f.toString().endsWith(".jar")).map(Path::toString).forEach(cp::add);
        }
        assertTrue(cp.stream().anyMatch(s -> s.contains("kafka-clients-3.")), "kafka-clients 3.x on the class path");
        try (InProcessBroker broker = InProcessBroker.start()) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(
                            java.toString(),
                            "-cp",
                            String.join(File.pathSeparator, cp),
                            OlderClientMain.class.getName(),
                            broker.bootstrap(),
                            "kafka3-topic",
                            "5000")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("OK 5000"), output);
        }
    }
}

package io.tributary.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.tests.support.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
}

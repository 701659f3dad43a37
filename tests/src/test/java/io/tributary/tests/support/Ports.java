package io.tributary.tests.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free TCP ports below 32768 (above it, the kernel hands out ephemeral ports to client sockets,
 * which could take a port a restarted broker wants back). Each test JVM starts at its own offset
 * so parallel runs rarely collide; a port is only returned after a bind on it succeeded.
 */
public final class Ports {
    private static final int FIRST = 20000;
    private static final int LAST = 32000;
    private static final AtomicInteger NEXT =
            new AtomicInteger(FIRST + (int) (ProcessHandle.current().pid() % 400) * 25);

    private Ports() {}

    public static int next() {
        for (int attempt = 0; attempt < LAST - FIRST; attempt++) {
            int port = NEXT.getAndIncrement();
            if (port >= LAST) {
                NEXT.set(FIRST);
                continue;
            }
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

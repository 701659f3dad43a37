package io.tributary.kernel;

import io.tributary.kernel.config.BrokerConfig;
import io.tributary.kernel.config.ConfigException;
import io.tributary.kernel.plugin.PluginLoader;
import io.tributary.spi.plugin.PluginException;
import io.tributary.spi.plugin.Time;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tributary-server-start.sh [server.properties] [--override key=value]...}: starts a
 * broker and runs until SIGTERM/SIGINT, then stops it cleanly. Without a file, the built-in
 * single-node defaults apply.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> props;
        try {
            props = parseArgs(args);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("tributary: " + e.getMessage());
            System.err.println("usage: tributary-server-start.sh [server.properties] [--override key=value]...");
            System.exit(2);
            return;
        }
        // The start script names the distribution's plugins folder; a config file may override it.
        String pluginPath = System.getProperty("tributary.plugin.path");
        if (pluginPath != null && !props.containsKey("plugin.path")) {
            props.put("plugin.path", pluginPath);
        }
        Broker broker;
        try {
            BrokerConfig config = BrokerConfig.from(props);
            // Netty's native transport loads on another core while this one reads the plugin
            // folders.
            Broker.warmUpInBackground();
            PluginLoader plugins = PluginLoader.create(Broker.pluginPath(config));
            broker = Broker.start(config, Time.SYSTEM, plugins);
        } catch (ConfigException | PluginException e) {
            System.err.println("tributary: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            broker.close();
                            stopped.countDown();
                        },
                        "tributary-shutdown"));
        stopped.await();
    }

    static Map<String, String> parseArgs(String[] args) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            Path file = Path.of(args[0]);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such file: " + file);
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            for (String name : p.stringPropertyNames()) {
                props.put(name, p.getProperty(name));
            }
            i = 1;
        }
        for (; i < args.length; i++) {
            if (!args[i].equals("--override") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
            String kv = args[++i];
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--override needs key=value, got: " + kv);
            }
            props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return props;
    }
}

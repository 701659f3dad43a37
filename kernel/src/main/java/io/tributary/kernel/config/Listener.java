package io.tributary.kernel.config;

import java.util.Locale;
import java.util.Map;

/**
 * A listener from {@code listeners} or {@code advertised.listeners}: {@code NAME://host:port}.
 * An empty host binds every interface.
 */
public record Listener(String name, String host, int port, String securityProtocol) {

    /** Parses one listener URI, resolving its security protocol from {@code protocolMap}. */
    public static Listener parse(String uri, Map<String, String> protocolMap) {
        int sep = uri.indexOf("://");
        if (sep <= 0) {
            throw new ConfigException("Invalid listener " + uri + ": expected NAME://host:port");
        }
        String name = uri.substring(0, sep).toUpperCase(Locale.ROOT);
        String hostPort = uri.substring(sep + 3);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException("Invalid listener " + uri + ": no port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid listener " + uri + ": bad port");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("Invalid listener " + uri + ": port out of range");
        }
        String protocol = protocolMap.get(name);
        if (protocol == null) {
            throw new ConfigException(
                    "No security protocol defined for listener " + name + " in listener.security.protocol.map");
        }
        return new Listener(name, host, port, protocol);
    }

    /** Parses {@code listener.security.protocol.map}: {@code NAME:PROTOCOL,...}. */
    public static Map<String, String> parseProtocolMap(String raw) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (String entry : raw.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException("Invalid listener.security.protocol.map entry " + e);
            }
            map.put(
                    e.substring(0, colon).trim().toUpperCase(Locale.ROOT),
                    e.substring(colon + 1).trim().toUpperCase(Locale.ROOT));
        }
        return map;
    }

    @Override
    public String toString() {
        return name + "://" + host + ":" + port;
    }
}

package io.tributary.spi.plugin;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings a plugin receives: the {@code server.properties} keys under the plugin's own
 * prefix (for example {@code storage.mmap.}) with that prefix removed, plus read access to
 * the broker's Kafka keys. Plugins turn these into a typed config record and fail in its
 * constructor when a value is invalid. Immutable and thread-safe.
 */
public record PluginSettings(Map<String, String> own, Map<String, String> broker) {

    public PluginSettings {
        own = Map.copyOf(own);
        broker = Map.copyOf(broker);
    }

    public static PluginSettings empty() {
        return new PluginSettings(Map.of(), Map.of());
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(own.get(key));
    }

    public String getString(String key, String defaultValue) {
        return own.getOrDefault(key, defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        String v = own.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + v + "' for " + key + ": not an int", e);
        }
    }

    public long getLong(String key, long defaultValue) {
        String v = own.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + v + "' for " + key + ": not a long", e);
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String v = own.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Invalid value '" + v + "' for " + key + ": not a boolean");
        };
    }

    @Override
    public String toString() {
        return "PluginSettings" + new TreeMap<>(own);
    }
}

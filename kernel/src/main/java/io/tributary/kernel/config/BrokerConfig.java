package io.tributary.kernel.config;

import static io.tributary.kernel.config.BrokerConfigDef.DEF;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's configuration: {@code server.properties} parsed and validated against {@link
 * BrokerConfigDef}. Invalid values fail construction with a {@link ConfigException} naming the
 * key; unknown keys are kept (plugins may read them) and reported by {@link #unknownKeys()} so
 * start-up can warn about them as Kafka does. Immutable and thread-safe.
 */
public final class BrokerConfig {
    private final Map<String, String> originals;
    private final Map<String, Object> values;
    private final List<String> unknownKeys;
    private final List<Listener> listeners;
    private final List<Listener> advertisedListeners;

    private BrokerConfig(Map<String, String> originals) {
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(originals));
        Map<String, Object> parsed = new HashMap<>();
        for (ConfigDef.Key key : DEF.keys().values()) {
            String raw = originals.get(key.name());
            parsed.put(key.name(), raw == null ? key.defaultValue() : DEF.parse(key.name(), raw));
        }
        this.values = parsed;
        List<String> unknown = new ArrayList<>();
        for (String k : DEF.unknownKeys(originals)) {
            if (BrokerConfigDef.PLUGIN_PREFIXES.stream().noneMatch(k::startsWith)) {
                unknown.add(k);
            }
        }
        this.unknownKeys = List.copyOf(unknown);
        Map<String, String> protocols =
                Listener.parseProtocolMap(getString(BrokerConfigDef.LISTENER_SECURITY_PROTOCOL_MAP));
        this.listeners = parseListeners(getList(BrokerConfigDef.LISTENERS), protocols);
        if (listeners.isEmpty()) {
            throw new ConfigException("listeners must name at least one listener");
        }
        List<String> advertised = getList(BrokerConfigDef.ADVERTISED_LISTENERS);
        this.advertisedListeners = advertised == null ? listeners : parseListeners(advertised, protocols);
        if (nodeId() < 0) {
            throw new ConfigException("node.id must be >= 0");
        }
    }

    private static List<Listener> parseListeners(List<String> uris, Map<String, String> protocols) {
        List<Listener> out = new ArrayList<>();
        for (String uri : uris) {
            if (!uri.isBlank()) {
                out.add(Listener.parse(uri.trim(), protocols));
            }
        }
        return List.copyOf(out);
    }

    /** Parses and validates. */
    public static BrokerConfig from(Map<String, String> properties) {
        return new BrokerConfig(properties);
    }

    public static BrokerConfig defaults() {
        return from(Map.of());
    }

    /** Every key as given, for plugins and for DescribeConfigs. */
    public Map<String, String> originals() {
        return originals;
    }

    /** Keys that are neither Kafka keys Tributary knows nor plugin keys. */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    public Object value(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("Undefined broker configuration " + key);
        }
        return values.get(key);
    }

    public int getInt(String key) {
        return (Integer) value(key);
    }

    public long getLong(String key) {
        return (Long) value(key);
    }

    public short getShort(String key) {
        return (Short) value(key);
    }

    public double getDouble(String key) {
        return (Double) value(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) value(key);
    }

    public String getString(String key) {
        return (String) value(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) value(key);
    }

    public int nodeId() {
        if (originals.containsKey(BrokerConfigDef.NODE_ID) || values.get(BrokerConfigDef.BROKER_ID) == null) {
            return getInt(BrokerConfigDef.NODE_ID);
        }
        return (Integer) values.get(BrokerConfigDef.BROKER_ID);
    }

    public List<Listener> listeners() {
        return listeners;
    }

    public List<Listener> advertisedListeners() {
        return advertisedListeners;
    }

    public List<Path> logDirs() {
        List<String> dirs = getList(BrokerConfigDef.LOG_DIRS);
        if (dirs == null || dirs.isEmpty()) {
            return List.of(Path.of(getString(BrokerConfigDef.LOG_DIR)));
        }
        return dirs.stream().map(Path::of).toList();
    }

    public Path metadataDir() {
        String dir = getString(BrokerConfigDef.METADATA_LOG_DIR);
        return dir == null ? logDirs().getFirst() : Path.of(dir);
    }

    public Optional<String> rack() {
        return Optional.ofNullable(getString(BrokerConfigDef.BROKER_RACK));
    }

    /** {@code log.retention.ms}, else minutes, else hours, as Kafka resolves them. */
    public long logRetentionMs() {
        Long ms = (Long) values.get("log.retention.ms");
        if (ms != null) {
            return ms;
        }
        Integer minutes = (Integer) values.get("log.retention.minutes");
        if (minutes != null) {
            return minutes < 0 ? -1 : minutes * 60_000L;
        }
        int hours = getInt("log.retention.hours");
        return hours < 0 ? -1 : hours * 3_600_000L;
    }

    /** {@code log.roll.ms}, else {@code log.roll.hours}. */
    public long logRollMs() {
        Long ms = (Long) values.get("log.roll.ms");
        return ms != null ? ms : getInt("log.roll.hours") * 3_600_000L;
    }

    /** {@code log.roll.jitter.ms}, else {@code log.roll.jitter.hours}. */
    public long logRollJitterMs() {
        Long ms = (Long) values.get("log.roll.jitter.ms");
        return ms != null ? ms : getInt("log.roll.jitter.hours") * 3_600_000L;
    }

    /** {@code log.flush.interval.ms}, else {@code log.flush.scheduler.interval.ms}, as Kafka. */
    public long logFlushIntervalMs() {
        Long ms = (Long) values.get("log.flush.interval.ms");
        return ms != null ? ms : getLong(BrokerConfigDef.LOG_FLUSH_SCHEDULER_INTERVAL_MS);
    }

    /** The keys under {@code prefix} with the prefix removed (a plugin's own settings). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        originals.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}

package io.tributary.kernel.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A set of configuration keys with Kafka's types, defaults and validation rules. Parsing a raw
 * string gives the typed value ({@link Boolean}, {@link Integer}, {@link Long}, {@link Double},
 * {@link String} or {@code List<String>}) or a {@link ConfigException} that names the key.
 * Immutable once built; thread-safe.
 */
public final class ConfigDef {

    /** Kafka's config types, named as Kafka's DescribeConfigs reports them. */
    public enum Type {
        BOOLEAN,
        INT,
        LONG,
        DOUBLE,
        STRING,
        LIST,
        PASSWORD,
        CLASS,
        SHORT
    }

    /** Checks a parsed value. */
    @FunctionalInterface
    public interface Validator {
        /** @throws ConfigException if the value is not allowed */
        void ensureValid(String name, Object value);
    }

    /**
     * One key.
     *
     * @param defaultValue the typed default, or null when the key has none
     * @param sensitive passwords: never logged or described
     */
    public record Key(
            String name,
            Type type,
            Object defaultValue,
            Validator validator,
            boolean sensitive,
            String documentation) {}

    private final Map<String, Key> keys;

    private ConfigDef(Map<String, Key> keys) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Key> key(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    public Map<String, Key> keys() {
        return keys;
    }

    /** Parses and validates one raw value of a known key. */
    public Object parse(String name, String raw) {
        Key key = keys.get(name);
        if (key == null) {
            throw new ConfigException("Unknown configuration " + name);
        }
        Object value = parseType(name, raw, key.type());
        if (key.validator() != null && value != null) {
            key.validator().ensureValid(name, value);
        }
        return value;
    }

    /** Parses a raw string as {@code type}; null stays null. */
    public static Object parseType(String name, String raw, Type type) {
        if (raw == null) {
            return null;
        }
        String v = raw.trim();
        try {
            return switch (type) {
                case BOOLEAN -> {
                    if (v.equalsIgnoreCase("true")) {
                        yield Boolean.TRUE;
                    } else if (v.equalsIgnoreCase("false")) {
                        yield Boolean.FALSE;
                    }
                    throw ConfigException.invalid(name, raw, "Expected value to be either true or false");
                }
                case INT -> Integer.parseInt(v);
                case SHORT -> Short.parseShort(v);
                case LONG -> Long.parseLong(v);
                case DOUBLE -> Double.parseDouble(v);
                case STRING, PASSWORD, CLASS -> v;
                case LIST ->
                    v.isEmpty()
                            ? List.<String>of()
                            : Arrays.stream(v.split("\\s*,\\s*", -1)).toList();
            };
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(
                    name, raw, "Not a number of type " + type.name().toLowerCase(Locale.ROOT));
        }
    }

    public static Validator atLeast(long min) {
        return (name, value) -> {
            if (((Number) value).doubleValue() < min) {
                throw ConfigException.invalid(name, value, "Value must be at least " + min);
            }
        };
    }

    public static Validator between(double min, double max) {
        return (name, value) -> {
            double d = ((Number) value).doubleValue();
            if (d < min || d > max) {
                throw ConfigException.invalid(
                        name, value, "Value must be no less than " + fmt(min) + " and no more than " + fmt(max));
            }
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The value (case-insensitively) is one of {@code allowed}. */
    public static Validator in(String... allowed) {
        List<String> list = List.of(allowed);
        return (name, value) -> {
            for (String a : list) {
                if (a.equalsIgnoreCase((String) value)) {
                    return;
                }
            }
            throw ConfigException.invalid(name, value, "String must be one of: " + String.join(", ", list));
        };
    }

    /** Every element of a list value is one of {@code allowed}; optionally non-empty. */
    public static Validator validList(boolean allowEmpty, String... allowed) {
        List<String> list = List.of(allowed);
        return (name, value) -> {
            @SuppressWarnings("unchecked")
            List<String> items = (List<String>) value;
            if (!allowEmpty && items.isEmpty()) {
                throw ConfigException.invalid(name, value, "Empty list is not allowed");
            }
            for (String item : items) {
                if (!list.contains(item.toLowerCase(Locale.ROOT))) {
                    throw ConfigException.invalid(
                            name, String.join(",", items), "Invalid value " + item + "; allowed: " + list);
                }
            }
        };
    }

    /** Builds a {@link ConfigDef}; keys keep their definition order. */
    public static final class Builder {
        private final Map<String, Key> keys = new LinkedHashMap<>();

        public Builder define(String name, Type type, Object defaultValue, Validator validator, String doc) {
            return add(new Key(name, type, defaultValue, validator, false, doc));
        }

        public Builder define(String name, Type type, Object defaultValue, String doc) {
            return add(new Key(name, type, defaultValue, null, false, doc));
        }

        public Builder definePassword(String name, String doc) {
            return add(new Key(name, Type.PASSWORD, null, null, true, doc));
        }

        private Builder add(Key key) {
            if (keys.putIfAbsent(key.name(), key) != null) {
                throw new IllegalArgumentException("Configuration " + key.name() + " is defined twice");
            }
            if (key.defaultValue() != null && key.validator() != null) {
                key.validator().ensureValid(key.name(), key.defaultValue());
            }
            return this;
        }

        public ConfigDef build() {
            return new ConfigDef(keys);
        }
    }

    /** Keys of {@code def} that appear in {@code raw} but are not defined. */
    public List<String> unknownKeys(Map<String, String> raw) {
        List<String> unknown = new ArrayList<>();
        for (String k : raw.keySet()) {
            if (!keys.containsKey(k)) {
                unknown.add(k);
            }
        }
        Collections.sort(unknown);
        return unknown;
    }
}

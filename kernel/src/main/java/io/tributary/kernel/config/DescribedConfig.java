package io.tributary.kernel.config;

import java.util.List;

/**
 * One config as DescribeConfigs reports it.
 *
 * @param value the value as text (null for unset or sensitive values)
 * @param type the config's type, or null when unknown (keys Tributary does not define)
 * @param synonyms where else the value could come from, most specific first
 * @param documentation what the config does, or null
 */
public record DescribedConfig(
        String name,
        String value,
        ConfigSource source,
        boolean sensitive,
        boolean readOnly,
        ConfigDef.Type type,
        List<Synonym> synonyms,
        String documentation) {

    /** A key that supplies or would supply the value, with its source. */
    public record Synonym(String name, String value, ConfigSource source) {}

    /** Kafka's text form of a typed value: lists comma-joined, everything else as toString. */
    public static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}

package io.tributary.kernel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a broker key's value can come from, most specific first: this broker's dynamic
 * configs, the cluster-wide dynamic defaults, {@code server.properties}, and the built-in
 * defaults. DescribeConfigs reports a key's synonyms from these layers the way Kafka does.
 * Immutable; thread-safe.
 *
 * @param dynamicBroker configs set for this broker with AlterConfigs (as text)
 * @param dynamicDefault configs set for every broker (the {@code --entity-default} resource)
 * @param staticBroker the keys given in {@code server.properties}
 * @param staticDefault the built-in defaults that are not null, as text
 */
public record ConfigLayers(
        Map<String, String> dynamicBroker,
        Map<String, String> dynamicDefault,
        Map<String, String> staticBroker,
        Map<String, String> staticDefault) {

    public ConfigLayers {
        dynamicBroker = Map.copyOf(dynamicBroker);
        dynamicDefault = Map.copyOf(dynamicDefault);
        staticBroker = Map.copyOf(staticBroker);
        staticDefault = Map.copyOf(staticDefault);
    }

    /** The layers of a broker without dynamic configs. */
    public static ConfigLayers ofStatic(BrokerConfig config) {
        return new ConfigLayers(Map.of(), Map.of(), config.originals(), BrokerConfigDef.defaultsAsText());
    }

    /**
     * The synonyms of broker key {@code name}: each key of {@code synonyms} found in each layer,
     * layer by layer (every dynamic per-broker hit first, then the dynamic defaults, ...), and
     * then, as Kafka does, without the hits before the first one for {@code name} itself.
     *
     * @param synonyms {@code name} and the other broker keys that set the same thing, most
     *     precise first (for example {@code log.retention.ms, .minutes, .hours})
     * @param sensitive report the keys without their values
     */
    public List<DescribedConfig.Synonym> synonyms(String name, List<String> synonyms, boolean sensitive) {
        List<DescribedConfig.Synonym> out = new ArrayList<>();
        addAll(out, synonyms, dynamicBroker, ConfigSource.DYNAMIC_BROKER_CONFIG, sensitive);
        addAll(out, synonyms, dynamicDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, sensitive);
        addAll(out, synonyms, staticBroker, ConfigSource.STATIC_BROKER_CONFIG, sensitive);
        addAll(out, synonyms, staticDefault, ConfigSource.DEFAULT_CONFIG, sensitive);
        int first = 0;
        while (first < out.size() && !out.get(first).name().equals(name)) {
            first++;
        }
        return List.copyOf(out.subList(first, out.size()));
    }

    private static void addAll(
            List<DescribedConfig.Synonym> out,
            List<String> names,
            Map<String, String> layer,
            ConfigSource source,
            boolean sensitive) {
        for (String n : names) {
            String value = layer.get(n);
            if (value != null) {
                out.add(new DescribedConfig.Synonym(n, sensitive ? null : value, source));
            }
        }
    }
}

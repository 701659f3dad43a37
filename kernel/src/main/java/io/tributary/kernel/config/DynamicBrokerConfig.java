package io.tributary.kernel.config;

import io.tributary.spi.metadata.ConfigResource;
import io.tributary.spi.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's configuration as it stands now: {@code server.properties} overlaid with the
 * dynamic configs of the metadata image, first the cluster-wide defaults, then this broker's
 * own (Kafka's precedence). Only {@link BrokerConfigDef#isDynamic dynamic} keys change the
 * effective configuration; other keys stored dynamically (unknown ones, which Kafka accepts)
 * are kept for DescribeConfigs only.
 *
 * <p>Thread-safety: {@link #update} is called by the partition manager on the request handler
 * thread; every other method may be called from any thread and sees one consistent snapshot.
 */
public final class DynamicBrokerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBrokerConfig.class);

    private final BrokerConfig staticConfig;
    private final ConfigResource self;
    private volatile Snapshot snapshot;

    private record Snapshot(BrokerConfig effective, ConfigLayers layers) {}

    public DynamicBrokerConfig(BrokerConfig staticConfig) {
        this.staticConfig = Objects.requireNonNull(staticConfig);
        this.self = ConfigResource.broker(staticConfig.nodeId());
        this.snapshot = new Snapshot(staticConfig, ConfigLayers.ofStatic(staticConfig));
    }

    /** What {@code server.properties} says, without dynamic changes. */
    public BrokerConfig staticConfig() {
        return staticConfig;
    }

    /** The effective configuration now. */
    public BrokerConfig current() {
        return snapshot.effective();
    }

    /** The layers the effective configuration was made of, for DescribeConfigs. */
    public ConfigLayers layers() {
        return snapshot.layers();
    }

    public int nodeId() {
        return staticConfig.nodeId();
    }

    /**
     * Takes the dynamic broker configs of {@code image}.
     *
     * @return true when the dynamic configs changed (the effective configuration may have)
     */
    public boolean update(MetadataImage image) {
        Map<String, String> clusterDefault = image.configs(ConfigResource.clusterDefault());
        Map<String, String> perBroker = image.configs(self);
        ConfigLayers old = snapshot.layers();
        if (old.dynamicDefault().equals(clusterDefault) && old.dynamicBroker().equals(perBroker)) {
            return false;
        }
        Map<String, String> merged = new LinkedHashMap<>(staticConfig.originals());
        overlay(merged, clusterDefault);
        overlay(merged, perBroker);
        BrokerConfig effective;
        try {
            effective = BrokerConfig.from(merged);
        } catch (ConfigException e) {
            // Values are checked before they are stored; a combination can still be wrong.
            LOG.warn("Ignoring dynamic broker configs that make the configuration invalid: {}", e.getMessage());
            effective = staticConfig;
        }
        snapshot = new Snapshot(
                effective,
                new ConfigLayers(
                        perBroker, clusterDefault, staticConfig.originals(), BrokerConfigDef.defaultsAsText()));
        return true;
    }

    private static void overlay(Map<String, String> merged, Map<String, String> dynamic) {
        dynamic.forEach((key, value) -> {
            if (!BrokerConfigDef.isDynamic(key)) {
                return;
            }
            try {
                BrokerConfigDef.DEF.parse(key, value);
                merged.put(key, value);
            } catch (ConfigException e) {
                LOG.warn("Ignoring invalid dynamic broker config: {}", e.getMessage());
            }
        });
    }

    /**
     * Checks a dynamic change of broker configs as Kafka does: only dynamic keys among the keys
     * it knows, values of the right type and range; keys it does not know pass.
     *
     * @param changes the keys to set (values) or remove (null values)
     * @param perBroker true for one broker's configs, false for the cluster default
     * @throws ConfigException naming the offending keys
     */
    public static void validate(Map<String, String> changes, boolean perBroker) {
        TreeSet<String> nonDynamic = new TreeSet<>();
        for (String key : changes.keySet()) {
            if (BrokerConfigDef.isKnown(key) && !BrokerConfigDef.isDynamic(key)) {
                nonDynamic.add(key);
            }
        }
        if (!nonDynamic.isEmpty()) {
            throw new ConfigException("Cannot update these configs dynamically: " + setText(nonDynamic));
        }
        for (Map.Entry<String, String> e : changes.entrySet()) {
            if (e.getValue() != null && BrokerConfigDef.isKnown(e.getKey())) {
                BrokerConfigDef.DEF.parse(e.getKey(), e.getValue());
            }
        }
    }

    /** Scala's Set text, which Kafka's messages carry. */
    private static String setText(TreeSet<String> keys) {
        return "Set(" + String.join(", ", new ArrayList<>(keys)) + ")";
    }

    /**
     * Describes this broker's configuration (every key Tributary knows, plus every other key
     * given statically or dynamically) or, with {@code perBroker} false, the cluster defaults.
     */
    public List<DescribedConfig> describe(boolean perBroker) {
        Snapshot s = snapshot;
        ConfigLayers layers = s.layers();
        List<DescribedConfig> out = new ArrayList<>();
        if (perBroker) {
            Map<String, String> values = new LinkedHashMap<>();
            for (ConfigDef.Key key : BrokerConfigDef.DEF.keys().values()) {
                values.put(key.name(), DescribedConfig.format(s.effective().value(key.name())));
            }
            staticConfig.originals().forEach(values::putIfAbsent);
            layers.dynamicDefault().forEach(values::putIfAbsent);
            layers.dynamicBroker().forEach((k, v) -> {
                if (!BrokerConfigDef.isKnown(k)) {
                    values.put(k, v);
                }
            });
            values.forEach((name, value) -> out.add(entry(layers, name, value, true)));
        } else {
            layers.dynamicDefault().forEach((name, value) -> out.add(entry(layers, name, value, false)));
        }
        out.sort(java.util.Comparator.comparing(DescribedConfig::name));
        return out;
    }

    private static DescribedConfig entry(ConfigLayers layers, String name, String value, boolean perBroker) {
        ConfigDef.Type type =
                BrokerConfigDef.DEF.key(name).map(ConfigDef.Key::type).orElse(null);
        // As Kafka: a key of unknown type might hold a secret, so its value is not shown.
        boolean sensitive = type == null || type == ConfigDef.Type.PASSWORD;
        List<String> names = BrokerConfigDef.synonyms(name);
        List<DescribedConfig.Synonym> synonyms = layers.synonyms(name, names, sensitive);
        if (!perBroker) {
            synonyms = synonyms.stream()
                    .filter(syn -> syn.source() != ConfigSource.DYNAMIC_BROKER_CONFIG)
                    .toList();
        }
        ConfigSource source = synonyms.isEmpty()
                ? ConfigSource.DEFAULT_CONFIG
                : synonyms.getFirst().source();
        boolean readOnly = names.stream().noneMatch(BrokerConfigDef::isDynamic);
        String doc =
                BrokerConfigDef.DEF.key(name).map(ConfigDef.Key::documentation).orElse(null);
        return new DescribedConfig(name, sensitive ? null : value, source, sensitive, readOnly, type, synonyms, doc);
    }
}

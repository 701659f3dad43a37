package io.tributary.spi.metadata;

import java.util.Objects;

/**
 * Something that carries configs: a topic, one broker ({@code name} = its id) or the cluster
 * default for brokers ({@code name} empty).
 */
public record ConfigResource(Type type, String name) {
    public enum Type {
        TOPIC,
        BROKER
    }

    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ConfigResource topic(String name) {
        return new ConfigResource(Type.TOPIC, name);
    }

    public static ConfigResource broker(int id) {
        return new ConfigResource(Type.BROKER, Integer.toString(id));
    }

    public static ConfigResource clusterDefault() {
        return new ConfigResource(Type.BROKER, "");
    }
}

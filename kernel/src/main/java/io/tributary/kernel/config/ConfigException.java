package io.tributary.kernel.config;

/** A configuration value is missing or invalid. The message names the key and the reason. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException invalid(String name, Object value, String reason) {
        return new ConfigException("Invalid value " + value + " for configuration " + name + ": " + reason);
    }
}

package io.tributary.spi.plugin;

/** A plugin could not be loaded, configured or started. Stops broker start-up. */
public class PluginException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}

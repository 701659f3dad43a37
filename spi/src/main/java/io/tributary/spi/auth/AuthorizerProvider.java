package io.tributary.spi.auth;

import io.tributary.spi.plugin.Plugin;
import io.tributary.spi.plugin.PluginSettings;

/**
 * Creates the authorizer that decides every request's operations. Selected by {@code
 * auth.plugin}; without one the kernel allows everything.
 */
public interface AuthorizerProvider extends Plugin {
    Authorizer open(PluginSettings settings);
}

package io.tributary.spi.auth;

/** Decides whether a principal may perform an action. Thread-safe, fast, non-blocking. */
@FunctionalInterface
public interface Authorizer {
    boolean authorize(Principal principal, Action action);
}

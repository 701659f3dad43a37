/**
 * The technology compatibility kit: abstract JUnit 5 contract tests that every plugin of a kind
 * extends from its own tests. Published as a normal module (not a test-jar) so that third-party
 * plugin authors can depend on it.
 */
module io.tributary.tck {
    requires transitive io.tributary.spi;
    requires transitive org.junit.jupiter.api;

    exports io.tributary.tck.storage;

    // JUnit discovers and invokes the inherited test methods reflectively.
    opens io.tributary.tck.storage to
            org.junit.platform.commons;
}

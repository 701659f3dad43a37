package io.tributary.kernel.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The feature levels this broker advertises in ApiVersions (v3+) and so in {@code
 * Admin.describeFeatures()}: for each feature the range the software supports and the level
 * finalized in the cluster. Levels are Kafka 4.4's; a feature is listed only when the broker
 * implements a level above 0, and a feature finalized at level 0 ("off") is listed as supported
 * but not finalized, as Kafka does.
 *
 * <p>{@code transaction.version} goes up to 2 (Transactions V2, KIP-890: clients then use Produce
 * v12, EndTxn v5 and TxnOffsetCommit v5 inside transactions); its finalized level comes from the
 * broker key of the same name, which {@code kafka-features upgrade/downgrade} changes cluster-wide
 * ({@link UpdateFeaturesHandler}). The KIP-848 group protocol is still reported off: whoever
 * finalizes it raises {@link #GROUP_VERSION} (to 1).
 *
 * <p>Immutable; thread-safe.
 */
public final class Features {
    public static final String METADATA_VERSION = "metadata.version";
    public static final String TRANSACTION_VERSION_NAME = "transaction.version";
    public static final String GROUP_VERSION_NAME = "group.version";

    /** metadata.version 3.3-IV3, the oldest Kafka 4.4 supports. */
    public static final short METADATA_VERSION_MIN = 7;
    /** metadata.version 4.4-IV2, Kafka 4.4's latest production level. */
    public static final short METADATA_VERSION_LATEST = 33;
    /** The highest transaction.version the broker implements: Transactions V2, as Kafka 4.4. */
    public static final short TRANSACTION_VERSION = 2;
    /** group.version the broker implements: 0 until KIP-848 groups exist (Kafka 4.4 has 1). */
    public static final short GROUP_VERSION = 0;

    /** One feature: the supported range and the finalized level. */
    public record Feature(String name, short minSupported, short maxSupported, short finalized) {}

    private final Map<String, Feature> features;

    private Features(Map<String, Feature> features) {
        this.features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /** What this build of Tributary implements, every feature finalized at its highest level. */
    public static Features current() {
        return of(TRANSACTION_VERSION);
    }

    /**
     * What this build implements, with {@code transaction.version} finalized at {@code
     * transactionVersion}.
     *
     * @throws IllegalArgumentException if the level is outside 0 to {@link #TRANSACTION_VERSION}
     */
    public static Features of(short transactionVersion) {
        Builder b = builder()
                .feature(METADATA_VERSION, METADATA_VERSION_MIN, METADATA_VERSION_LATEST, METADATA_VERSION_LATEST);
        if (TRANSACTION_VERSION > 0) {
            b.feature(TRANSACTION_VERSION_NAME, (short) 0, TRANSACTION_VERSION, transactionVersion);
        }
        if (GROUP_VERSION > 0) {
            b.feature(GROUP_VERSION_NAME, (short) 0, GROUP_VERSION, GROUP_VERSION);
        }
        return b.build();
    }

    /** The finalized level of {@code name}, 0 when the feature is unknown or off. */
    public short finalized(String name) {
        Feature f = features.get(name);
        return f == null ? 0 : f.finalized();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Feature> all() {
        return new ArrayList<>(features.values());
    }

    public Optional<Feature> get(String name) {
        return Optional.ofNullable(features.get(name));
    }

    /** Collects features; a later feature of the same name replaces an earlier one. */
    public static final class Builder {
        private final Map<String, Feature> features = new LinkedHashMap<>();

        public Builder feature(String name, short minSupported, short maxSupported, short finalized) {
            if (minSupported > maxSupported || finalized < minSupported || finalized > maxSupported) {
                throw new IllegalArgumentException("Inconsistent levels for " + name + ": supported " + minSupported
                        + "-" + maxSupported + ", finalized " + finalized);
            }
            features.put(name, new Feature(name, minSupported, maxSupported, finalized));
            return this;
        }

        public Features build() {
            return new Features(features);
        }
    }
}

package io.tributary.spi.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Copies of the maps the broker looks things up in on every request. */
final class ImageMaps {
    private ImageMaps() {}

    /**
     * An unmodifiable copy of {@code map} (no null keys or values) that is of the same class
     * whatever its size. {@code Map.copyOf} answers one class for one entry and others for none
     * or several; a lookup the JIT has compiled while it only met one of them is thrown away when
     * the other comes (measured: after a warm-up on one-partition topics, the first topic with
     * more partitions deoptimized {@code ProduceHandler.handle}, some 7,500 inlined bytecodes,
     * and cost a 0.7-1.1 s recompile).
     */
    static <K, V> Map<K, V> copyOf(Map<K, V> map) {
        HashMap<K, V> copy = HashMap.newHashMap(map.size());
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
        return Collections.unmodifiableMap(copy);
    }
}

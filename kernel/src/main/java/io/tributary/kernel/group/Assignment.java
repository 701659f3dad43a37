package io.tributary.kernel.group;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Immutable sets of partitions by topic id, as KIP-848 assignments are expressed. Topics with no
 * partitions are never kept, so equal assignments are equal maps.
 */
public final class Assignment {
    public static final Map<UUID, Set<Integer>> EMPTY = Map.of();

    private Assignment() {}

    /** An immutable copy without empty topics. */
    public static Map<UUID, Set<Integer>> copyOf(Map<UUID, ? extends Set<Integer>> partitions) {
        Map<UUID, Set<Integer>> out = new TreeMap<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                out.put(topic, Collections.unmodifiableSet(new TreeSet<>(ps)));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    public static Map<UUID, Set<Integer>> union(Map<UUID, Set<Integer>> a, Map<UUID, Set<Integer>> b) {
        Map<UUID, Set<Integer>> out = mutable(a);
        b.forEach((t, ps) -> out.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
        return copyOf(out);
    }

    public static Map<UUID, Set<Integer>> minus(Map<UUID, Set<Integer>> a, Map<UUID, Set<Integer>> b) {
        Map<UUID, Set<Integer>> out = mutable(a);
        b.forEach((t, ps) -> {
            Set<Integer> s = out.get(t);
            if (s != null) {
                s.removeAll(ps);
            }
        });
        return copyOf(out);
    }

    public static Map<UUID, Set<Integer>> intersect(Map<UUID, Set<Integer>> a, Map<UUID, Set<Integer>> b) {
        Map<UUID, Set<Integer>> out = new HashMap<>();
        a.forEach((t, ps) -> {
            Set<Integer> other = b.get(t);
            if (other != null) {
                Set<Integer> s = new TreeSet<>(ps);
                s.retainAll(other);
                out.put(t, s);
            }
        });
        return copyOf(out);
    }

    /** True when every partition of {@code a} is in {@code b}. */
    public static boolean isSubset(Map<UUID, Set<Integer>> a, Map<UUID, Set<Integer>> b) {
        for (Map.Entry<UUID, Set<Integer>> e : a.entrySet()) {
            Set<Integer> other = b.get(e.getKey());
            if (other == null || !other.containsAll(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    public static boolean overlaps(Map<UUID, Set<Integer>> a, Map<UUID, Set<Integer>> b) {
        for (Map.Entry<UUID, Set<Integer>> e : a.entrySet()) {
            Set<Integer> other = b.get(e.getKey());
            if (other != null) {
                for (int p : e.getValue()) {
                    if (other.contains(p)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    public static int size(Map<UUID, Set<Integer>> a) {
        int n = 0;
        for (Set<Integer> ps : a.values()) {
            n += ps.size();
        }
        return n;
    }

    private static Map<UUID, Set<Integer>> mutable(Map<UUID, Set<Integer>> a) {
        Map<UUID, Set<Integer>> out = new HashMap<>();
        a.forEach((t, ps) -> out.put(t, new TreeSet<>(ps)));
        return out;
    }
}

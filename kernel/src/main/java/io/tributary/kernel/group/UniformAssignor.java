package io.tributary.kernel.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The {@code uniform} assignor (the default): spreads partitions so that members' partition
 * counts differ by at most one where subscriptions allow it, and moves as few partitions as
 * possible from the current target assignment (sticky). Works for members with different
 * subscriptions too: a partition only goes to members subscribed to its topic.
 *
 * <p>Steps: keep every current partition still valid for its member; hand each unowned partition
 * to the least loaded subscribed member; then move partitions from the most loaded members to
 * subscribed members with at least two fewer, until no such move exists (each move lowers the
 * sum of squared counts, so this ends).
 */
public final class UniformAssignor implements ServerAssignor {
    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<UUID, Set<Integer>>> assign(List<MemberSpec> members, Map<UUID, TopicSpec> topics) {
        Map<String, Map<UUID, Set<Integer>>> out = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        Map<String, MemberSpec> byId = new LinkedHashMap<>();
        for (MemberSpec m : members) {
            out.put(m.memberId(), new HashMap<>());
            counts.put(m.memberId(), 0);
            byId.put(m.memberId(), m);
        }
        Map<UUID, String[]> owners = new HashMap<>();
        for (TopicSpec t : topics.values()) {
            owners.put(t.id(), new String[t.partitions()]);
        }
        // 1. Stickiness: keep what is still valid.
        for (MemberSpec m : members) {
            m.current().forEach((topic, partitions) -> {
                String[] owner = owners.get(topic);
                if (owner == null || !m.subscribedTopics().contains(topic)) {
                    return;
                }
                for (int p : partitions) {
                    if (p < owner.length && owner[p] == null) {
                        owner[p] = m.memberId();
                        add(out, counts, m.memberId(), topic, p);
                    }
                }
            });
        }
        // 2. Unowned partitions to the least loaded subscribed member.
        List<TopicSpec> ordered = new ArrayList<>(topics.values());
        ordered.sort(Comparator.comparing(TopicSpec::name).thenComparing(TopicSpec::id));
        for (TopicSpec t : ordered) {
            String[] owner = owners.get(t.id());
            List<MemberSpec> eligible = eligible(members, t.id());
            if (eligible.isEmpty()) {
                continue;
            }
            for (int p = 0; p < owner.length; p++) {
                if (owner[p] == null) {
                    MemberSpec least = leastLoaded(eligible, counts);
                    owner[p] = least.memberId();
                    add(out, counts, least.memberId(), t.id(), p);
                }
            }
        }
        // 3. Balance.
        boolean moved = true;
        while (moved) {
            moved = false;
            List<MemberSpec> byLoad = new ArrayList<>(members);
            byLoad.sort(Comparator.comparing((MemberSpec m) -> -counts.get(m.memberId())));
            outer:
            for (MemberSpec from : byLoad) {
                int fromCount = counts.get(from.memberId());
                for (TopicSpec t : ordered) {
                    Set<Integer> owned = out.get(from.memberId()).get(t.id());
                    if (owned == null || owned.isEmpty()) {
                        continue;
                    }
                    MemberSpec to = null;
                    for (MemberSpec candidate : eligible(members, t.id())) {
                        int c = counts.get(candidate.memberId());
                        if (c < fromCount - 1 && (to == null || c < counts.get(to.memberId()))) {
                            to = candidate;
                        }
                    }
                    if (to != null) {
                        int p = ((TreeSet<Integer>) owned).last();
                        remove(out, counts, from.memberId(), t.id(), p);
                        add(out, counts, to.memberId(), t.id(), p);
                        moved = true;
                        break outer;
                    }
                }
            }
        }
        Map<String, Map<UUID, Set<Integer>>> result = new LinkedHashMap<>();
        out.forEach((member, assignment) -> result.put(member, Assignment.copyOf(assignment)));
        return result;
    }

    private static List<MemberSpec> eligible(List<MemberSpec> members, UUID topic) {
        List<MemberSpec> out = new ArrayList<>();
        for (MemberSpec m : members) {
            if (m.subscribedTopics().contains(topic)) {
                out.add(m);
            }
        }
        return out;
    }

    private static MemberSpec leastLoaded(List<MemberSpec> eligible, Map<String, Integer> counts) {
        MemberSpec best = null;
        for (MemberSpec m : eligible) {
            if (best == null || counts.get(m.memberId()) < counts.get(best.memberId())) {
                best = m;
            }
        }
        return best;
    }

    private static void add(
            Map<String, Map<UUID, Set<Integer>>> out, Map<String, Integer> counts, String member, UUID topic, int p) {
        out.get(member).computeIfAbsent(topic, k -> new TreeSet<>()).add(p);
        counts.merge(member, 1, Integer::sum);
    }

    private static void remove(
            Map<String, Map<UUID, Set<Integer>>> out, Map<String, Integer> counts, String member, UUID topic, int p) {
        out.get(member).get(topic).remove(p);
        counts.merge(member, -1, Integer::sum);
    }
}

package io.tributary.kernel.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The {@code range} assignor: for each topic, the members subscribed to it (in member id order)
 * get consecutive ranges of partitions, the first members one more when the count does not
 * divide. Topics with the same partition count are co-partitioned: partition i of each goes to
 * the same member, which joins and other per-key work rely on.
 */
public final class RangeAssignor implements ServerAssignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<UUID, Set<Integer>>> assign(List<MemberSpec> members, Map<UUID, TopicSpec> topics) {
        Map<String, Map<UUID, Set<Integer>>> out = new LinkedHashMap<>();
        for (MemberSpec m : members) {
            out.put(m.memberId(), new LinkedHashMap<>());
        }
        for (TopicSpec t : topics.values()) {
            List<MemberSpec> subscribed = new ArrayList<>();
            for (MemberSpec m : members) {
                if (m.subscribedTopics().contains(t.id())) {
                    subscribed.add(m);
                }
            }
            if (subscribed.isEmpty()) {
                continue;
            }
            subscribed.sort(Comparator.comparing(MemberSpec::memberId));
            int per = t.partitions() / subscribed.size();
            int extra = t.partitions() % subscribed.size();
            int next = 0;
            for (int i = 0; i < subscribed.size(); i++) {
                int count = per + (i < extra ? 1 : 0);
                if (count == 0) {
                    continue;
                }
                Set<Integer> range = new TreeSet<>();
                for (int p = next; p < next + count; p++) {
                    range.add(p);
                }
                next += count;
                out.get(subscribed.get(i).memberId()).put(t.id(), range);
            }
        }
        Map<String, Map<UUID, Set<Integer>>> result = new LinkedHashMap<>();
        out.forEach((member, assignment) -> result.put(member, Assignment.copyOf(assignment)));
        return result;
    }
}

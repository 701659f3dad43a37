package io.tributary.kernel.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.protocol.Errors;
import io.tributary.protocol.message.ConsumerGroupDescribeResponseData;
import io.tributary.protocol.message.ConsumerGroupHeartbeatRequestData;
import io.tributary.protocol.message.ConsumerGroupHeartbeatResponseData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** KIP-848 groups: epochs, target assignment and reconciliation, driven by hand. */
class ConsumerGroupProtocolTest {
    private static final String GROUP = "new-protocol-group";
    private static final String TOPIC = "orders";

    private final GroupTestKit kit = new GroupTestKit();
    private UUID topicId;

    @BeforeEach
    void topic() {
        topicId = kit.topic(TOPIC, 6);
    }

    /** A member as the client sees it: its id, epoch and owned partitions. */
    private final class Member {
        final String id = UUID.randomUUID().toString();
        final String instanceId;
        int epoch;
        Set<Integer> owned = new TreeSet<>();

        Member(String instanceId) {
            this.instanceId = instanceId;
        }

        ConsumerGroupHeartbeatResponseData join(String assignor) {
            ConsumerGroupHeartbeatRequestData r = base(0).setRebalanceTimeoutMs(30_000)
                    .setSubscribedTopicNames(List.of(TOPIC))
                    .setServerAssignor(assignor)
                    .setTopicPartitions(new ArrayList<>());
            return apply(send(r));
        }

        ConsumerGroupHeartbeatResponseData join() {
            return join(null);
        }

        /** A heartbeat reporting what the member owns (after acting on the last assignment). */
        ConsumerGroupHeartbeatResponseData heartbeat() {
            ConsumerGroupHeartbeatRequestData r = base(epoch)
                    .setTopicPartitions(List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                            .setTopicId(topicId)
                            .setPartitions(new ArrayList<>(owned))));
            return apply(send(r));
        }

        ConsumerGroupHeartbeatResponseData leave(int leaveEpoch) {
            return send(base(leaveEpoch));
        }

        private ConsumerGroupHeartbeatRequestData base(int memberEpoch) {
            return new ConsumerGroupHeartbeatRequestData()
                    .setGroupId(GROUP)
                    .setMemberId(id)
                    .setMemberEpoch(memberEpoch)
                    .setInstanceId(instanceId);
        }

        private ConsumerGroupHeartbeatResponseData apply(ConsumerGroupHeartbeatResponseData r) {
            if (r.errorCode() == Errors.NONE.code()) {
                epoch = r.memberEpoch();
                if (r.assignment() != null) {
                    owned = new TreeSet<>();
                    r.assignment().topicPartitions().forEach(tp -> owned.addAll(tp.partitions()));
                }
            }
            return r;
        }
    }

    private ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData r) {
        AtomicReference<ConsumerGroupHeartbeatResponseData> out = new AtomicReference<>();
        kit.coordinator.consumerGroupHeartbeat(
                r, new GroupCoordinator.Client("client", "/127.0.0.1", (short) 1), out::set);
        assertNotNull(out.get(), "heartbeats are answered at once by an in-memory log");
        return out.get();
    }

    private ConsumerGroup group() {
        return (ConsumerGroup) kit.coordinator.group(GROUP).orElseThrow();
    }

    /** Heartbeats every member until nothing changes; checks no partition is ever owned twice. */
    private void settle(List<Member> members) {
        for (int round = 0; round < 10; round++) {
            for (Member m : members) {
                assertEquals(Errors.NONE.code(), m.heartbeat().errorCode());
                assertNoDoubleOwnership(members);
            }
        }
    }

    private static void assertNoDoubleOwnership(List<Member> members) {
        Set<Integer> seen = new HashSet<>();
        for (Member m : members) {
            for (int p : m.owned) {
                assertTrue(seen.add(p), "partition " + p + " owned twice");
            }
        }
    }

    @Test
    void shouldGiveTheFirstMemberEveryPartitionAtEpochOne() {
        Member a = new Member(null);
        ConsumerGroupHeartbeatResponseData r = a.join();
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(1, r.memberEpoch());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), a.owned);
        assertEquals("Stable", group().stateName());
    }

    @Test
    void shouldRevokeBeforeAnotherMemberGetsAPartition() {
        Member a = new Member(null);
        a.join();
        Member b = new Member(null);
        ConsumerGroupHeartbeatResponseData joined = b.join();
        assertEquals(2, joined.memberEpoch());
        assertTrue(b.owned.isEmpty(), "a's partitions are not released yet");
        assertEquals("Reconciling", group().stateName());
        // a learns to give up three partitions, keeping its epoch until it has.
        ConsumerGroupHeartbeatResponseData revoke = a.heartbeat();
        assertEquals(1, revoke.memberEpoch());
        assertEquals(3, a.owned.size());
        // a reports the revocation done and moves on to epoch 2.
        assertEquals(2, a.heartbeat().memberEpoch());
        b.heartbeat();
        assertEquals(3, b.owned.size());
        assertNoDoubleOwnership(List.of(a, b));
        assertEquals("Stable", group().stateName());
    }

    @Test
    void shouldBalanceSeveralMembersJoiningAndLeaving() {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Member m = new Member(null);
            m.join();
            members.add(m);
            settle(members);
        }
        for (Member m : members) {
            assertTrue(m.owned.size() == 1 || m.owned.size() == 2, "balanced: " + m.owned);
        }
        Member leaving = members.remove(0);
        assertEquals(-1, leaving.leave(-1).memberEpoch());
        settle(members);
        for (Member m : members) {
            assertEquals(2, m.owned.size());
        }
        assertEquals("Stable", group().stateName());
    }

    @Test
    void shouldMoveTheFailedMembersPartitionsAfterItsSessionTimeout() {
        Member a = new Member(null);
        Member b = new Member(null);
        a.join();
        b.join();
        settle(List.of(a, b));
        assertEquals(3, a.owned.size());
        kit.clock.advance(kit.config.consumerSessionTimeoutMs() / 2);
        a.heartbeat();
        kit.clock.advance(kit.config.consumerSessionTimeoutMs() / 2 + 1);
        assertFalse(group().members.containsKey(b.id), "b did not heartbeat");
        a.heartbeat();
        assertEquals(6, a.owned.size());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), b.heartbeat().errorCode());
    }

    @Test
    void shouldFenceAMemberThatDoesNotRevokeWithinItsRebalanceTimeout() {
        Member a = new Member(null);
        a.join();
        Member b = new Member(null);
        b.join();
        a.heartbeat(); // told to revoke, but never reports it
        for (int t = 0; t < 30_000; t += 5000) {
            kit.clock.advance(5000);
            b.heartbeat();
            send(new ConsumerGroupHeartbeatRequestData()
                    .setGroupId(GROUP)
                    .setMemberId(a.id)
                    .setMemberEpoch(a.epoch));
        }
        assertFalse(group().members.containsKey(a.id));
        b.heartbeat();
        assertEquals(6, b.owned.size());
    }

    @Test
    void shouldFenceAnEpochTheGroupDoesNotExpect() {
        Member a = new Member(null);
        a.join();
        a.epoch = 7;
        assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), a.heartbeat().errorCode());
        // The member rejoins with epoch 0 and gets its partitions back.
        a.owned.clear();
        ConsumerGroupHeartbeatResponseData rejoin = a.join();
        assertEquals(Errors.NONE.code(), rejoin.errorCode());
        assertEquals(6, a.owned.size());
    }

    @Test
    void shouldLetARestartedStaticMemberTakeOverWithoutMovingPartitions() {
        Member a = new Member("instance-a");
        Member b = new Member("instance-b");
        a.join();
        b.join();
        settle(List.of(a, b));
        int epoch = group().groupEpoch;
        Set<Integer> bPartitions = Set.copyOf(b.owned);
        assertEquals(-2, b.leave(-2).memberEpoch());
        Member b2 = new Member("instance-b");
        ConsumerGroupHeartbeatResponseData r = b2.join();
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(bPartitions, b2.owned);
        assertEquals(epoch, group().groupEpoch, "no new group epoch");
        settle(List.of(a, b2));
        assertEquals(bPartitions, b2.owned);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), b.heartbeat().errorCode());
    }

    @Test
    void shouldRefuseASecondInstanceWhileTheFirstIsActive() {
        Member a = new Member("instance-a");
        a.join();
        Member twin = new Member("instance-a");
        assertEquals(Errors.UNRELEASED_INSTANCE_ID.code(), twin.join().errorCode());
    }

    @Test
    void shouldUseTheRangeAssignorWhenMembersAskForIt() {
        kit.topic("payments", 6);
        Member a = new Member(null);
        Member b = new Member(null);
        a.join("range");
        b.join("range");
        settle(List.of(a, b));
        assertEquals("range", describe().assignorName());
        List<Member> byId = new ArrayList<>(List.of(a, b));
        byId.sort((x, y) -> x.id.compareTo(y.id));
        assertEquals(Set.of(0, 1, 2), byId.get(0).owned);
        assertEquals(Set.of(3, 4, 5), byId.get(1).owned);
    }

    @Test
    void shouldRejectBadHeartbeats() {
        assertEquals(
                Errors.INVALID_REQUEST.code(),
                send(new ConsumerGroupHeartbeatRequestData()
                                .setGroupId("")
                                .setMemberId("m")
                                .setMemberEpoch(0))
                        .errorCode());
        assertEquals(
                Errors.INVALID_REQUEST.code(),
                send(new ConsumerGroupHeartbeatRequestData()
                                .setGroupId(GROUP)
                                .setMemberId("m")
                                .setMemberEpoch(0)
                                .setRebalanceTimeoutMs(1000)
                                .setTopicPartitions(List.of()))
                        .errorCode(),
                "a first heartbeat needs a subscription");
        assertEquals(
                Errors.UNSUPPORTED_ASSIGNOR.code(),
                send(new ConsumerGroupHeartbeatRequestData()
                                .setGroupId(GROUP)
                                .setMemberId("m")
                                .setMemberEpoch(0)
                                .setRebalanceTimeoutMs(1000)
                                .setSubscribedTopicNames(List.of(TOPIC))
                                .setServerAssignor("magic")
                                .setTopicPartitions(List.of()))
                        .errorCode());
        assertEquals(
                Errors.INVALID_REGULAR_EXPRESSION.code(),
                send(new ConsumerGroupHeartbeatRequestData()
                                .setGroupId(GROUP)
                                .setMemberId("m")
                                .setMemberEpoch(0)
                                .setRebalanceTimeoutMs(1000)
                                .setSubscribedTopicRegex("orders(")
                                .setTopicPartitions(List.of()))
                        .errorCode());
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID.code(),
                send(new ConsumerGroupHeartbeatRequestData()
                                .setGroupId(GROUP)
                                .setMemberId("m")
                                .setMemberEpoch(3))
                        .errorCode());
    }

    @Test
    void shouldSubscribeByRegexAndFollowNewTopics() {
        Member a = new Member(null);
        ConsumerGroupHeartbeatRequestData r = new ConsumerGroupHeartbeatRequestData()
                .setGroupId(GROUP)
                .setMemberId(a.id)
                .setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicRegex("ord.*")
                .setTopicPartitions(new ArrayList<>());
        a.apply(send(r));
        assertEquals(6, a.owned.size());
        int epoch = group().groupEpoch;
        kit.topic("orders-eu", 2);
        ConsumerGroupHeartbeatResponseData hb = send(new ConsumerGroupHeartbeatRequestData()
                .setGroupId(GROUP)
                .setMemberId(a.id)
                .setMemberEpoch(a.epoch));
        assertTrue(group().groupEpoch > epoch, "a new matching topic bumps the group epoch");
        int total = 0;
        for (ConsumerGroupHeartbeatResponseData.TopicPartitions tp :
                hb.assignment().topicPartitions()) {
            total += tp.partitions().size();
        }
        assertEquals(8, total);
    }

    @Test
    void shouldRestoreEpochsAndAssignmentsAfterARestart() {
        Member a = new Member(null);
        Member b = new Member(null);
        a.join();
        b.join();
        settle(List.of(a, b));
        Map<String, Set<Integer>> before = new HashMap<>();
        before.put(a.id, Set.copyOf(a.owned));
        before.put(b.id, Set.copyOf(b.owned));
        int epoch = group().groupEpoch;
        kit.restart();
        assertEquals(epoch, group().groupEpoch);
        assertEquals("Stable", group().stateName());
        settle(List.of(a, b));
        assertEquals(before.get(a.id), a.owned);
        assertEquals(before.get(b.id), b.owned);
    }

    @Test
    void shouldDescribeMembersWithTheirAssignmentAndTarget() {
        Member a = new Member(null);
        a.join();
        ConsumerGroupDescribeResponseData.DescribedGroup d = describe();
        assertEquals(Errors.NONE.code(), d.errorCode());
        assertEquals("Stable", d.groupState());
        assertEquals(1, d.members().size());
        ConsumerGroupDescribeResponseData.Member m = d.members().getFirst();
        assertEquals(TOPIC, m.assignment().topicPartitions().getFirst().topicName());
        assertEquals(
                6,
                m.targetAssignment().topicPartitions().getFirst().partitions().size());
        assertEquals(
                Errors.GROUP_ID_NOT_FOUND.code(),
                kit.coordinator
                        .consumerGroupDescribe(List.of("missing"), false)
                        .getFirst()
                        .errorCode());
        assertNotNull(kit.coordinator
                .consumerGroupDescribe(List.of("missing"), false)
                .getFirst()
                .errorMessage());
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe() {
        return kit.coordinator.consumerGroupDescribe(List.of(GROUP), false).getFirst();
    }
}

package io.tributary.kernel.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.protocol.Errors;
import io.tributary.protocol.message.JoinGroupRequestData;
import io.tributary.protocol.message.JoinGroupResponseData;
import io.tributary.protocol.message.SyncGroupRequestData;
import io.tributary.protocol.message.SyncGroupResponseData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The classic group state machine, driven by hand (time included). */
class ClassicGroupProtocolTest {
    private static final String GROUP = "classic-group";
    private static final int SESSION = 10_000;
    private static final int REBALANCE = 30_000;

    private final GroupTestKit kit = new GroupTestKit();

    /** A parked JoinGroup: its response once it arrives. */
    private static final class Pending<T> {
        final AtomicReference<T> response = new AtomicReference<>();

        T get() {
            T r = response.get();
            assertNotNull(r, "no response yet");
            return r;
        }

        boolean done() {
            return response.get() != null;
        }
    }

    private Pending<JoinGroupResponseData> join(
            String memberId, String instanceId, short version, String... protocols) {
        return join(memberId, instanceId, version, SESSION, protocols);
    }

    private Pending<JoinGroupResponseData> join(
            String memberId, String instanceId, short version, int sessionMs, String... protocols) {
        JoinGroupRequestData r = new JoinGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(sessionMs)
                .setRebalanceTimeoutMs(REBALANCE)
                .setProtocolType("consumer");
        List<JoinGroupRequestData.JoinGroupRequestProtocol> ps = new ArrayList<>();
        for (String p : protocols.length == 0 ? new String[] {"range"} : protocols) {
            ps.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                    .setName(p)
                    .setMetadata(p.getBytes()));
        }
        r.setProtocols(ps);
        Pending<JoinGroupResponseData> out = new Pending<>();
        kit.coordinator.joinGroup(r, new GroupCoordinator.Client("client", "/127.0.0.1", version), out.response::set);
        return out;
    }

    /** Joins with v9: MEMBER_ID_REQUIRED, then again with the id. Returns the parked second join. */
    private Pending<JoinGroupResponseData> joinNew(String... protocols) {
        JoinGroupResponseData first = join("", null, (short) 9, protocols).get();
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        return join(first.memberId(), null, (short) 9, protocols);
    }

    private Pending<SyncGroupResponseData> sync(String memberId, int generation, List<String> assignTo) {
        SyncGroupRequestData r = new SyncGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGenerationId(generation);
        for (String m : assignTo) {
            r.assignments()
                    .add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                            .setMemberId(m)
                            .setAssignment(("for-" + m).getBytes()));
        }
        Pending<SyncGroupResponseData> out = new Pending<>();
        kit.coordinator.syncGroup(r, out.response::set);
        return out;
    }

    private ClassicGroup group() {
        return (ClassicGroup) kit.coordinator.group(GROUP).orElseThrow();
    }

    /** One member joined and synced: generation 1, Stable. */
    private String stableSingleMember() {
        Pending<JoinGroupResponseData> j = joinNew();
        kit.clock.runDue();
        String id = j.get().memberId();
        sync(id, 1, List.of(id)).get();
        return id;
    }

    @Test
    void shouldHandOutAMemberIdFirstFromVersionFour() {
        JoinGroupResponseData first = join("", null, (short) 4).get();
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        assertTrue(first.memberId().startsWith("client-"));
        Pending<JoinGroupResponseData> second = join(first.memberId(), null, (short) 4);
        kit.clock.runDue();
        assertEquals(Errors.NONE.code(), second.get().errorCode());
        assertEquals(1, second.get().generationId());
        assertEquals(first.memberId(), second.get().leader());
        assertEquals(1, second.get().members().size());
    }

    @Test
    void shouldAddAMemberAtOnceBeforeVersionFour() {
        Pending<JoinGroupResponseData> j = join("", null, (short) 3);
        kit.clock.runDue();
        assertEquals(Errors.NONE.code(), j.get().errorCode());
        assertFalse(j.get().memberId().isEmpty());
    }

    @Test
    void shouldWaitForEveryMemberToRejoinAndGiveOnlyTheLeaderTheMemberList() {
        String first = stableSingleMember();
        Pending<JoinGroupResponseData> second = joinNew();
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group().state());
        assertFalse(second.done(), "the rebalance waits for the first member");
        Pending<JoinGroupResponseData> firstAgain = join(first, null, (short) 9);
        assertTrue(second.done() && firstAgain.done());
        assertEquals(2, firstAgain.get().generationId());
        assertEquals(first, firstAgain.get().leader());
        assertEquals(2, firstAgain.get().members().size());
        assertEquals(0, second.get().members().size());
        assertEquals(ClassicGroup.State.COMPLETING_REBALANCE, group().state());
    }

    @Test
    void shouldAnswerSyncGroupWithEachMembersAssignmentOnceTheLeaderSent() {
        String first = stableSingleMember();
        Pending<JoinGroupResponseData> second = joinNew();
        join(first, null, (short) 9);
        String secondId = second.get().memberId();
        Pending<SyncGroupResponseData> follower = sync(secondId, 2, List.of());
        assertFalse(follower.done(), "a follower waits for the leader's assignment");
        int appendsBefore = kit.log.appends;
        SyncGroupResponseData leader = sync(first, 2, List.of(first, secondId)).get();
        assertEquals(appendsBefore + 1, kit.log.appends, "the assignment is stored first");
        assertArrayEquals(("for-" + first).getBytes(), leader.assignment());
        assertArrayEquals(("for-" + secondId).getBytes(), follower.get().assignment());
        assertEquals(ClassicGroup.State.STABLE, group().state());
    }

    @Test
    void shouldPropagateAFailedAssignmentWriteAndRebalanceAgain() {
        Pending<JoinGroupResponseData> j = joinNew();
        kit.clock.runDue();
        kit.log.failNext(Errors.NOT_LEADER_OR_FOLLOWER);
        SyncGroupResponseData r =
                sync(j.get().memberId(), 1, List.of(j.get().memberId())).get();
        assertEquals(Errors.NOT_COORDINATOR.code(), r.errorCode());
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group().state());
    }

    @Test
    void shouldSelectTheProtocolMostMembersPreferAmongThoseAllSupport() {
        Pending<JoinGroupResponseData> a = joinNew("roundrobin", "range");
        Pending<JoinGroupResponseData> b = joinNew("range", "roundrobin");
        Pending<JoinGroupResponseData> c = joinNew("range", "sticky");
        kit.clock.runDue();
        assertEquals("range", a.get().protocolName());
        assertEquals("range", b.get().protocolName());
        assertEquals("range", c.get().protocolName());
    }

    @Test
    void shouldRefuseAMemberWithNoProtocolInCommon() {
        stableSingleMember();
        JoinGroupResponseData r = join("", null, (short) 9, "sticky").get();
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), r.errorCode());
    }

    @Test
    void shouldExpireASilentMemberAfterItsSessionTimeoutAndRebalance() {
        String first = stableSingleMember();
        Pending<JoinGroupResponseData> second = joinNew();
        join(first, null, (short) 9);
        String secondId = second.get().memberId();
        sync(first, 2, List.of(first, secondId));
        sync(secondId, 2, List.of()); // Only the first member keeps heartbeating.
        for (int i = 0; i < 3; i++) {
            kit.clock.advance(SESSION / 3);
            assertEquals(Errors.NONE, kit.coordinator.heartbeat(GROUP, first, null, 2));
        }
        assertTrue(group().has(secondId));
        kit.clock.advance(SESSION / 3);
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group().state());
        assertFalse(group().has(secondId));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, kit.coordinator.heartbeat(GROUP, first, null, 2));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, kit.coordinator.heartbeat(GROUP, secondId, null, 2));
    }

    @Test
    void shouldDropMembersThatDoNotRejoinWithinTheRebalanceTimeout() {
        String first = stableSingleMember();
        Pending<JoinGroupResponseData> second = joinNew();
        assertFalse(second.done());
        kit.clock.advance(REBALANCE);
        assertTrue(second.done());
        assertEquals(1, second.get().members().size(), "the new member leads the one-member generation");
        assertFalse(group().has(first));
    }

    @Test
    void shouldDropMembersThatDoNotSyncWithinTheRebalanceTimeout() {
        String first = stableSingleMember();
        Pending<JoinGroupResponseData> second = joinNew();
        join(first, null, (short) 9);
        sync(first, 2, List.of(first, second.get().memberId()));
        // Both heartbeat, but the second never sends SyncGroup.
        for (int t = 0; t < REBALANCE; t += SESSION / 2) {
            assertEquals(Errors.NONE, kit.coordinator.heartbeat(GROUP, first, null, 2));
            assertEquals(
                    Errors.NONE, kit.coordinator.heartbeat(GROUP, second.get().memberId(), null, 2));
            kit.clock.advance(SESSION / 2);
        }
        assertFalse(group().has(second.get().memberId()));
        assertTrue(group().has(first));
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group().state());
    }

    @Test
    void shouldCheckGenerationAndMemberOnHeartbeat() {
        String id = stableSingleMember();
        assertEquals(Errors.NONE, kit.coordinator.heartbeat(GROUP, id, null, 1));
        assertEquals(Errors.ILLEGAL_GENERATION, kit.coordinator.heartbeat(GROUP, id, null, 0));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, kit.coordinator.heartbeat(GROUP, "nobody", null, 1));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, kit.coordinator.heartbeat("no-such-group", id, null, 1));
        assertEquals(Errors.INVALID_GROUP_ID, kit.coordinator.heartbeat("", id, null, 1));
    }

    @Test
    void shouldRejectSessionTimeoutsOutsideTheConfiguredBounds() {
        JoinGroupRequestData r = new JoinGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId("")
                .setSessionTimeoutMs(1000)
                .setRebalanceTimeoutMs(REBALANCE)
                .setProtocolType("consumer")
                .setProtocols(List.of(new JoinGroupRequestData.JoinGroupRequestProtocol()
                        .setName("range")
                        .setMetadata(new byte[0])));
        AtomicReference<JoinGroupResponseData> out = new AtomicReference<>();
        kit.coordinator.joinGroup(r, new GroupCoordinator.Client("c", "h", (short) 9), out::set);
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), out.get().errorCode());
    }

    @Test
    void shouldGiveARestartedStaticMemberItsPlaceBackWithoutARebalance() {
        Pending<JoinGroupResponseData> a = join("", "instance-a", (short) 9);
        Pending<JoinGroupResponseData> b = join("", "instance-b", (short) 9);
        kit.clock.runDue();
        String aId = a.get().memberId();
        String bId = b.get().memberId();
        String leader = a.get().leader();
        sync(aId, 1, List.of(aId, bId));
        sync(bId, 1, List.of());
        assertEquals(ClassicGroup.State.STABLE, group().state());

        // instance-b restarts: a new process joins with no member id.
        JoinGroupResponseData rejoined = join("", "instance-b", (short) 9).get();
        assertEquals(Errors.NONE.code(), rejoined.errorCode());
        assertEquals(1, rejoined.generationId(), "no new generation");
        assertEquals(ClassicGroup.State.STABLE, group().state());
        String newB = rejoined.memberId();
        SyncGroupResponseData assignment = sync(newB, 1, List.of()).get();
        assertArrayEquals(("for-" + bId).getBytes(), assignment.assignment());
        assertEquals(leader, group().leaderId());
        // The old instance is fenced; the other member never noticed.
        assertEquals(Errors.FENCED_INSTANCE_ID, kit.coordinator.heartbeat(GROUP, bId, "instance-b", 1));
        assertEquals(Errors.NONE, kit.coordinator.heartbeat(GROUP, aId, "instance-a", 1));
    }

    @Test
    void shouldLetAStaticLeaderSkipTheAssignmentWhenItRestarts() {
        Pending<JoinGroupResponseData> a = join("", "instance-a", (short) 9);
        kit.clock.runDue();
        sync(a.get().memberId(), 1, List.of(a.get().memberId()));
        JoinGroupResponseData rejoined = join("", "instance-a", (short) 9).get();
        assertTrue(rejoined.skipAssignment());
        assertEquals(rejoined.memberId(), rejoined.leader());
        assertEquals(1, rejoined.members().size());
    }

    @Test
    void shouldKeepAStaticMemberThatDidNotRejoinUntilItsSessionExpires() {
        int longSession = 3 * REBALANCE;
        Pending<JoinGroupResponseData> a = join("", "instance-a", (short) 9, longSession);
        kit.clock.runDue();
        String aId = a.get().memberId();
        sync(aId, 1, List.of(aId));
        Pending<JoinGroupResponseData> dynamic = joinNew();
        kit.clock.advance(REBALANCE);
        assertTrue(dynamic.done());
        assertTrue(group().has(aId), "a static member keeps its place through a rebalance it missed");
        kit.clock.advance(longSession);
        assertFalse(group().has(aId));
    }

    @Test
    void shouldWaitTheInitialRebalanceDelayAndExtendItWhileMembersArrive() {
        GroupTestKit delayed = new GroupTestKit(GroupTestKit.withInitialDelay(3000));
        AtomicReference<JoinGroupResponseData> a = new AtomicReference<>();
        AtomicReference<JoinGroupResponseData> b = new AtomicReference<>();
        GroupCoordinator.Client v3 = new GroupCoordinator.Client("c", "h", (short) 3);
        delayed.coordinator.joinGroup(firstJoin(), v3, a::set);
        delayed.clock.advance(2000);
        delayed.coordinator.joinGroup(firstJoin(), v3, b::set);
        delayed.clock.advance(1500);
        assertNull(a.get(), "a member arrived during the delay: it is extended");
        delayed.clock.advance(1500);
        assertNull(a.get());
        delayed.clock.advance(1000);
        assertNotNull(a.get());
        assertEquals(2, a.get().members().size());
        assertEquals(1, b.get().generationId());
    }

    private static JoinGroupRequestData firstJoin() {
        return new JoinGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId("")
                .setSessionTimeoutMs(SESSION)
                .setRebalanceTimeoutMs(REBALANCE)
                .setProtocolType("consumer")
                .setProtocols(List.of(new JoinGroupRequestData.JoinGroupRequestProtocol()
                        .setName("range")
                        .setMetadata(new byte[0])));
    }

    @Test
    void shouldRemoveLeavingMembersOneByOneWithTheirOwnErrors() {
        Pending<JoinGroupResponseData> a = join("", "instance-a", (short) 9);
        Pending<JoinGroupResponseData> b = joinNew();
        kit.clock.runDue();
        GroupCoordinator.LeaveResult result = kit.coordinator.leaveGroup(
                GROUP,
                List.of(
                        new ClassicGroupProtocol.LeavingMember("", "instance-a"),
                        new ClassicGroupProtocol.LeavingMember(b.get().memberId(), null),
                        new ClassicGroupProtocol.LeavingMember("ghost", null),
                        new ClassicGroupProtocol.LeavingMember("", "unknown-instance")));
        assertEquals(Errors.NONE, result.error());
        assertEquals(
                List.of(Errors.NONE, Errors.NONE, Errors.UNKNOWN_MEMBER_ID, Errors.UNKNOWN_MEMBER_ID),
                result.members());
        kit.clock.runDue();
        assertEquals(ClassicGroup.State.EMPTY, group().state());
        assertEquals(2, group().generationId(), "an emptied group moves to the next generation");
    }

    @Test
    void shouldRestoreAStableGroupWithItsMembersAfterARestart() {
        Pending<JoinGroupResponseData> a = joinNew();
        kit.clock.runDue();
        String id = a.get().memberId();
        sync(id, 1, List.of(id));
        kit.restart();
        assertEquals(ClassicGroup.State.STABLE, group().state());
        assertEquals(1, group().generationId());
        assertEquals(Errors.NONE, kit.coordinator.heartbeat(GROUP, id, null, 1));
        SyncGroupResponseData again = sync(id, 1, List.of()).get();
        assertArrayEquals(("for-" + id).getBytes(), again.assignment());
        kit.clock.advance(SESSION + 1);
        assertFalse(group().has(id), "sessions run again after loading");
        assertEquals(ClassicGroup.State.EMPTY, group().state());
    }

    @Test
    void shouldRefuseGroupIdsThatAreEmptyOrTooLong() {
        String tooLong = "g".repeat(GroupCoordinator.MAX_GROUP_ID_LENGTH + 1);
        for (String id : List.of("", tooLong)) {
            AtomicReference<JoinGroupResponseData> out = new AtomicReference<>();
            kit.coordinator.joinGroup(
                    new JoinGroupRequestData()
                            .setGroupId(id)
                            .setMemberId("")
                            .setSessionTimeoutMs(SESSION)
                            .setProtocolType("consumer"),
                    new GroupCoordinator.Client("c", "h", (short) 9),
                    out::set);
            assertEquals(Errors.INVALID_GROUP_ID.code(), out.get().errorCode());
        }
        assertEquals(
                Errors.NONE.code(),
                kit.coordinator
                        .fetchOffsets(
                                "g".repeat(GroupCoordinator.MAX_GROUP_ID_LENGTH), List.of(), null, -1, false, false)
                        .errorCode());
    }
}

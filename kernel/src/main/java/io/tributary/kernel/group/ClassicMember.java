package io.tributary.kernel.group;

import io.tributary.protocol.message.JoinGroupResponseData;
import io.tributary.protocol.message.SyncGroupResponseData;
import java.util.List;
import java.util.function.Consumer;

/**
 * A member of a classic group: its protocols, timeouts, assignment and the JoinGroup or SyncGroup
 * request it has parked, if any. Handler thread only.
 */
final class ClassicMember {
    /** One protocol a member supports, with its metadata (the subscription for consumers). */
    record Protocol(String name, byte[] metadata) {}

    String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    String protocolType;
    List<Protocol> protocols;
    byte[] assignment = new byte[0];
    /** The JoinGroup version last used, to know whether the member understands skipAssignment (v9+). */
    short joinVersion;

    Consumer<JoinGroupResponseData> awaitingJoin;
    Consumer<SyncGroupResponseData> awaitingSync;
    /** A member whose first join is not complete yet gets the long new-member timeout. */
    boolean isNew;

    long lastHeartbeatMs;
    Scheduler.Task heartbeatTimer;

    ClassicMember(
            String memberId,
            String groupInstanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            String protocolType,
            List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    /** The metadata for {@code protocol}, or null when the member does not support it. */
    byte[] metadata(String protocol) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return null;
    }

    /** True when the member sent exactly these protocols before (a JoinGroup retry changes nothing). */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            Protocol a = protocols.get(i);
            Protocol b = other.get(i);
            if (!a.name().equals(b.name()) || !java.util.Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    /** The member's first protocol that every member supports (its vote). */
    String vote(java.util.Set<String> candidates) {
        for (Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        return null;
    }

    void cancelHeartbeatTimer() {
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel();
            heartbeatTimer = null;
        }
    }
}

package io.tributary.kernel.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tributary.kernel.coordinator.InternalTopic;
import io.tributary.protocol.Errors;
import io.tributary.protocol.message.OffsetFetchRequestData;
import io.tributary.protocol.message.OffsetFetchResponseData;
import io.tributary.protocol.message.TxnOffsetCommitRequestData;
import io.tributary.protocol.message.TxnOffsetCommitResponseData;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TxnOffsetCommit in the group coordinator: offsets pending until the transaction's marker
 * reaches the group's partition (applied on COMMIT, dropped on ABORT), unstable for require_stable
 * readers meanwhile, and settled the same way when the partition is replayed.
 */
class TransactionalOffsetsTest {
    private static final String GROUP = "txn-offsets";
    private static final String TOPIC = "input";
    private static final long PRODUCER = 4000;

    private final GroupTestKit kit = new GroupTestKit();
    private int partition;

    @BeforeEach
    void topic() {
        kit.topic(TOPIC, 2);
        partition = InternalTopic.partitionFor(GROUP, GroupTestKit.OFFSETS_PARTITIONS);
    }

    private short commit(long producerId, long offset, int generation, String memberId) {
        TxnOffsetCommitRequestData r = new TxnOffsetCommitRequestData()
                .setTransactionalId("app")
                .setGroupId(GROUP)
                .setProducerId(producerId)
                .setProducerEpoch((short) 0)
                .setGenerationIdOrMemberEpoch(generation)
                .setMemberId(memberId)
                .setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                        .setName(TOPIC)
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(offset)
                                .setCommittedMetadata("m")))));
        AtomicReference<TxnOffsetCommitResponseData> out = new AtomicReference<>();
        kit.coordinator.commitTransactionalOffsets(r, (short) 4, out::set);
        assertNotNull(out.get());
        return out.get().topics().getFirst().partitions().getFirst().errorCode();
    }

    private OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(boolean stable) {
        OffsetFetchResponseData.OffsetFetchResponseGroup g = kit.coordinator.fetchOffsets(
                GROUP,
                List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName(TOPIC)
                        .setPartitionIndexes(List.of(0))),
                null,
                -1,
                stable,
                false);
        assertEquals(Errors.NONE.code(), g.errorCode());
        return g.topics().getFirst().partitions().getFirst();
    }

    private void marker(long producerId, boolean commit) {
        kit.log.marker(partition, producerId, commit);
        kit.coordinator.completeTransaction(partition, producerId, commit);
    }

    @Test
    void shouldKeepTransactionalOffsetsPendingUntilTheCommitMarker() {
        assertEquals(Errors.NONE.code(), commit(PRODUCER, 42, -1, ""));
        assertEquals(Errors.UNSTABLE_OFFSET_COMMIT.code(), fetch(true).errorCode());
        assertEquals(-1, fetch(false).committedOffset(), "not committed before the marker");
        marker(PRODUCER, true);
        assertEquals(42, fetch(true).committedOffset());
        assertEquals("m", fetch(true).metadata());
    }

    @Test
    void shouldDropTransactionalOffsetsOnAnAbortMarker() {
        commit(PRODUCER, 42, -1, "");
        marker(PRODUCER, true);
        commit(PRODUCER, 50, -1, "");
        marker(PRODUCER, false);
        assertEquals(Errors.NONE.code(), fetch(true).errorCode());
        assertEquals(42, fetch(true).committedOffset());
    }

    @Test
    void shouldSettleOnlyTheProducerWhoseMarkerArrived() {
        commit(PRODUCER, 10, -1, "");
        commit(PRODUCER + 1, 20, -1, "");
        marker(PRODUCER + 1, true);
        assertEquals(Errors.UNSTABLE_OFFSET_COMMIT.code(), fetch(true).errorCode(), "the other is still open");
        assertEquals(20, fetch(false).committedOffset());
        marker(PRODUCER, false);
        assertEquals(20, fetch(true).committedOffset());
    }

    @Test
    void shouldReplayTransactionalOffsetsAndTheirMarkers() {
        commit(PRODUCER, 42, -1, "");
        marker(PRODUCER, true);
        commit(PRODUCER, 50, -1, "");
        marker(PRODUCER, false);
        commit(PRODUCER + 1, 60, -1, "");
        kit.restart();
        assertEquals(
                Errors.UNSTABLE_OFFSET_COMMIT.code(), fetch(true).errorCode(), "still undecided after the restart");
        assertEquals(42, fetch(false).committedOffset());
        kit.coordinator.completeTransaction(partition, PRODUCER + 1, true);
        assertEquals(60, fetch(true).committedOffset());
    }

    @Test
    void shouldCheckTheMemberWhenTheRequestNamesOne() {
        assertEquals(Errors.ILLEGAL_GENERATION.code(), commit(PRODUCER, 1, 3, "stranger"), "no such group yet");
        assertEquals(Errors.NONE.code(), commit(PRODUCER, 1, -1, ""), "a producer outside the group");
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), commit(PRODUCER, 1, 1, "stranger"));
    }
}

package io.tributary.kernel.txn;

import static io.tributary.kernel.txn.TxnTestKit.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.tributary.kernel.partition.TopicPartitionKey;
import io.tributary.protocol.Errors;
import io.tributary.protocol.message.DescribeTransactionsResponseData;
import io.tributary.protocol.message.ListTransactionsResponseData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransactionCoordinatorTest {
    private static final byte V1 = 1;
    private static final byte V2 = 2;

    private final TxnTestKit kit = new TxnTestKit();

    // ---------------------------------------------------------------- InitProducerId

    @Test
    void shouldGiveANewTransactionalIdAFreshProducerIdWithEpochZero() {
        TransactionCoordinator.InitResult first = kit.init("app-1");
        TransactionCoordinator.InitResult other = kit.init("app-2");
        assertEquals(Errors.NONE, first.error());
        assertEquals(0, first.producerEpoch());
        assertNotEquals(first.producerId(), other.producerId());
        assertEquals(TransactionState.EMPTY, kit.metadata("app-1").state());
    }

    @Test
    void shouldBumpTheEpochOfTheSameProducerIdOnEveryInit() {
        TransactionCoordinator.InitResult first = kit.init("app");
        TransactionCoordinator.InitResult second = kit.init("app");
        assertEquals(first.producerId(), second.producerId());
        assertEquals(1, second.producerEpoch());
    }

    @Test
    void shouldRefuseTransactionTimeoutsOutsideTheAllowedRange() {
        assertEquals(
                Errors.INVALID_TRANSACTION_TIMEOUT,
                kit.init("app", TxnTestKit.MAX_TIMEOUT_MS + 1, -1, (short) -1).error());
        assertEquals(
                Errors.INVALID_TRANSACTION_TIMEOUT,
                kit.init("app", 0, -1, (short) -1).error());
        assertEquals(
                Errors.NONE,
                kit.init("app", TxnTestKit.MAX_TIMEOUT_MS, -1, (short) -1).error());
    }

    @Test
    void shouldRefuseAnEmptyTransactionalIdOrAProducerIdWithoutEpoch() {
        assertEquals(Errors.INVALID_REQUEST, kit.init("").error());
        assertEquals(
                Errors.INVALID_REQUEST, kit.init("app", 1000, 5, (short) -1).error());
    }

    @Test
    void shouldFenceThePreviousIncarnationByAbortingItsOngoingTransactionWithABumpedEpoch() {
        TransactionCoordinator.InitResult zombie = kit.init("app");
        assertEquals(Errors.NONE, kit.add("app", zombie, V1, tp("orders", 0), tp("orders", 1)));

        TransactionCoordinator.InitResult fencing = kit.init("app");
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, fencing.error(), "the client retries once the abort is done");
        MarkerSink.Markers abort = kit.markers.last();
        assertFalse(abort.commit());
        assertEquals(zombie.producerEpoch() + 1, abort.producerEpoch(), "the markers carry the fencing epoch");
        assertEquals(Set.of(tp("orders", 0), tp("orders", 1)), abort.partitions());
        assertEquals(TxnTestKit.COORDINATOR_EPOCH, abort.coordinatorEpoch());
        assertEquals(TransactionState.COMPLETE_ABORT, kit.metadata("app").state());

        TransactionCoordinator.InitResult fresh = kit.init("app");
        assertEquals(Errors.NONE, fresh.error());
        assertEquals(zombie.producerEpoch() + 2, fresh.producerEpoch());

        assertEquals(Errors.PRODUCER_FENCED, kit.add("app", zombie, V1, tp("orders", 2)));
        assertEquals(
                Errors.PRODUCER_FENCED,
                kit.end("app", zombie.producerId(), zombie.producerEpoch(), true, false)
                        .error());
    }

    @Test
    void shouldNotBumpTheEpochTwiceWhenWritingTheFenceFailed() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.add("app", p, V1, tp("orders", 0));
        kit.log.failNext(Errors.REQUEST_TIMED_OUT);
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, kit.init("app").error());
        assertEquals(TransactionState.ONGOING, kit.metadata("app").state());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, kit.init("app").error());
        assertEquals(p.producerEpoch() + 1, kit.markers.last().producerEpoch());
    }

    @Test
    void shouldLetAClientRecoverWithItsProducerIdAndEpoch() {
        TransactionCoordinator.InitResult p = kit.init("app");
        TransactionCoordinator.InitResult bumped = kit.init("app", 60_000, p.producerId(), p.producerEpoch());
        assertEquals(new TransactionCoordinator.InitResult(Errors.NONE, p.producerId(), (short) 1), bumped);
        TransactionCoordinator.InitResult retried = kit.init("app", 60_000, p.producerId(), p.producerEpoch());
        assertEquals(bumped, retried, "a retry of a bump that succeeded gets the same epoch");
        assertEquals(
                Errors.PRODUCER_FENCED,
                kit.init("app", 60_000, p.producerId(), (short) 7).error());
        assertEquals(
                Errors.PRODUCER_FENCED,
                kit.init("app", 60_000, 424242, (short) 1).error());
    }

    @Test
    void shouldMoveToANewProducerIdWhenTheEpochsRunOut() {
        long oldId = seed("app", TransactionState.COMPLETE_COMMIT, (short) (Short.MAX_VALUE - 1), Set.of());
        TransactionCoordinator.InitResult rotated = kit.init("app", 60_000, oldId, (short) (Short.MAX_VALUE - 1));
        assertEquals(Errors.NONE, rotated.error());
        assertNotEquals(oldId, rotated.producerId());
        assertEquals(0, rotated.producerEpoch());
        assertEquals(oldId, kit.metadata("app").previousProducerId());
        TransactionCoordinator.InitResult retried = kit.init("app", 60_000, oldId, (short) (Short.MAX_VALUE - 1));
        assertEquals(rotated, retried, "a retry of the rotation gets the new producer id again");
    }

    @Test
    void shouldMoveToANewProducerIdWithoutAnExpectedEpochToo() {
        long oldId = seed("app", TransactionState.EMPTY, (short) (Short.MAX_VALUE - 1), Set.of());
        TransactionCoordinator.InitResult rotated = kit.init("app");
        assertNotEquals(oldId, rotated.producerId());
        assertEquals(0, rotated.producerEpoch());
    }

    // ---------------------------------------------------------------- Transactions V1

    @Test
    void shouldCommitByWritingMarkersToEveryPartitionThenCompleting() {
        TransactionCoordinator.InitResult p = kit.init("app");
        assertEquals(Errors.NONE, kit.add("app", p, V1, tp("orders", 0)));
        assertEquals(Errors.NONE, kit.add("app", p, V1, tp("payments", 1), tp("orders", 0)));
        assertEquals(TransactionState.ONGOING, kit.metadata("app").state());
        long startMs = kit.metadata("app").startMs();
        kit.clock.advance(50);

        TransactionCoordinator.EndResult end = kit.end("app", p.producerId(), p.producerEpoch(), true, false);
        assertEquals(Errors.NONE, end.error());
        MarkerSink.Markers commit = kit.markers.last();
        assertTrue(commit.commit());
        assertEquals(p.producerId(), commit.producerId());
        assertEquals(p.producerEpoch(), commit.producerEpoch(), "V1 keeps the epoch");
        assertEquals(Set.of(tp("orders", 0), tp("payments", 1)), commit.partitions());
        TxnMetadata done = kit.metadata("app");
        assertEquals(TransactionState.COMPLETE_COMMIT, done.state());
        assertEquals(Set.of(), done.partitions());
        assertEquals(startMs, done.startMs());

        assertEquals(
                Errors.NONE,
                kit.end("app", p.producerId(), p.producerEpoch(), true, false).error(),
                "a retried commit is answered from the Complete state");
        assertEquals(
                Errors.INVALID_TXN_STATE,
                kit.end("app", p.producerId(), p.producerEpoch(), false, false).error());
    }

    @Test
    void shouldRefuseToEndATransactionThatNeverStarted() {
        TransactionCoordinator.InitResult p = kit.init("app");
        assertEquals(
                Errors.INVALID_TXN_STATE,
                kit.end("app", p.producerId(), p.producerEpoch(), true, false).error());
        assertEquals(
                Errors.INVALID_PRODUCER_ID_MAPPING,
                kit.end("other", p.producerId(), p.producerEpoch(), true, false).error());
        assertEquals(
                Errors.INVALID_PRODUCER_ID_MAPPING,
                kit.end("app", p.producerId() + 1, p.producerEpoch(), true, false)
                        .error());
    }

    @Test
    void shouldAnswerConcurrentTransactionsWhileMarkersAreBeingWritten() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.add("app", p, V1, tp("orders", 0));
        kit.markers.hold();
        assertEquals(
                Errors.NONE,
                kit.end("app", p.producerId(), p.producerEpoch(), true, false).error(),
                "answered once PrepareCommit is durable");
        assertEquals(TransactionState.PREPARE_COMMIT, kit.metadata("app").state());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, kit.add("app", p, V1, tp("orders", 1)));
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, kit.init("app").error());
        assertEquals(
                Errors.CONCURRENT_TRANSACTIONS,
                kit.end("app", p.producerId(), p.producerEpoch(), true, false).error());
        assertEquals(
                Errors.INVALID_TXN_STATE,
                kit.end("app", p.producerId(), p.producerEpoch(), false, false).error());
        kit.markers.release();
        assertEquals(TransactionState.COMPLETE_COMMIT, kit.metadata("app").state());
        assertEquals(Errors.NONE, kit.add("app", p, V1, tp("orders", 1)));
    }

    @Test
    void shouldAnswerConcurrentTransactionsWhileAWriteIsInFlight() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.log.hold();
        List<Errors> first = new ArrayList<>();
        kit.coordinator.addPartitions(
                "app", p.producerId(), p.producerEpoch(), Set.of(tp("orders", 0)), V1, first::add);
        assertEquals(List.of(), first);
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, kit.add("app", p, V1, tp("orders", 1)));
        kit.log.release();
        assertEquals(List.of(Errors.NONE), first);
    }

    @Test
    void shouldRetryMarkersThatFailedWithARetriableError() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.add("app", p, V1, tp("orders", 0), tp("orders", 1));
        kit.markers.failNext(Map.of(tp("orders", 1), Errors.NOT_LEADER_OR_FOLLOWER));
        kit.end("app", p.producerId(), p.producerEpoch(), true, false);
        assertEquals(TransactionState.PREPARE_COMMIT, kit.metadata("app").state());
        kit.clock.advance(kit.config.retryBackoffMs());
        assertEquals(Set.of(tp("orders", 1)), kit.markers.last().partitions(), "only the failed partition again");
        assertEquals(TransactionState.COMPLETE_COMMIT, kit.metadata("app").state());
    }

    @Test
    void shouldGiveUpMarkersForPartitionsThatAreGone() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.add("app", p, V1, tp("orders", 0));
        kit.markers.failNext(Map.of(tp("orders", 0), Errors.INVALID_PRODUCER_EPOCH));
        kit.end("app", p.producerId(), p.producerEpoch(), false, false);
        assertEquals(TransactionState.COMPLETE_ABORT, kit.metadata("app").state());
    }

    @Test
    void shouldMapLogWriteFailuresAsKafkaDoes() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.log.failNext(Errors.NOT_LEADER_OR_FOLLOWER);
        assertEquals(Errors.NOT_COORDINATOR, kit.add("app", p, V1, tp("orders", 0)));
        kit.log.failNext(Errors.NOT_ENOUGH_REPLICAS);
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, kit.add("app", p, V1, tp("orders", 0)));
        assertEquals(TransactionState.EMPTY, kit.metadata("app").state(), "a failed write changes nothing");
        assertEquals(Errors.NONE, kit.add("app", p, V1, tp("orders", 0)));
    }

    // ---------------------------------------------------------------- Transactions V2

    @Test
    void shouldBumpTheEpochWithEveryCommitAndAbortInTransactionsV2() {
        TransactionCoordinator.InitResult p = kit.init("app");
        assertEquals(Errors.NONE, kit.add("app", p, V2, tp("orders", 0)));
        TransactionCoordinator.EndResult commit = kit.end("app", p.producerId(), p.producerEpoch(), true, true);
        assertEquals(new TransactionCoordinator.EndResult(Errors.NONE, p.producerId(), (short) 1), commit);
        assertEquals(1, kit.markers.last().producerEpoch(), "the markers fence writes of the ended transaction");
        assertEquals(2, kit.markers.last().transactionVersion());
        assertEquals(TransactionState.COMPLETE_COMMIT, kit.metadata("app").state());

        TransactionCoordinator.EndResult retried = kit.end("app", p.producerId(), p.producerEpoch(), true, true);
        assertEquals(commit, retried, "a retry carries the epoch before the bump");
        assertEquals(Errors.PRODUCER_FENCED, kit.add("app", p, V2, tp("orders", 0)), "the old epoch is done");

        assertEquals(Errors.NONE, kit.add("app", p.producerId(), (short) 1, V2, tp("orders", 2)));
        TransactionCoordinator.EndResult abort = kit.end("app", p.producerId(), (short) 1, false, true);
        assertEquals(new TransactionCoordinator.EndResult(Errors.NONE, p.producerId(), (short) 2), abort);
        assertFalse(kit.markers.last().commit());
        assertEquals(
                Errors.INVALID_TXN_STATE,
                kit.end("app", p.producerId(), (short) 1, true, true).error(),
                "a commit retried after an abort");
    }

    @Test
    void shouldAllowAnAbortWithNothingAddedInTransactionsV2() {
        TransactionCoordinator.InitResult p = kit.init("app");
        int markersBefore = kit.markers.written.size();
        TransactionCoordinator.EndResult abort = kit.end("app", p.producerId(), p.producerEpoch(), false, true);
        assertEquals(new TransactionCoordinator.EndResult(Errors.NONE, p.producerId(), (short) 1), abort);
        assertEquals(markersBefore, kit.markers.written.size(), "no partition, no marker");
        assertEquals(TransactionState.COMPLETE_ABORT, kit.metadata("app").state());
        assertEquals(
                Errors.INVALID_TXN_STATE,
                kit.end("app", p.producerId(), (short) 1, true, true).error());
    }

    @Test
    void shouldContinueOnANewProducerIdWhenATransactionsV2EndUsesTheLastEpoch() {
        short last = (short) (Short.MAX_VALUE - 1);
        long oldId = seed("app", TransactionState.ONGOING, last, Set.of(tp("orders", 0)));
        TransactionCoordinator.EndResult end = kit.end("app", oldId, last, true, true);
        assertEquals(Errors.NONE, end.error());
        assertNotEquals(oldId, end.producerId());
        assertEquals(0, end.producerEpoch());
        assertEquals(oldId, kit.markers.last().producerId(), "markers close the old producer's transaction");
        assertEquals(Short.MAX_VALUE, kit.markers.last().producerEpoch());
        TxnMetadata done = kit.metadata("app");
        assertEquals(end.producerId(), done.producerId());
        assertEquals(0, done.producerEpoch());
        assertEquals(oldId, done.previousProducerId());
        assertEquals(Errors.NONE, kit.end("app", oldId, last, true, true).error(), "a retry of the overflowing commit");
    }

    // ---------------------------------------------------------------- verification

    @Test
    void shouldVerifyWhichPartitionsArePartOfTheTransaction() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.add("app", p, V1, tp("orders", 0));
        TransactionCoordinator.Verification v = kit.coordinator.verify(
                "app", p.producerId(), p.producerEpoch(), Set.of(tp("orders", 0), tp("orders", 1)));
        assertEquals(Errors.NONE, v.errorOf(tp("orders", 0)));
        assertEquals(Errors.TRANSACTION_ABORTABLE, v.errorOf(tp("orders", 1)));
        assertEquals(
                Errors.PRODUCER_FENCED,
                kit.coordinator
                        .verify("app", p.producerId(), (short) 9, Set.of(tp("orders", 0)))
                        .error());
        assertEquals(
                Errors.INVALID_PRODUCER_ID_MAPPING,
                kit.coordinator
                        .verify("nobody", p.producerId(), p.producerEpoch(), Set.of(tp("orders", 0)))
                        .error());
        assertTrue(kit.coordinator.isOngoingWith("app", p.producerId(), p.producerEpoch(), tp("orders", 0)));
        kit.end("app", p.producerId(), p.producerEpoch(), true, false);
        assertFalse(kit.coordinator.isOngoingWith("app", p.producerId(), p.producerEpoch(), tp("orders", 0)));
        assertEquals(
                Errors.TRANSACTION_ABORTABLE,
                kit.coordinator
                        .verify("app", p.producerId(), p.producerEpoch(), Set.of(tp("orders", 0)))
                        .errorOf(tp("orders", 0)),
                "a late write after the commit is refused");
    }

    // ---------------------------------------------------------------- timeouts and expiry

    @Test
    void shouldAbortATransactionPastItsTimeoutAndFenceItsProducer() {
        TransactionCoordinator.InitResult p = kit.init("app", 1_000, -1, (short) -1);
        kit.add("app", p, V1, tp("orders", 3));
        kit.clock.advance(999);
        kit.coordinator.abortTimedOutTransactions();
        assertEquals(TransactionState.ONGOING, kit.metadata("app").state());
        kit.clock.advance(2);
        kit.coordinator.abortTimedOutTransactions();
        assertFalse(kit.markers.last().commit());
        assertEquals(p.producerEpoch() + 1, kit.markers.last().producerEpoch());
        assertEquals(TransactionState.COMPLETE_ABORT, kit.metadata("app").state());
        assertEquals(
                Errors.PRODUCER_FENCED,
                kit.end("app", p.producerId(), p.producerEpoch(), true, false).error());
    }

    @Test
    void shouldExpireTransactionalIdsLeftIdle() {
        TxnTestKit kit = new TxnTestKit(TxnTestKit.config(5_000));
        TransactionCoordinator.InitResult p = kit.init("idle");
        kit.init("busy");
        kit.add("busy", kit.metadata("busy").producerId(), kit.metadata("busy").producerEpoch(), V1, tp("orders", 0));
        kit.clock.advance(5_000);
        kit.coordinator.expireTransactionalIds();
        assertEquals(
                Errors.TRANSACTIONAL_ID_NOT_FOUND.code(),
                kit.coordinator.describe("idle").errorCode());
        assertEquals(Errors.NONE.code(), kit.coordinator.describe("busy").errorCode(), "a transaction is ongoing");
        kit.restart();
        assertEquals(
                Errors.TRANSACTIONAL_ID_NOT_FOUND.code(),
                kit.coordinator.describe("idle").errorCode());
        TransactionCoordinator.InitResult again = kit.init("idle");
        assertNotEquals(p.producerId(), again.producerId(), "an expired id starts over");
    }

    // ---------------------------------------------------------------- loading

    @Test
    void shouldRebuildTheStateByReplayingTheLog() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.add("app", p, V1, tp("orders", 0), tp("payments", 0));
        TxnMetadata before = kit.metadata("app");
        kit.restart();
        assertEquals(before, kit.metadata("app"));
        assertEquals(
                Errors.NONE,
                kit.end("app", p.producerId(), p.producerEpoch(), true, false).error());
        assertEquals(TxnTestKit.COORDINATOR_EPOCH + 1, kit.markers.last().coordinatorEpoch());
    }

    @Test
    void shouldCompleteATransactionLeftPreparedByThePreviousCoordinator() {
        TransactionCoordinator.InitResult p = kit.init("app");
        kit.add("app", p, V1, tp("orders", 0));
        kit.markers.hold();
        kit.end("app", p.producerId(), p.producerEpoch(), false, false);
        kit.markers.release(); // answers to a coordinator that is gone now...
        kit.restart(); // ...and a new one finds PrepareAbort in the log
        assertEquals(TransactionState.COMPLETE_ABORT, kit.metadata("app").state());
        assertFalse(kit.markers.last().commit());
        assertEquals(Set.of(tp("orders", 0)), kit.markers.last().partitions());
    }

    @Test
    void shouldAnswerNotCoordinatorOrLoadInProgressForPartitionsNotServedHere() {
        int partition = kit.coordinator.partitionFor("app");
        kit.coordinator.unload(partition);
        assertEquals(Errors.NOT_COORDINATOR, kit.init("app").error());
        kit.coordinator.beginLoad(partition, 9);
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS, kit.init("app").error());
        assertEquals(
                Errors.COORDINATOR_LOAD_IN_PROGRESS.code(),
                kit.coordinator.list(List.of(), List.of(), -1, null).errorCode());
        kit.coordinator.completeLoad(partition);
        assertEquals(Errors.NONE, kit.init("app").error());
    }

    // ---------------------------------------------------------------- admin

    @Test
    void shouldDescribeATransactionWithItsPartitionsAndTimes() {
        TransactionCoordinator.InitResult p = kit.init("app", 30_000, -1, (short) -1);
        kit.add("app", p, V1, tp("orders", 1), tp("orders", 0), tp("payments", 1));
        DescribeTransactionsResponseData.TransactionState d = kit.coordinator.describe("app");
        assertEquals(Errors.NONE.code(), d.errorCode());
        assertEquals("Ongoing", d.transactionState());
        assertEquals(p.producerId(), d.producerId());
        assertEquals(30_000, d.transactionTimeoutMs());
        assertEquals(kit.clock.milliseconds(), d.transactionStartTimeMs());
        assertEquals(2, d.topics().size());
        assertEquals("orders", d.topics().getFirst().topic());
        assertEquals(List.of(0, 1), d.topics().getFirst().partitions());
        assertEquals(
                Errors.TRANSACTIONAL_ID_NOT_FOUND.code(),
                kit.coordinator.describe("nobody").errorCode());
    }

    @Test
    void shouldListTransactionsByStateProducerDurationAndPattern() {
        TransactionCoordinator.InitResult a = kit.init("orders-app");
        kit.add("orders-app", a, V1, tp("orders", 0));
        kit.clock.advance(10_000);
        TransactionCoordinator.InitResult b = kit.init("payments-app");
        kit.add("payments-app", b, V1, tp("payments", 0));
        kit.init("idle-app");

        assertEquals(
                List.of("idle-app", "orders-app", "payments-app"),
                ids(kit.coordinator.list(List.of(), List.of(), -1, null)));
        assertEquals(
                List.of("orders-app", "payments-app"),
                ids(kit.coordinator.list(List.of("Ongoing"), List.of(), -1, null)));
        assertEquals(List.of("payments-app"), ids(kit.coordinator.list(List.of(), List.of(b.producerId()), -1, null)));
        assertEquals(List.of("orders-app"), ids(kit.coordinator.list(List.of(), List.of(), 5_000, null)));
        assertEquals(List.of("orders-app"), ids(kit.coordinator.list(List.of(), List.of(), -1, "ord.*")));
        ListTransactionsResponseData unknown = kit.coordinator.list(List.of("Sleeping"), List.of(), -1, null);
        assertEquals(List.of("Sleeping"), unknown.unknownStateFilters());
        assertEquals(List.of(), ids(unknown));
        assertEquals(
                Errors.INVALID_REQUEST.code(),
                kit.coordinator.list(List.of(), List.of(), -1, "(").errorCode());
    }

    private static List<String> ids(ListTransactionsResponseData r) {
        return r.transactionStates().stream()
                .map(ListTransactionsResponseData.TransactionState::transactionalId)
                .toList();
    }

    /** Puts a transactional id in a chosen state by replaying a record, as a restart would. */
    private long seed(String id, TransactionState state, short epoch, Set<TopicPartitionKey> partitions) {
        long producerId = 777;
        TxnMetadata m = new TxnMetadata(
                producerId,
                -1,
                -1,
                epoch,
                (short) (epoch - 1),
                60_000,
                state,
                partitions,
                state == TransactionState.ONGOING ? kit.clock.milliseconds() : -1,
                kit.clock.milliseconds(),
                (byte) 2);
        TxnRecords.Entry e = TxnRecords.of(id, m);
        kit.coordinator.replay(
                kit.coordinator.partitionFor(id), Unpooled.wrappedBuffer(e.key()), Unpooled.wrappedBuffer(e.value()));
        return producerId;
    }
}

package io.tributary.kernel.txn;

import java.util.Optional;

/**
 * The states of a transactional id, with the names Kafka's DescribeTransactions and
 * ListTransactions report (and {@code kafka-transactions} filters on).
 *
 * <pre>
 * Empty ─add─▶ Ongoing ─end─▶ PrepareCommit ─markers─▶ CompleteCommit ─add─▶ Ongoing ...
 *                 │     └───▶ PrepareAbort  ─markers─▶ CompleteAbort
 *                 └─ fence (InitProducerId, timeout) ─▶ PrepareAbort with a bumped epoch
 * </pre>
 *
 * {@link #DEAD} is an expired id on its way out; {@link #PREPARE_EPOCH_FENCE} only ever exists
 * in memory while a fence is being written (Kafka does not store it either).
 */
public enum TransactionState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte id;
    private final String label;

    TransactionState(int id, String label) {
        this.id = (byte) id;
        this.label = label;
    }

    /** The id stored in {@code __transaction_state} records. */
    byte id() {
        return id;
    }

    /** Kafka's name of the state. */
    public String label() {
        return label;
    }

    /** True for the states in which a new transaction may begin. */
    boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** True while markers are being written. */
    boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /**
     * The state stored with {@code id}.
     *
     * @throws IllegalArgumentException for an unknown id
     */
    static TransactionState ofId(byte id) {
        for (TransactionState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown transaction state id " + id);
    }

    /** The state with Kafka's name {@code label} (case-sensitive, as Kafka matches filters). */
    public static Optional<TransactionState> ofLabel(String label) {
        for (TransactionState s : values()) {
            if (s.label.equals(label)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}

package io.tributary.protocol.record;

/**
 * The type of a control record, from its key. {@link #ABORT} and {@link #COMMIT} are transaction
 * markers; the others are KRaft's control records. Ids the broker does not know read as {@link
 * #UNKNOWN}.
 */
public enum ControlRecordType {
    ABORT(0),
    COMMIT(1),
    LEADER_CHANGE(2),
    SNAPSHOT_HEADER(3),
    SNAPSHOT_FOOTER(4),
    KRAFT_VERSION(5),
    KRAFT_VOTERS(6),
    UNKNOWN(-1);

    private final short id;

    ControlRecordType(int id) {
        this.id = (short) id;
    }

    /** The type id stored in the control record key. */
    public short id() {
        return id;
    }

    /** The type with this id, or {@link #UNKNOWN}. */
    public static ControlRecordType forId(short id) {
        for (ControlRecordType type : values()) {
            if (type.id == id && type != UNKNOWN) {
                return type;
            }
        }
        return UNKNOWN;
    }
}

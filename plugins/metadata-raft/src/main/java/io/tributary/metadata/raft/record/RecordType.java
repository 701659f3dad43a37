package io.tributary.metadata.raft.record;

/**
 * The kinds of metadata-log records, with the id each carries on disk and the newest version
 * this code writes. Ids are never reused; a new field means a new version, and readers refuse
 * versions newer than they know rather than guess.
 */
public enum RecordType {
    REGISTER_BROKER(1, 0),
    TOPIC(2, 0),
    PARTITION(3, 0),
    REMOVE_TOPIC(4, 0),
    CONFIG(5, 0),
    PRODUCER_IDS(6, 0),
    PARTITION_CHANGE(7, 0),
    FENCE_BROKER(8, 0),
    FEATURE_LEVEL(9, 0);

    private final short id;
    private final short latestVersion;

    RecordType(int id, int latestVersion) {
        this.id = (short) id;
        this.latestVersion = (short) latestVersion;
    }

    public short id() {
        return id;
    }

    public short latestVersion() {
        return latestVersion;
    }

    /**
     * The type with this on-disk id.
     *
     * @throws RecordFormatException if no type has this id (written by a newer Tributary, or corrupt)
     */
    public static RecordType fromId(short id) {
        for (RecordType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new RecordFormatException("Unknown metadata record type " + id);
    }
}

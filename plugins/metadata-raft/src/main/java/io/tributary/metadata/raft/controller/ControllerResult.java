package io.tributary.metadata.raft.controller;

import io.tributary.metadata.raft.record.MetadataRecord;
import java.util.List;

/**
 * What a validated request turns into: the records to commit atomically (possibly none) and the
 * response to give once they are committed.
 */
public record ControllerResult<T>(List<MetadataRecord> records, T response) {
    public ControllerResult {
        records = List.copyOf(records);
    }
}

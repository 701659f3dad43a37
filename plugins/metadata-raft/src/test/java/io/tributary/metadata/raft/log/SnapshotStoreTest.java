package io.tributary.metadata.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir
    Path dir;

    private static final List<ByteBuffer> RECORDS = List.of(
            ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap(new byte[] {9}));

    @Test
    void shouldWriteAndReadASnapshotUnderKafkaStyleName() {
        SnapshotStore store = new SnapshotStore(dir);
        SnapshotId id = new SnapshotId(120, 3);
        store.write(id, 77, RECORDS);

        assertTrue(Files.exists(dir.resolve("00000000000000000120-0000000003.checkpoint")));
        assertEquals(Optional.of(id), new SnapshotStore(dir).latest());
        assertEquals(new Snapshot(id, 77, RECORDS), new SnapshotStore(dir).read(id));
    }

    @Test
    void shouldKeepOnlyNewerSnapshotsAfterDeleteBefore() {
        SnapshotStore store = new SnapshotStore(dir);
        store.write(new SnapshotId(10, 1), 0, RECORDS);
        store.write(new SnapshotId(20, 1), 0, RECORDS);
        store.write(new SnapshotId(30, 2), 0, RECORDS);

        store.deleteBefore(new SnapshotId(30, 2));
        assertEquals(Optional.of(new SnapshotId(30, 2)), new SnapshotStore(dir).latest());
        assertEquals(1, dir.toFile().list().length);
    }

    @Test
    void shouldIgnoreAndRemoveAnUnfinishedSnapshot() throws IOException {
        Files.write(dir.resolve("00000000000000000010-0000000001.checkpoint.part"), new byte[] {1});
        SnapshotStore store = new SnapshotStore(dir);
        assertEquals(Optional.empty(), store.latest());
        assertEquals(0, dir.toFile().list().length);
    }

    @Test
    void shouldRefuseADamagedSnapshot() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        SnapshotId id = new SnapshotId(5, 1);
        store.write(id, 0, RECORDS);
        Path file = dir.resolve("00000000000000000005-0000000001.checkpoint");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 1;
        Files.write(file, bytes);

        assertThrows(CorruptLogException.class, () -> store.read(id));
    }
}

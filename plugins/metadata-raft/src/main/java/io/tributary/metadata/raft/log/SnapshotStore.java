package io.tributary.metadata.raft.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshot files next to the log, named like Kafka's ({@code <endOffset>-<epoch>.checkpoint},
 * zero-padded) in a format of our own, version 1, big-endian:
 *
 * <pre>
 * magic        int32  "TRMS"
 * version      int16  1
 * reserved     int16  0
 * endOffset    int64
 * epoch        int32
 * createdMs    int64
 * recordCount  int32
 * records      recordCount x (size int32, bytes)
 * crc          int32  CRC32C of everything before it
 * </pre>
 *
 * A snapshot is written under a temporary name and renamed, so a file with the final name is
 * complete; a bad CRC is damage, not a torn write, and reading it fails.
 *
 * <p>Not thread-safe.
 */
public final class SnapshotStore {
    private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d{10})\\.checkpoint");
    private static final int MAGIC = 0x54524D53; // "TRMS"
    private static final short VERSION = 1;
    private static final int HEADER_BYTES = 4 + 2 + 2 + 8 + 4 + 8 + 4;

    private final Path dir;
    private final TreeSet<SnapshotId> snapshots = new TreeSet<>();

    /** Lists the snapshots in {@code dir}, removing leftovers of writes that did not finish. */
    public SnapshotStore(Path dir) {
        this.dir = dir;
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".checkpoint.part")) {
                    Files.delete(file);
                    continue;
                }
                Matcher m = NAME.matcher(name);
                if (m.matches()) {
                    snapshots.add(new SnapshotId(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list metadata snapshots in " + dir, e);
        }
    }

    /** The newest snapshot, if any. */
    public Optional<SnapshotId> latest() {
        return snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.last());
    }

    Path path(SnapshotId id) {
        return dir.resolve(FileRaftLog.zeroPadded(id.endOffset(), 20) + "-" + FileRaftLog.zeroPadded(id.epoch(), 10)
                + ".checkpoint");
    }

    /** Writes a snapshot durably. @throws UncheckedIOException on failure (no snapshot is then listed) */
    public void write(SnapshotId id, long createdTimeMs, List<ByteBuffer> records) {
        long size = HEADER_BYTES + 4;
        for (ByteBuffer record : records) {
            size += 4 + record.remaining();
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("Snapshot of " + size + " bytes is too large");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.putInt(MAGIC).putShort(VERSION).putShort((short) 0);
        buffer.putLong(id.endOffset()).putInt(id.epoch()).putLong(createdTimeMs).putInt(records.size());
        for (ByteBuffer record : records) {
            buffer.putInt(record.remaining()).put(record.duplicate());
        }
        buffer.putInt(BatchFormat.crc(buffer.array(), 0, buffer.position()));
        try {
            DurableFiles.writeAtomically(path(id), buffer.array());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write metadata snapshot " + path(id), e);
        }
        snapshots.add(id);
    }

    /**
     * Reads and checks a snapshot.
     *
     * @throws CorruptLogException if the file is damaged or of an unknown version
     */
    public Snapshot read(SnapshotId id) {
        Path file = path(id);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read metadata snapshot " + file, e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_BYTES + 4 || buffer.getInt(0) != MAGIC) {
            throw new CorruptLogException("Metadata snapshot " + file + " is not a Tributary snapshot");
        }
        if (BatchFormat.crc(bytes, 0, bytes.length - 4) != buffer.getInt(bytes.length - 4)) {
            throw new CorruptLogException("Metadata snapshot " + file + " is damaged (CRC mismatch)");
        }
        short version = buffer.getShort(4);
        if (version != VERSION) {
            throw new CorruptLogException("Metadata snapshot " + file + " has format version " + version
                    + "; this Tributary reads version " + VERSION);
        }
        buffer.position(8);
        long endOffset = buffer.getLong();
        int epoch = buffer.getInt();
        if (endOffset != id.endOffset() || epoch != id.epoch()) {
            throw new CorruptLogException("Metadata snapshot " + file + " holds offset " + endOffset + " epoch " + epoch
                    + ", not what its name says");
        }
        long createdMs = buffer.getLong();
        int count = buffer.getInt();
        buffer.limit(bytes.length - 4);
        if (count < 0 || count > buffer.remaining() / 4) {
            throw new CorruptLogException("Metadata snapshot " + file + " has an invalid record count " + count);
        }
        List<ByteBuffer> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = buffer.remaining() >= 4 ? buffer.getInt() : -1;
            if (size < 0 || size > buffer.remaining()) {
                throw new CorruptLogException("Metadata snapshot " + file + " has an invalid record size");
            }
            records.add(buffer.slice(buffer.position(), size));
            buffer.position(buffer.position() + size);
        }
        if (buffer.hasRemaining()) {
            throw new CorruptLogException("Metadata snapshot " + file + " has trailing bytes");
        }
        return new Snapshot(id, createdMs, records);
    }

    /** Deletes every snapshot older than {@code id}. */
    public void deleteBefore(SnapshotId id) {
        try {
            for (SnapshotId old : List.copyOf(snapshots.headSet(id))) {
                Files.deleteIfExists(path(old));
                snapshots.remove(old);
            }
            DurableFiles.syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete old metadata snapshots in " + dir, e);
        }
    }
}

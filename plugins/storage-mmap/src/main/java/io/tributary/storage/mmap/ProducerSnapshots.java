package io.tributary.storage.mmap;

import io.tributary.spi.storage.ProducerSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's producer-state snapshots, opaque bytes stored as {@code <offset>.snapshot}: a
 * header (magic "TPSN", format version, offset, length, CRC32C of the bytes), then the bytes.
 * Written atomically and durably. The newest {@value #KEEP} are kept; truncation drops those above
 * the new end, retention those below the log start (except the newest). Mutators are called by
 * the partition's writer; {@link #latest} from any thread.
 */
final class ProducerSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerSnapshots.class);
    static final int KEEP = 8;
    private static final int MAGIC = 0x5450534E;
    private static final int VERSION = 1;
    private static final int HEADER = 4 + 4 + 8 + 4 + 4;

    private final Supplier<Path> dir;
    private final ConcurrentSkipListSet<Long> offsets = new ConcurrentSkipListSet<>();

    ProducerSnapshots(Supplier<Path> dir, Iterable<Long> existing) {
        this.dir = dir;
        existing.forEach(offsets::add);
    }

    private Path file(long offset) {
        return dir.get().resolve(LogFiles.offsetName(offset) + LogFiles.SNAPSHOT);
    }

    void write(long offset, ByteBuffer state) throws IOException {
        ByteBuffer src = state.duplicate();
        int length = src.remaining();
        CRC32C crc = new CRC32C();
        crc.update(src.duplicate());
        ByteBuffer b = ByteBuffer.allocate(HEADER + length);
        b.putInt(MAGIC)
                .putInt(VERSION)
                .putLong(offset)
                .putInt(length)
                .putInt((int) crc.getValue())
                .put(src);
        LogFiles.writeAtomically(file(offset), b.array(), true);
        offsets.add(offset);
        while (offsets.size() > KEEP) {
            delete(offsets.first());
        }
    }

    /** The newest readable snapshot at or below {@code maxOffset}; damaged ones are skipped and removed. */
    Optional<ProducerSnapshot> latest(long maxOffset) throws IOException {
        for (Long offset : offsets.headSet(maxOffset, true).descendingSet()) {
            Optional<ProducerSnapshot> s = read(offset);
            if (s.isPresent()) {
                return s;
            }
        }
        return Optional.empty();
    }

    private Optional<ProducerSnapshot> read(long offset) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(offset));
        } catch (NoSuchFileException e) {
            offsets.remove(offset);
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        String problem = null;
        if (b.remaining() < HEADER || b.getInt() != MAGIC) {
            problem = "not a snapshot";
        } else {
            int version = b.getInt();
            long stored = b.getLong();
            int length = b.getInt();
            int crc = b.getInt();
            if (version != VERSION) {
                problem = "unsupported version " + version;
            } else if (stored != offset || length != b.remaining()) {
                problem = "header does not match the file";
            } else {
                CRC32C c = new CRC32C();
                c.update(b.duplicate());
                if ((int) c.getValue() != crc) {
                    problem = "bad CRC";
                } else {
                    return Optional.of(new ProducerSnapshot(offset, b.slice()));
                }
            }
        }
        LOG.warn("Ignoring producer snapshot {}: {}", file(offset), problem);
        delete(offset);
        return Optional.empty();
    }

    void deleteAbove(long offset) throws IOException {
        for (Long o : offsets.tailSet(offset, false)) {
            delete(o);
        }
    }

    /** Deletes the snapshots below {@code offset}, keeping the newest one whatever its offset. */
    void deleteBelow(long offset) throws IOException {
        for (Long o : offsets.headSet(offset, false)) {
            if (!o.equals(offsets.last())) {
                delete(o);
            }
        }
    }

    void deleteAll() throws IOException {
        for (Long o : offsets) {
            delete(o);
        }
    }

    private void delete(long offset) throws IOException {
        offsets.remove(offset);
        Files.deleteIfExists(file(offset));
    }
}

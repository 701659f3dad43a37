package io.tributary.storage.mmap;

import io.tributary.spi.storage.PartitionId;
import io.tributary.spi.storage.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Failure simulations on the mmap engine's files, for the TCK hooks and the engine's own tests.
 *
 * <p>A {@code kill -9} leaves every byte written through a mapping in the page cache, so the
 * files as any other process reads them at that moment are what the next start finds: the crash
 * copies the log dirs while the engine is still open (after its background work has settled),
 * closes the engine, and puts the copies back in place of whatever the close wrote. A power loss
 * additionally zeroes each segment file past the length its partition last synced.
 */
final class CrashSimulation {
    private CrashSimulation() {}

    static void crash(MmapStorageEngine engine, List<Path> logDirs) throws IOException {
        powerLoss(engine, logDirs, false);
    }

    static void powerLoss(MmapStorageEngine engine, List<Path> logDirs) throws IOException {
        powerLoss(engine, logDirs, true);
    }

    private static void powerLoss(MmapStorageEngine engine, List<Path> logDirs, boolean dropUnsynced)
            throws IOException {
        try {
            engine.awaitBackgroundIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Map<Path, Long> synced = engine.syncedLengths();
        List<Path> copies = logDirs.stream()
                .map(d -> d.resolveSibling(d.getFileName() + ".crash-copy"))
                .toList();
        for (int i = 0; i < logDirs.size(); i++) {
            copyTree(logDirs.get(i), copies.get(i));
        }
        engine.close();
        for (int i = 0; i < logDirs.size(); i++) {
            LogFiles.deleteRecursively(logDirs.get(i));
            Files.move(copies.get(i), logDirs.get(i), StandardCopyOption.ATOMIC_MOVE);
        }
        if (dropUnsynced) {
            for (Map.Entry<Path, Long> e : synced.entrySet()) {
                if (Files.exists(e.getKey())) {
                    zeroFrom(e.getKey(), e.getValue());
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        LogFiles.deleteRecursively(to);
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void zeroFrom(Path file, long from) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long pos = from;
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            while (pos < ch.size()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), ch.size() - pos));
                pos += ch.write(zeros, pos);
            }
        }
    }

    /** The segment file of {@code partition} whose range holds {@code offset} (or the last one). */
    static Path segmentFile(List<Path> logDirs, PartitionId partition, OptionalLong offset) throws IOException {
        String name = partition.topic() + "-" + partition.partition();
        Path dir = logDirs.stream()
                .map(d -> d.resolve(name))
                .filter(Files::isDirectory)
                .findFirst()
                .orElseThrow(() -> new IOException("no directory for " + partition));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.filter(f -> f.getFileName().toString().endsWith(LogFiles.LOG))
                    .sorted()
                    .toList();
            if (offset.isEmpty()) {
                return logs.getLast();
            }
            Path found = logs.getFirst();
            for (Path f : logs) {
                long base = Long.parseLong(f.getFileName().toString().substring(0, 20));
                if (base <= offset.getAsLong()) {
                    found = f;
                }
            }
            return found;
        }
    }

    /** Start and size of each whole batch at the start of a segment file. */
    record Batch(int position, int size, long baseOffset, long lastOffset) {}

    static List<Batch> batches(Path segmentFile) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segmentFile));
        List<Batch> found = new java.util.ArrayList<>();
        int pos = 0;
        while (pos + RecordBatchLayout.HEADER_SIZE <= b.limit()) {
            int length = b.getInt(pos + RecordBatchLayout.BATCH_LENGTH);
            if (length < RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD
                    || pos + RecordBatchLayout.LOG_OVERHEAD + length > b.limit()) {
                break;
            }
            int size = RecordBatchLayout.LOG_OVERHEAD + length;
            found.add(new Batch(pos, size, RecordBatchLayout.baseOffset(b, pos), RecordBatchLayout.lastOffset(b, pos)));
            pos += size;
        }
        return found;
    }

    static void corruptBatch(List<Path> logDirs, PartitionId partition, long offset) throws IOException {
        Path file = segmentFile(logDirs, partition, OptionalLong.of(offset));
        Optional<Batch> holder = batches(file).stream()
                .filter(b -> b.baseOffset() <= offset && offset <= b.lastOffset())
                .findFirst();
        Batch batch = holder.orElseThrow(() -> new IOException("no batch holds offset " + offset + " in " + file));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = batch.position() + RecordBatchLayout.HEADER_SIZE;
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).position(0);
            ch.write(one, at);
        }
    }

    static void tearLastBatch(List<Path> logDirs, PartitionId partition) throws IOException {
        Path file = segmentFile(logDirs, partition, OptionalLong.empty());
        Batch last = batches(file).getLast();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            int keep = last.size() / 2;
            ByteBuffer zeros = ByteBuffer.allocate(last.size() - keep);
            ch.write(zeros, last.position() + keep);
        }
    }
}

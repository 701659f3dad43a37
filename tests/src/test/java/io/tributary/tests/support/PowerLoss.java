package io.tributary.tests.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Simulates a power cut on the log dirs of a broker killed with {@code kill -9} that ran with
 * {@code storage.mmap.test.record.synced.lengths=true}: every segment file is cut back to the
 * length its partition last recorded as synced (a file no sync covered, to nothing), which is
 * what is left when the page cache is lost. Works on files only: the broker must be dead.
 */
public final class PowerLoss {
    private PowerLoss() {}

    /** What was cut: segment files and bytes dropped. */
    public record Dropped(int files, long bytes) {}

    public static Dropped dropUnsynced(Path logDir) throws IOException {
        int files = 0;
        long bytes = 0;
        try (Stream<Path> dirs = Files.list(logDir)) {
            for (Path partition : dirs.filter(Files::isDirectory).toList()) {
                Map<String, Long> synced = readSyncedLengths(partition.resolve("synced-lengths"));
                try (Stream<Path> logs = Files.list(partition)) {
                    for (Path log : logs.filter(f -> f.getFileName().toString().endsWith(".log"))
                            .toList()) {
                        long keep = synced.getOrDefault(log.getFileName().toString(), 0L);
                        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
                            if (ch.size() > keep) {
                                bytes += ch.size() - keep;
                                files++;
                                ch.truncate(keep);
                            }
                        }
                    }
                }
            }
        }
        return new Dropped(files, bytes);
    }

    /** The synced length of each segment file, from the broker's record (empty when none). */
    public static Map<String, Long> readSyncedLengths(Path file) throws IOException {
        Map<String, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2) {
                out.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return out;
    }

    /** How many syncs the partition ran, from its record (0 when none). */
    public static long syncs(Path partitionDir) throws IOException {
        Path file = partitionDir.resolve("synced-lengths");
        if (!Files.exists(file)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(file);
        return lines.size() > 1 && lines.get(1).startsWith("syncs ")
                ? Long.parseLong(lines.get(1).substring(6))
                : 0;
    }
}

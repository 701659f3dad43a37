package io.tributary.storage.mmap;

import io.tributary.spi.storage.EpochEntry;
import io.tributary.spi.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The small versioned text files of a partition directory, each written atomically:
 *
 * <ul>
 *   <li>{@code partition.metadata}: {@code version: 1} then {@code topic_id: <uuid>};
 *   <li>{@code log-start-offset-checkpoint} and {@code recovery-point-checkpoint}: the version
 *       line {@code 1}, then the offset;
 *   <li>{@code leader-epoch-checkpoint}: {@code 1}, the number of entries, then one {@code
 *       <epoch> <start offset>} line per entry (Kafka's layout).
 * </ul>
 *
 * A file with a newer version fails loudly ({@link StorageException}) rather than being
 * misread; a malformed one raises {@link MalformedCheckpointException} and the caller decides
 * how to rebuild.
 */
final class Checkpoints {
    static final int VERSION = 1;

    private Checkpoints() {}

    /** A checkpoint file that exists but cannot be parsed (a torn or foreign write). */
    static final class MalformedCheckpointException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedCheckpointException(Path file, String why) {
            super("Malformed checkpoint " + file + ": " + why);
        }
    }

    static void writeOffset(Path file, long offset, boolean durable) throws IOException {
        LogFiles.writeAtomically(file, (VERSION + "\n" + offset + "\n").getBytes(StandardCharsets.US_ASCII), durable);
    }

    static OptionalLong readOffset(Path file) throws IOException {
        Optional<List<String>> lines = lines(file);
        if (lines.isEmpty()) {
            return OptionalLong.empty();
        }
        List<String> l = lines.get();
        checkVersion(file, l);
        if (l.size() < 2) {
            throw new MalformedCheckpointException(file, "no offset line");
        }
        return OptionalLong.of(parseLong(file, l.get(1)));
    }

    static void writeEpochs(Path file, List<EpochEntry> entries, boolean durable) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (EpochEntry e : entries) {
            sb.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        LogFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.US_ASCII), durable);
    }

    static Optional<List<EpochEntry>> readEpochs(Path file) throws IOException {
        Optional<List<String>> lines = lines(file);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        List<String> l = lines.get();
        checkVersion(file, l);
        if (l.size() < 2) {
            throw new MalformedCheckpointException(file, "no entry count");
        }
        int count = (int) parseLong(file, l.get(1));
        if (count < 0 || l.size() < 2 + count) {
            throw new MalformedCheckpointException(file, "expected " + count + " entries");
        }
        List<EpochEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String[] parts = l.get(2 + i).trim().split(" ");
            if (parts.length != 2) {
                throw new MalformedCheckpointException(file, "bad entry '" + l.get(2 + i) + "'");
            }
            entries.add(new EpochEntry((int) parseLong(file, parts[0]), parseLong(file, parts[1])));
        }
        return Optional.of(entries);
    }

    /** The cleaner checkpoint: where the dirty part of a compacted log starts, and the earliest delete horizon. */
    record CleanerState(long firstDirtyOffset, long earliestDeleteHorizonMs) {}

    static void writeCleaner(Path file, CleanerState state) throws IOException {
        LogFiles.writeAtomically(
                file,
                (VERSION + "\n" + state.firstDirtyOffset() + "\n" + state.earliestDeleteHorizonMs() + "\n")
                        .getBytes(StandardCharsets.US_ASCII),
                false);
    }

    static Optional<CleanerState> readCleaner(Path file) throws IOException {
        Optional<List<String>> lines = lines(file);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        List<String> l = lines.get();
        checkVersion(file, l);
        if (l.size() < 3) {
            throw new MalformedCheckpointException(file, "expected an offset and a horizon");
        }
        return Optional.of(new CleanerState(parseLong(file, l.get(1)), parseLong(file, l.get(2))));
    }

    /** A compaction swap manifest: the base offsets of the segments the new segment replaces. */
    static void writeSwapManifest(Path file, List<Long> replaced) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(replaced.size()).append('\n');
        for (long base : replaced) {
            sb.append(base).append('\n');
        }
        LogFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.US_ASCII), true);
    }

    static List<Long> readSwapManifest(Path file) throws IOException {
        List<String> l = lines(file).orElseThrow(() -> new NoSuchFileException(file.toString()));
        checkVersion(file, l);
        if (l.size() < 2) {
            throw new MalformedCheckpointException(file, "no count");
        }
        int count = (int) parseLong(file, l.get(1));
        if (count < 1 || l.size() < 2 + count) {
            throw new MalformedCheckpointException(file, "expected " + count + " base offsets");
        }
        List<Long> bases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bases.add(parseLong(file, l.get(2 + i)));
        }
        return bases;
    }

    static void writeTopicId(Path file, UUID topicId) throws IOException {
        LogFiles.writeAtomically(
                file,
                ("version: " + VERSION + "\ntopic_id: " + topicId + "\n").getBytes(StandardCharsets.US_ASCII),
                true);
    }

    static Optional<UUID> readTopicId(Path file) throws IOException {
        Optional<List<String>> lines = lines(file);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        List<String> l = lines.get();
        if (l.size() < 2 || !l.get(0).startsWith("version: ") || !l.get(1).startsWith("topic_id: ")) {
            throw new MalformedCheckpointException(file, "expected version and topic_id lines");
        }
        long version = parseLong(file, l.get(0).substring("version: ".length()));
        if (version != VERSION) {
            throw unsupported(file, version);
        }
        try {
            return Optional.of(
                    UUID.fromString(l.get(1).substring("topic_id: ".length()).trim()));
        } catch (IllegalArgumentException e) {
            throw new MalformedCheckpointException(file, "bad topic id");
        }
    }

    private static Optional<List<String>> lines(Path file) throws IOException {
        try {
            return Optional.of(Files.readAllLines(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void checkVersion(Path file, List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            throw new MalformedCheckpointException(file, "empty");
        }
        long version = parseLong(file, lines.getFirst());
        if (version != VERSION) {
            throw unsupported(file, version);
        }
    }

    private static StorageException unsupported(Path file, long version) {
        return new StorageException(
                "Unsupported format version " + version + " in " + file + "; this engine reads version " + VERSION);
    }

    private static long parseLong(Path file, String s) throws MalformedCheckpointException {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new MalformedCheckpointException(file, "not a number: '" + s + "'");
        }
    }
}

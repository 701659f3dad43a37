package io.tributary.storage.mmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The on-disk layout, Kafka's: {@code <logDir>/<topic>-<partition>/} holding segments named by
 * their 20-digit base offset ({@code .log}, {@code .index}, {@code .timeindex}, {@code
 * .txnindex}), producer snapshots ({@code <offset>.snapshot}) and checkpoint files. Removed files
 * are renamed with a {@code .deleted} suffix first, a deleted partition's directory with a
 * {@code -delete} suffix, so that a crash never brings them back.
 */
final class LogFiles {
    static final String LOG = ".log";
    static final String INDEX = ".index";
    static final String TIME_INDEX = ".timeindex";
    static final String TXN_INDEX = ".txnindex";
    static final String SNAPSHOT = ".snapshot";
    static final String DELETED = ".deleted";
    static final String TMP = ".tmp";
    /** Suffix of a compacted segment's files until its swap gives them their final names. */
    static final String CLEANED = ".cleaned";
    /** {@code <base>.swap}: the manifest of a compaction swap (the segments it replaces). */
    static final String SWAP = ".swap";

    static final String PARTITION_METADATA = "partition.metadata";
    static final String LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
    static final String LOG_START_CHECKPOINT = "log-start-offset-checkpoint";
    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-checkpoint";
    static final String CLEANER_CHECKPOINT = "cleaner-offset-checkpoint";
    /** Written only with {@code storage.mmap.test.record.synced.lengths} (power-loss tests). */
    static final String SYNCED_LENGTHS = "synced-lengths";
    /** In each log dir: present only between a clean close and the next open. */
    static final String CLEAN_SHUTDOWN = ".tributary-clean-shutdown";
    /** Suffix of a deleted partition's directory. */
    static final String DELETE_DIR = "-delete";

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private LogFiles() {}

    /** The 20-digit, zero-padded offset Kafka names files with. */
    static String offsetName(long offset) {
        String digits = Long.toString(offset);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    /** The offset a file named {@code <20 digits><suffix>} starts at, or empty. */
    static OptionalLong parseOffset(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return OptionalLong.empty();
        }
        String digits = fileName.substring(0, 20);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code <topic>-<partition>}; the topic must be a legal Kafka topic name. */
    static String dirName(String topic, int partition) {
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("Not a legal topic name for storage: '" + topic + "'");
        }
        return topic + "-" + partition;
    }

    /** A partition directory's topic and partition, or null when the name is not one. */
    static TopicPartition parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        String topic = name.substring(0, dash);
        String number = name.substring(dash + 1);
        for (int i = 0; i < number.length(); i++) {
            if (!Character.isDigit(number.charAt(i))) {
                return null;
            }
        }
        if (!TOPIC.matcher(topic).matches() || number.length() > 9) {
            return null;
        }
        return new TopicPartition(topic, Integer.parseInt(number));
    }

    record TopicPartition(String topic, int partition) {}

    /** Makes a directory's entries (created, renamed, removed files) durable. */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Replaces {@code target} with {@code content} atomically (a temporary file renamed over
     * it), so a crash leaves either the old or the new content. With {@code durable}, the content
     * and the rename are flushed before returning.
     */
    static void writeAtomically(Path target, byte[] content, boolean durable) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TMP);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (durable) {
                ch.force(true);
            }
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (durable) {
            fsyncDir(target.getParent());
        }
    }

    /** Deletes a file if it is there. */
    static void deleteIfExists(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    /** Deletes a directory and everything in it; missing entries are fine. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                try {
                    Files.deleteIfExists(d);
                } catch (DirectoryNotEmptyException e) {
                    // a file was added concurrently; a later attempt removes it
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

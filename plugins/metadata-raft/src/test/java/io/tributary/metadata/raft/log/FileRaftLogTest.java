package io.tributary.metadata.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRaftLogTest {
    @TempDir
    Path dir;

    private static List<ByteBuffer> records(String... values) {
        return Stream.of(values)
                .map(v -> ByteBuffer.wrap(v.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    private static List<String> texts(LogBatch batch) {
        return batch.records().stream()
                .map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString())
                .toList();
    }

    @Test
    void shouldAssignConsecutiveOffsetsAndReadBatchesBack() {
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            LogBatch first = log.append(1, 100, records("a", "b"));
            LogBatch second = log.append(2, 200, records("c"));
            log.flush();

            assertEquals(0, first.baseOffset());
            assertEquals(2, second.baseOffset());
            assertEquals(3, log.endOffset());
            assertEquals(2, log.lastEpoch());
            assertEquals(List.of(first, second), log.read(0, Integer.MAX_VALUE));
            assertEquals(List.of(first, second), log.read(1, Integer.MAX_VALUE), "from inside the first batch");
            assertEquals(List.of(second), log.read(2, Integer.MAX_VALUE));
            assertEquals(List.of(first), log.read(0, 1), "at least one batch within the byte limit");
            assertEquals(List.of(), log.read(3, Integer.MAX_VALUE));
            assertEquals(1, log.epochOf(1));
            assertEquals(2, log.epochOf(2));
        }
    }

    @Test
    void shouldRecoverTheSameBatchesOnReopen() {
        List<LogBatch> written;
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            IntStream.range(0, 10).forEach(i -> log.append(1, i, records("r" + i, "s" + i)));
            log.flush();
            written = log.read(0, Integer.MAX_VALUE);
        }
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            assertEquals(written, log.read(0, Integer.MAX_VALUE));
            assertEquals(20, log.endOffset());
            assertEquals(1, log.lastEpoch());
            assertEquals(
                    List.of("r9", "s9"), texts(log.read(18, Integer.MAX_VALUE).getFirst()));
        }
    }

    @Test
    void shouldRefuseAnEpochThatGoesBack() {
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            log.append(3, 0, records("a"));
            assertThrows(IllegalArgumentException.class, () -> log.append(2, 0, records("b")));
        }
    }

    @Test
    void shouldStartAnEmptyLogAtTheGivenOffset() {
        try (FileRaftLog log = FileRaftLog.open(dir, 42)) {
            assertEquals(42, log.startOffset());
            assertEquals(42, log.endOffset());
            assertEquals(-1, log.lastEpoch());
            assertEquals(42, log.append(1, 0, records("a")).baseOffset());
        }
    }

    @Test
    void shouldTruncateToABatchBoundary() {
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            log.append(1, 0, records("a", "b"));
            log.append(2, 0, records("c"));
            log.append(3, 0, records("d"));
            assertThrows(IllegalArgumentException.class, () -> log.truncateTo(1));

            log.truncateTo(2);
            assertEquals(2, log.endOffset());
            assertEquals(1, log.lastEpoch());
            assertEquals(2, log.append(4, 0, records("e")).baseOffset());
            log.flush();
        }
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            List<LogBatch> batches = log.read(0, Integer.MAX_VALUE);
            assertEquals(2, batches.size());
            assertEquals(List.of("e"), texts(batches.get(1)));
            assertEquals(4, batches.get(1).epoch());
        }
    }

    @Test
    void shouldTrimWholeSegmentsBeforeASnapshot() throws IOException {
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            log.append(1, 0, records("a", "b"));
            log.trimBefore(2);
            assertEquals(2, log.startOffset());
            log.append(1, 0, records("c"));
            log.flush();
            assertThrows(IllegalArgumentException.class, () -> log.read(0, Integer.MAX_VALUE));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of("00000000000000000002.log"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            assertEquals(2, log.startOffset());
            assertEquals(List.of("c"), texts(log.read(2, Integer.MAX_VALUE).getFirst()));
        }
    }

    /** Writes a one-segment log starting at {@code base} in its own directory and moves it into {@link #dir}. */
    private void addSegment(long base, String... values) throws IOException {
        Path other = dir.resolve("segment-" + base);
        try (FileRaftLog log = FileRaftLog.open(other, base)) {
            log.append(1, 0, records(values));
            log.flush();
        }
        String name = FileRaftLog.fileName(base);
        Files.move(other.resolve(name), dir.resolve(name));
    }

    @Test
    void shouldReadAcrossSegments() throws IOException {
        addSegment(0, "a", "b");
        addSegment(2, "c");
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            assertEquals(0, log.startOffset());
            assertEquals(3, log.endOffset());
            List<LogBatch> batches = log.read(1, Integer.MAX_VALUE);
            assertEquals(2, batches.size());
            assertEquals(List.of("c"), texts(batches.get(1)));
        }
    }

    @Test
    void shouldRefuseDamageEvenAtTheEndOfASealedSegment() throws IOException {
        addSegment(0, "a", "b");
        addSegment(2, "c");
        Path sealed = dir.resolve(FileRaftLog.fileName(0));
        Files.write(sealed, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        CorruptLogException e = assertThrows(CorruptLogException.class, () -> FileRaftLog.open(dir, 0));
        assertTrue(e.getMessage().contains("Sealed"), e.getMessage());
    }

    @Test
    void shouldRefuseAGapBetweenSegments() throws IOException {
        addSegment(0, "a");
        addSegment(2, "c");

        CorruptLogException e = assertThrows(CorruptLogException.class, () -> FileRaftLog.open(dir, 0));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void shouldDiscardATornTailButKeepEarlierSegments() throws IOException {
        addSegment(0, "a", "b");
        addSegment(2, "c");
        Path active = dir.resolve(FileRaftLog.fileName(2));
        long size = Files.size(active);
        try (var channel = java.nio.channels.FileChannel.open(active, StandardOpenOption.WRITE)) {
            channel.truncate(size - 1);
        }
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            assertEquals(2, log.endOffset());
            assertEquals(FileRaftLog.SEGMENT_HEADER_BYTES, Files.size(active));
        }
    }

    @Test
    void shouldRefuseAnUnknownSegmentVersion() throws IOException {
        try (FileRaftLog log = FileRaftLog.open(dir, 0)) {
            log.append(1, 0, records("a"));
            log.flush();
        }
        Path segment = dir.resolve("00000000000000000000.log");
        byte[] bytes = Files.readAllBytes(segment);
        bytes[5] = 9; // version low byte; the header CRC no longer matches either
        Files.write(segment, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        assertThrows(CorruptLogException.class, () -> FileRaftLog.open(dir, 0));
    }
}

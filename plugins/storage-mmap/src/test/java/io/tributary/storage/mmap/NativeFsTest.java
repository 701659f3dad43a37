package io.tributary.storage.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FFM helpers work here (Surefire grants this module native access, as the start script must). */
class NativeFsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReserveSpaceWithPosixFallocate() throws IOException {
        PosixFallocate posix = PosixFallocate.load();
        assertNotNull(posix, "posix_fallocate should load on Linux with native access");
        Path file = Files.createFile(tmp.resolve("f"));

        posix.reserve(file, 4096, 65536);

        assertEquals(4096 + 65536, Files.size(file));
        IOException e = assertThrows(IOException.class, () -> posix.reserve(tmp.resolve("missing"), 0, 4096));
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
    }

    @Test
    void shouldReserveSpaceByWritingZeros() throws IOException {
        Path file = Files.createFile(tmp.resolve("z"));

        new SpaceReserver.ZeroFill().reserve(file, 100, 200_000);

        assertEquals(200_100, Files.size(file));
    }

    @Test
    void shouldFlushTheFileSystemOfADirectory() throws IOException {
        FileSystemSync sync = FileSystemSync.load();
        assertNotNull(sync, "syncfs should load on Linux with native access");

        sync.syncFileSystemOf(tmp);

        IOException e = assertThrows(IOException.class, () -> sync.syncFileSystemOf(tmp.resolve("missing")));
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
    }
}

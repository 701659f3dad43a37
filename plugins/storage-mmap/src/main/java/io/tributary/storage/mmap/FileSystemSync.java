package io.tributary.storage.mmap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Linux's {@code syncfs}, through FFM: flushes every dirty page and inode of the file system
 * holding a directory in one call. A clean shutdown of 10,000 partitions then costs one flush per
 * log dir instead of several {@code fsync}s per partition. Needs native access for this module;
 * {@link #load()} returns null without it (or off Linux) and the engine flushes file by file.
 * Thread-safe.
 */
final class FileSystemSync {
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_CLOEXEC = 0x80000;

    private final MethodHandle open;
    private final MethodHandle syncfs;
    private final MethodHandle close;
    private final MemoryLayout captureLayout;
    private final VarHandle errno;

    private FileSystemSync(
            MethodHandle open, MethodHandle syncfs, MethodHandle close, MemoryLayout captureLayout, VarHandle errno) {
        this.open = open;
        this.syncfs = syncfs;
        this.close = close;
        this.captureLayout = captureLayout;
        this.errno = errno;
    }

    static FileSystemSync load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MemoryLayout capture = Linker.Option.captureStateLayout();
            VarHandle errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            Linker.Option keepErrno = Linker.Option.captureCallState("errno");
            MethodHandle open = linker.downcallHandle(
                    libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                    Linker.Option.firstVariadicArg(2),
                    keepErrno);
            MethodHandle syncfs = linker.downcallHandle(
                    libc.find("syncfs").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT), keepErrno);
            MethodHandle close =
                    linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            return new FileSystemSync(open, syncfs, close, capture, errno);
        } catch (Throwable t) {
            // IllegalCallerException when native access is denied, NoSuchElementException without glibc
            return null;
        }
    }

    /** Flushes the whole file system that holds {@code dir}. */
    void syncFileSystemOf(Path dir) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(dir.toString());
            MemorySegment state = arena.allocate(captureLayout);
            int fd = (int) open.invokeExact(state, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException(
                        "Cannot open " + dir + ": " + PosixFallocate.describe((int) errno.get(state, 0L)));
            }
            try {
                int rc = (int) syncfs.invokeExact(state, fd);
                if (rc != 0) {
                    throw new IOException(
                            "syncfs of " + dir + " failed: " + PosixFallocate.describe((int) errno.get(state, 0L)));
                }
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("syncfs of " + dir + " failed", t);
        }
    }
}

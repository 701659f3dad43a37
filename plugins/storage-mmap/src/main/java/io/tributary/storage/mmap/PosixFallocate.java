package io.tributary.storage.mmap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reserves space with glibc's {@code posix_fallocate}, called through an FFM downcall: only
 * block metadata is written, so reserving is cheap. {@code posix_fallocate} needs a file
 * descriptor, which {@link java.nio.channels.FileChannel} does not expose, so each call opens
 * the file itself ({@code open}/{@code close} downcalls). Linux only (the {@code open} flags are
 * Linux's). Needs native access for this module ({@code
 * --enable-native-access=io.tributary.storage.mmap}); without it {@link #load()} returns null and
 * the engine writes zeros instead. Thread-safe.
 */
final class PosixFallocate implements SpaceReserver {
    private static final Logger LOG = LoggerFactory.getLogger(PosixFallocate.class);
    private static final int O_WRONLY = 0x1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EOPNOTSUPP = 95;

    private final MethodHandle open;
    private final MethodHandle fallocate;
    private final MethodHandle close;
    private final MemoryLayout captureLayout;
    private final VarHandle errno;
    private final SpaceReserver fallback = new ZeroFill();

    private PosixFallocate(
            MethodHandle open,
            MethodHandle fallocate,
            MethodHandle close,
            MemoryLayout captureLayout,
            VarHandle errno) {
        this.open = open;
        this.fallocate = fallocate;
        this.close = close;
        this.captureLayout = captureLayout;
        this.errno = errno;
    }

    /** The reserver, or null when the platform or the JVM's native-access policy does not allow it. */
    static PosixFallocate load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MemoryLayout capture = Linker.Option.captureStateLayout();
            VarHandle errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            MethodHandle open = linker.downcallHandle(
                    libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                    Linker.Option.firstVariadicArg(2),
                    Linker.Option.captureCallState("errno"));
            MethodHandle fallocate = linker.downcallHandle(
                    libc.find("posix_fallocate").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
            MethodHandle close =
                    linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            return new PosixFallocate(open, fallocate, close, capture, errno);
        } catch (Throwable t) {
            // IllegalCallerException when native access is denied, NoSuchElementException without glibc
            LOG.info("posix_fallocate is not available ({}); disk space is reserved by writing zeros", t.toString());
            return null;
        }
    }

    @Override
    public void reserve(Path file, long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment state = arena.allocate(captureLayout);
            int fd = (int) open.invokeExact(state, path, O_WRONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                int err = (int) errno.get(state, 0L);
                throw new IOException("Cannot open " + file + " to reserve space: " + describe(err));
            }
            try {
                rc = (int) fallocate.invokeExact(fd, offset, length);
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("posix_fallocate failed for " + file, t);
        }
        if (rc == EOPNOTSUPP) {
            fallback.reserve(file, offset, length);
        } else if (rc != 0) {
            throw new IOException(
                    "Cannot reserve " + length + " bytes at " + offset + " of " + file + ": " + describe(rc));
        }
    }

    /** The message for the errno values a reservation can meet. */
    static String describe(int errno) {
        return switch (errno) {
            case 28 -> "No space left on device (ENOSPC)";
            case 122 -> "Disk quota exceeded (EDQUOT)";
            case 30 -> "Read-only file system (EROFS)";
            case 27 -> "File too large (EFBIG)";
            case 5 -> "Input/output error (EIO)";
            case 2 -> "No such file or directory (ENOENT)";
            case 13 -> "Permission denied (EACCES)";
            case 22 -> "Invalid argument (EINVAL)";
            default -> "errno " + errno;
        };
    }

    @Override
    public String toString() {
        return "posix_fallocate";
    }
}

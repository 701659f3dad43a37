package io.tributary.storage.mmap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * Linux's {@code madvise(MADV_POPULATE_WRITE)} (5.14+), through FFM: faults the pages of a
 * mapped range in as if written, without changing their content. For a shared file mapping that
 * is the whole cost of a first write to a page (page-cache allocation, the file system's {@code
 * page_mkwrite}, which also reserves the block) paid ahead of time, on another thread; the writer
 * then copies into pages that are already mapped writable. A page the file system cannot back (a
 * full disk) makes the call fail with {@code EFAULT} instead of raising SIGBUS later.
 *
 * <p>Needs native access for this module; {@link #load()} returns null without it or off Linux.
 * An old kernel answers {@code EINVAL}, after which {@link #populate} stops trying. Thread-safe.
 */
final class PagePopulator {
    private static final int MADV_RANDOM = 1;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int EINVAL = 22;

    private final MethodHandle madvise;
    private final MemoryLayout captureLayout;
    private final VarHandle errno;
    private volatile boolean unsupported;

    private PagePopulator(MethodHandle madvise, MemoryLayout captureLayout, VarHandle errno) {
        this.madvise = madvise;
        this.captureLayout = captureLayout;
        this.errno = errno;
    }

    /** The populator, or null when the platform or the JVM's native-access policy does not allow it. */
    static PagePopulator load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            MemoryLayout capture = Linker.Option.captureStateLayout();
            VarHandle errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            MethodHandle madvise = linker.downcallHandle(
                    linker.defaultLookup().find("madvise").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
                    Linker.Option.captureCallState("errno"));
            return new PagePopulator(madvise, capture, errno);
        } catch (Throwable t) {
            // IllegalCallerException when native access is denied, NoSuchElementException without glibc
            return null;
        }
    }

    /**
     * Turns read-ahead off for a writable window ({@code MADV_RANDOM}). A fault in a file hole
     * otherwise reads ahead around it, and with large folios that means zeroing megabytes of page
     * cache the writer may never reach: measured, 1,000 new partitions' first appends took
     * seconds instead of milliseconds. The writer only ever touches pages it reserved. Best
     * effort: a failure only costs that read-ahead.
     */
    void noReadAhead(MemorySegment window) {
        if (window.byteSize() == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int ignored = (int) madvise.invokeExact(state, window, window.byteSize(), MADV_RANDOM);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("madvise failed", t);
        }
    }

    /** False once the kernel said it does not know MADV_POPULATE_WRITE. */
    boolean supported() {
        return !unsupported;
    }

    /**
     * Faults in every page of {@code range} (page-aligned start, as mappings are) writable.
     *
     * @return 0 on success, else the errno ({@code EFAULT}: a page could not be backed, e.g. the
     *     disk is full; {@code EINVAL}: the kernel is too old, and later calls return it at once)
     */
    int populate(MemorySegment range) {
        if (unsupported) {
            return EINVAL;
        }
        if (range.byteSize() == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int rc = (int) madvise.invokeExact(state, range, range.byteSize(), MADV_POPULATE_WRITE);
            if (rc == 0) {
                return 0;
            }
            int err = (int) errno.get(state, 0L);
            if (err == EINVAL) {
                unsupported = true;
            }
            return err;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("madvise failed", t);
        }
    }
}

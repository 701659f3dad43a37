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
 * <p>Needs native access for this module; {@link #load()} returns null off Linux. The downcall is
 * linked on first use (or ahead of it by {@link #link()} on another thread: linking costs tens of
 * milliseconds of a cold JVM, which start-up need not wait for); when it cannot be linked (native
 * access denied, no {@code madvise}), {@link #populate} answers {@code EINVAL} and {@link
 * #noReadAhead} does nothing, as on a kernel without the advice. An old kernel answers {@code
 * EINVAL}, after which {@link #populate} stops trying. Thread-safe.
 */
final class PagePopulator {
    private static final int MADV_RANDOM = 1;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int EINVAL = 22;

    /** The linked downcall, or {@link #UNAVAILABLE}. */
    private record Downcall(MethodHandle madvise, MemoryLayout captureLayout, VarHandle errno) {}

    private static final Downcall UNAVAILABLE = new Downcall(null, null, null);

    /** Null until linked; guarded by {@code this} for writes. */
    private volatile Downcall downcall;

    private volatile boolean unsupported;

    private PagePopulator() {}

    /** The populator, or null off Linux; the downcall itself is linked on first use. */
    static PagePopulator load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        return new PagePopulator();
    }

    /** Links the downcall now if it is not yet; any thread. Returns whether it is usable. */
    boolean link() {
        return downcall() != UNAVAILABLE;
    }

    private Downcall downcall() {
        Downcall d = downcall;
        if (d != null) {
            return d;
        }
        synchronized (this) {
            if (downcall == null) {
                downcall = linkNow();
            }
            return downcall;
        }
    }

    private static Downcall linkNow() {
        try {
            Linker linker = Linker.nativeLinker();
            MemoryLayout capture = Linker.Option.captureStateLayout();
            VarHandle errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            MethodHandle madvise = linker.downcallHandle(
                    linker.defaultLookup().find("madvise").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
                    Linker.Option.captureCallState("errno"));
            return new Downcall(madvise, capture, errno);
        } catch (Throwable t) {
            // IllegalCallerException when native access is denied, NoSuchElementException without glibc
            return UNAVAILABLE;
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
        Downcall d = downcall();
        if (window.byteSize() == 0 || d == UNAVAILABLE) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(d.captureLayout());
            int ignored = (int) d.madvise().invokeExact(state, window, window.byteSize(), MADV_RANDOM);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("madvise failed", t);
        }
    }

    /** False once the kernel said it does not know MADV_POPULATE_WRITE. */
    boolean supported() {
        return !unsupported && link();
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
        Downcall d = downcall();
        if (d == UNAVAILABLE) {
            unsupported = true;
            return EINVAL;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(d.captureLayout());
            int rc = (int) d.madvise().invokeExact(state, range, range.byteSize(), MADV_POPULATE_WRITE);
            if (rc == 0) {
                return 0;
            }
            int err = (int) d.errno().get(state, 0L);
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

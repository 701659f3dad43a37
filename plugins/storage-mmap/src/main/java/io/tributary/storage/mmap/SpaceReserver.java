package io.tributary.storage.mmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Allocates real disk blocks for a range of a file before the engine writes into it through a
 * memory mapping. Writing through a mapping into a hole of a sparse file on a full disk raises
 * SIGBUS, which the JVM reports as an {@link InternalError} at some later access; reserving
 * first turns a full disk into an ordinary {@link IOException} before anything is written.
 * Implementations are thread-safe.
 */
interface SpaceReserver {

    /**
     * Makes {@code [offset, offset + length)} of {@code file} allocated on disk, extending the
     * file if it is shorter. Only called for ranges beyond the file's valid data.
     *
     * @throws IOException when the space cannot be had (for example "No space left on device")
     */
    void reserve(Path file, long offset, long length) throws IOException;

    /**
     * Like {@link #reserve(Path, long, long)}, for a range the caller has mapped writable: {@code
     * mapped} is that range of the mapping (page-aligned start). Reservers that can, reserve
     * through the mapping and leave its pages faulted in, so that the writer's first touch of each
     * page costs nothing. The default reserves the file range, then faults the pages in when
     * {@code populator} is given (best effort: a failure there only costs the writer the faults).
     */
    default void reserve(Path file, long offset, long length, MemorySegment mapped, PagePopulator populator)
            throws IOException {
        reserve(file, offset, length);
        if (mapped != null && populator != null) {
            populator.populate(mapped);
        }
    }

    /**
     * The reserver for {@code storage.mmap.fallocate}: {@code posix_fallocate} where the platform
     * has it (and it is wanted); else faulting the pages in through the mapping ({@link
     * Populate}) when native access allows it; else zeros.
     */
    static SpaceReserver platformDefault(boolean fallocate, PagePopulator populator) {
        if (fallocate) {
            SpaceReserver posix = PosixFallocate.load();
            if (posix != null) {
                return posix;
            }
        }
        return populator != null ? new Populate(populator) : new ZeroFill();
    }

    /**
     * Reserves a mapped range by faulting its pages in writable ({@link PagePopulator}): the file
     * system backs each page (ext4, XFS and btrfs reserve the block for delayed allocation, tmpfs
     * allocates the page) or the call fails, so the writer's later copy cannot raise SIGBUS, and
     * it finds the pages mapped. Costs one page-cache page per page, written once (by the data),
     * where zero-filling writes every page twice. A range that is not mapped, an old kernel, or a
     * failure (to learn why, e.g. ENOSPC) fall back to {@link ZeroFill}.
     */
    final class Populate implements SpaceReserver {
        private final PagePopulator populator;
        private final SpaceReserver zeros = new ZeroFill();

        Populate(PagePopulator populator) {
            this.populator = populator;
        }

        @Override
        public void reserve(Path file, long offset, long length) throws IOException {
            zeros.reserve(file, offset, length);
        }

        @Override
        public void reserve(Path file, long offset, long length, MemorySegment mapped, PagePopulator ignored)
                throws IOException {
            if (mapped == null || populator.populate(mapped) != 0) {
                zeros.reserve(file, offset, length);
            }
        }

        @Override
        public String toString() {
            return "page population (madvise MADV_POPULATE_WRITE)";
        }
    }

    /**
     * Writes zeros over the range: portable, costs a write of every reserved byte. Also the
     * fallback when {@code posix_fallocate} is missing or not supported by the file system.
     */
    final class ZeroFill implements SpaceReserver {
        private static final ByteBuffer ZEROS =
                ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

        @Override
        public void reserve(Path file, long offset, long length) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                long pos = offset;
                long end = offset + length;
                while (pos < end) {
                    ByteBuffer z = ZEROS.duplicate();
                    z.limit((int) Math.min(z.capacity(), end - pos));
                    pos += ch.write(z, pos);
                }
            }
        }

        @Override
        public String toString() {
            return "zero-fill";
        }
    }
}

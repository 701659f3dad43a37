package io.tributary.storage.mmap;

import java.io.IOException;
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

    /** {@code posix_fallocate} where the platform has it (and {@code fallocate} is wanted), else zeros. */
    static SpaceReserver platformDefault(boolean fallocate) {
        if (fallocate) {
            SpaceReserver posix = PosixFallocate.load();
            if (posix != null) {
                return posix;
            }
        }
        return new ZeroFill();
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

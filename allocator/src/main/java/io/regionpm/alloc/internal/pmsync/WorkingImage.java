package io.regionpm.alloc.internal.pmsync;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import io.regionpm.alloc.internal.NativeCalls;

import static io.regionpm.alloc.internal.pmsync.ControlLayout.PAGE_BYTES;

/**
 * Builds a working image from the pool file: a sparse copy (only the allocated extents of the
 * pool file are read, found with {@code SEEK_DATA}/{@code SEEK_HOLE}, and only pages that are
 * not all zero are written), made under a temporary name (mode 0600) and renamed into place,
 * so the working image's name never shows a partial copy.
 *
 * <p>Thread- and process-safety: called under the pmsync mutex.
 */
public final class WorkingImage {
    private static final int CHUNK = 1 << 20;
    private static final String BUILDING = ".building-";
    private static final MemorySegment ZERO_PAGE = MemorySegment.ofArray(new byte[PAGE_BYTES]);

    private WorkingImage() {
    }

    /**
     * Copies the pool file to a new working image.
     *
     * @param poolFile the pool file (its journal already applied)
     * @param size     its size
     * @param image    where the working image goes; must not exist
     * @return bytes copied (the rest is holes)
     * @throws IOException if reading, writing (ENOSPC on a full tmpfs) or renaming fails
     */
    public static long build(Path poolFile, long size, Path image) throws IOException {
        removeLeftovers(image);
        Path tmp = image.resolveSibling(image.getFileName() + BUILDING + UUID.randomUUID());
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            long copied;
            try (RandomAccessFile sizing = new RandomAccessFile(tmp.toFile(), "rw")) {
                sizing.setLength(size);
            }
            try (FileChannel from = FileChannel.open(poolFile, StandardOpenOption.READ);
                 FileChannel to = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                copied = copyExtents(from, to, NativeCalls.dataExtents(poolFile, size));
            }
            Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE);
            return copied;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static long copyExtents(FileChannel from, FileChannel to, long[] extents) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        MemorySegment bytes = MemorySegment.ofBuffer(chunk);
        long copied = 0;
        for (int e = 0; e < extents.length; e += 2) {
            long start = extents[e] & -PAGE_BYTES;
            long end = (extents[e + 1] + PAGE_BYTES - 1) & -PAGE_BYTES;
            for (long at = start; at < end; at += CHUNK) {
                int length = (int) Math.min(CHUNK, end - at);
                int read = 0;
                while (read < length) {
                    int n = from.read(chunk.clear().position(read).limit(length), at + read);
                    if (n < 0) {
                        throw new IOException("pool file ended at " + (at + read) + " while copying it");
                    }
                    read += n;
                }
                copied += writeNonZeroPages(bytes, length, to, at);
            }
        }
        return copied;
    }

    private static long writeNonZeroPages(MemorySegment bytes, int length, FileChannel to, long at)
            throws IOException {
        long written = 0;
        int page = 0;
        while (page < length) {
            if (isZero(bytes, page)) {
                page += PAGE_BYTES;
                continue;
            }
            int run = page + PAGE_BYTES;
            while (run < length && !isZero(bytes, run)) {
                run += PAGE_BYTES;
            }
            ByteBuffer src = bytes.asSlice(page, run - page).asByteBuffer();
            while (src.hasRemaining()) {
                to.write(src, at + page + src.position());
            }
            written += run - page;
            page = run;
        }
        return written;
    }

    private static boolean isZero(MemorySegment bytes, int page) {
        return bytes.asSlice(page, PAGE_BYTES).mismatch(ZERO_PAGE) < 0;
    }

    private static void removeLeftovers(Path image) throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(image.getParent(),
                image.getFileName() + BUILDING + "*")) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
    }
}

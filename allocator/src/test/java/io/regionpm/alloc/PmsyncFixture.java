package io.regionpm.alloc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import io.regionpm.alloc.internal.pmsync.DurableFile;
import io.regionpm.alloc.internal.pmsync.PmsyncStep;
import io.regionpm.testkit.TempTrees;

/**
 * A {@code PMSYNC} pool for tests: the pool file in the test's temporary directory, the
 * working files in a directory of their own under {@code /dev/shm}, deleted on close.
 * {@link #powerLoss()} deletes the working files, which is what a reboot does.
 */
final class PmsyncFixture implements AutoCloseable {
    static final Path SHM = Path.of("/dev/shm");

    final Path pool;
    final Path workDir;

    private PmsyncFixture(Path pool, Path workDir) {
        this.pool = pool;
        this.workDir = workDir;
    }

    /**
     * @param tempDir the test's temporary directory
     * @param size    pool bytes
     * @param lanes   lane count
     * @return a new PMSYNC pool with an empty work directory
     */
    static PmsyncFixture create(Path tempDir, long size, int lanes) {
        Path pool = tempDir.resolve("pmsync-" + UUID.randomUUID() + ".pool");
        PoolFile.create(pool, PoolSpec.of(size).withLanes(lanes).withDurability(PoolSpec.PMSYNC)).close();
        return new PmsyncFixture(pool, newWorkDir());
    }

    /** @return a fresh directory under /dev/shm */
    static Path newWorkDir() {
        try {
            return Files.createDirectories(SHM.resolve("pcoll-pmsync-test-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    PmsyncStore open() {
        return PmsyncStore.open(pool, workDir);
    }

    PmsyncStore open(DurableFile.Opener opener, Consumer<PmsyncStep> steps) {
        return PmsyncStore.open(pool, workDir, opener, steps);
    }

    /** Deletes the working image and control file (every store must be closed or dead). */
    void powerLoss() {
        deleteContents(workDir);
    }

    /** @return the first 4 KiB page of the pool's data region (free for tests to stamp) */
    int firstDataPage() {
        try (PoolFile f = PoolFile.open(pool, BackendKind.FILE)) {
            return (int) (f.descriptor().geometry().dataOffset() >>> 12);
        }
    }

    /** @return CRC32C of the whole pool file */
    long poolChecksum() {
        return checksum(pool);
    }

    static long checksum(Path file) {
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(b.clear()) > 0) {
                crc.update(b.flip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crc.getValue();
    }

    static void deleteContents(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        TempTrees.deleteTree(dir);
    }

    @Override
    public void close() {
        deleteTree(workDir);
    }
}

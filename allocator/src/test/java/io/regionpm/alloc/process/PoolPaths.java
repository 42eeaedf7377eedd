package io.regionpm.alloc.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.regionpm.alloc.BackendKind;

/**
 * Where a multi-process test puts its pool: in the test's temporary directory for
 * {@link BackendKind#FILE} (msync'd), or under a unique name in {@code /dev/shm} for
 * {@link BackendKind#SHM}, which the test deletes in {@code @AfterEach}.
 */
final class PoolPaths {
    private static final Path SHM = Path.of("/dev/shm");

    private PoolPaths() {
    }

    /**
     * @param kind    FILE or SHM
     * @param tempDir the test's temporary directory
     * @param name    a short name for the file
     * @return a path that does not exist yet
     */
    static Path of(BackendKind kind, Path tempDir, String name) {
        return switch (kind) {
            case FILE -> tempDir.resolve(name + ".pool");
            case SHM -> SHM.resolve("regionpm-" + name + "-" + UUID.randomUUID() + ".pool");
            default -> throw new IllegalArgumentException("no pool file for back end " + kind);
        };
    }

    /** Deletes a pool made under {@code /dev/shm}; leaves anything else to {@code @TempDir}. */
    static void deleteShm(Path pool) throws IOException {
        if (pool != null && pool.startsWith(SHM)) {
            Files.deleteIfExists(pool);
        }
    }
}

package io.regionpm.alloc.internal.pmsync;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.ProcessToken;

/**
 * Discarding a pool's working files: under the pmsync mutex, with no live process attached,
 * the control file is marked discarded (so that an opener that mapped it before the delete
 * starts over), then the working image and the control file are deleted.
 *
 * <p>Thread- and process-safety: serialised with pmsyncs and opens by the mutex.
 */
public final class WorkingFiles {
    private static final Duration NO_TIMEOUT = Duration.ofDays(365L * 100);

    private WorkingFiles() {
    }

    /**
     * @param id      the pool's working-file identity
     * @param workDir the work directory
     * @return whether anything was deleted
     * @throws IOException if a file cannot be deleted
     * @throws PoolException if a live process has the pool open
     */
    public static boolean discard(ControlIdentity id, Path workDir) throws IOException {
        Path controlPath = id.controlPath(workDir);
        Path image = id.imagePath(workDir);
        if (!Files.exists(controlPath)) {
            return Files.deleteIfExists(image);
        }
        try (Arena arena = Arena.ofShared()) {
            ControlFile control = ControlFile.openOrCreate(controlPath, id, arena);
            PmsyncMutex mutex = new PmsyncMutex(control, ProcessToken.current());
            mutex.acquire(System.nanoTime() + NO_TIMEOUT.toNanos(), NO_TIMEOUT, () -> false);
            try {
                List<Long> live = new ProcessEntries(control).livePids(-1);
                if (!live.isEmpty()) {
                    throw new PoolException(image + ": cannot discard the working image: processes " + live
                            + " have the pool open");
                }
                control.memory().setIntVolatile(ControlFile.IMAGE_STATE, ControlFile.IMAGE_DISCARDED);
                Files.deleteIfExists(image);
                Files.deleteIfExists(controlPath);
                return true;
            } finally {
                mutex.release();
            }
        }
    }
}

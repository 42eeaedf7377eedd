package io.regionpm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary directories outside JUnit's {@code @TempDir} (PMSYNC working images must live on
 * tmpfs, under {@code /dev/shm}).
 *
 * <p>Thread-safety: stateless.
 */
public final class TempTrees {
    /** The tmpfs root of these machines. */
    public static final Path SHM = Path.of("/dev/shm");

    private TempTrees() {
    }

    /**
     * @param prefix the directory name's prefix
     * @return a new empty directory under {@code /dev/shm}
     */
    public static Path newShmDirectory(String prefix) {
        try {
            return Files.createTempDirectory(SHM, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param dir a directory to delete with everything below it (nothing if absent) */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = all.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

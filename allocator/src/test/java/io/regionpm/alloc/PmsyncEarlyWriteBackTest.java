package io.regionpm.alloc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.testkit.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Early write-back cannot tear a commit: the pool file is never mapped, and its bytes (and
 * modification time) do not change through any number of writes, flushes, drains, reopens
 * and a closed store, only through pmsync.
 */
class PmsyncEarlyWriteBackTest {
    private static final long POOL_BYTES = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void thePoolFileChangesOnlyAtPmsync() throws IOException {
        long seed = Seeds.seed("PmsyncEarlyWriteBackTest");
        Random random = new Random(seed);
        try (PmsyncFixture fx = PmsyncFixture.create(dir, POOL_BYTES, 4)) {
            int first = fx.firstDataPage();
            int pages = (int) (POOL_BYTES / 4096) - first;
            long synced = fx.poolChecksum();
            FileTime modified = Files.getLastModifiedTime(fx.pool);
            for (int round = 0; round < 3; round++) {
                try (PmsyncStore store = fx.open()) {
                    assertThat(mappedFiles()).as("mapped files").contains(store.workingImage().toString())
                            .doesNotContain(fx.pool.toString());
                    for (int i = 0; i < 2000; i++) {
                        int page = first + random.nextInt(pages);
                        PmsyncPages.stamp(store.memory(), page, 1 + random.nextInt(1000));
                        store.memory().persist((long) page * 4096, 8);
                    }
                    assertThat(fx.poolChecksum()).as("seed %d round %d: pool file after writes and flushes", seed, round)
                            .isEqualTo(synced);
                }
                assertThat(fx.poolChecksum()).as("seed %d round %d: pool file after close", seed, round)
                        .isEqualTo(synced);
                assertThat(Files.getLastModifiedTime(fx.pool)).isEqualTo(modified);
            }
            try (PmsyncStore store = fx.open()) {
                assertThat(store.pmsync().pages()).isPositive();
            }
            assertThat(fx.poolChecksum()).as("pool file after pmsync").isNotEqualTo(synced);
        }
    }

    private static String mappedFiles() throws IOException {
        return Files.readString(Path.of("/proc/self/maps"));
    }
}

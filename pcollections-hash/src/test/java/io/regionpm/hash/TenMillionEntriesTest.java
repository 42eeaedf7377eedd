package io.regionpm.hash;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.PoolStats;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale: a long-long map of ten million entries (one million by default) in a 1 GiB pool on
 * /dev/shm, reopened, every key read back, the checker clean; prints the pool's bytes per
 * entry (the overhead documented in docs/format.md) and the JVM's heap in use, which must not
 * grow with the map.
 */
class TenMillionEntriesTest {
    @Test
    void tenMillionLongsFitAndReadBack() {
        int n = Stress.scale(1_000_000, 10_000_000);
        Path dir = TempTrees.newShmDirectory("hash-scale");
        try {
            Path file = dir.resolve("scale.pool");
            long usedBefore;
            try (Pool pool = Pool.open(file, PoolOptions.create(1L << 30).withDurability(Durability.NONE))) {
                usedBefore = pool.stats().usedBytes();
                PersistentLongLongHashMap map = PersistentLongLongHashMap.open(pool, "scale");
                System.gc();
                long heapBefore = heapUsed();
                for (long i = 0; i < n; i++) {
                    map.put(i * 0x9E3779B97F4A7C15L, i);
                }
                System.gc();
                long heapAfter = heapUsed();
                PoolStats stats = pool.stats();
                System.out.printf("TenMillionEntriesTest: %,d entries, %.1f pool bytes per entry, heap %,d -> %,d bytes%n", n,
                        (stats.usedBytes() - usedBefore) / (double) n, heapBefore, heapAfter);
                assertThat(map.mappingCount()).isEqualTo(n);
                assertThat(heapAfter - heapBefore).as("heap growth while filling the map").isLessThan(64L << 20);
            }
            try (Pool pool = Pool.open(file)) {
                PersistentLongLongHashMap map = PersistentLongLongHashMap.open(pool, "scale");
                for (long i = 0; i < n; i++) {
                    assertThat(map.getIfAbsent(i * 0x9E3779B97F4A7C15L, -1)).isEqualTo(i);
                }
                assertThat(map.size()).isEqualTo(n);
                assertThat(pool.check().isClean()).isTrue();
            }
        } finally {
            TempTrees.deleteTree(dir);
        }
    }

    private static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}

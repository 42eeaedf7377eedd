package io.regionpm.tree;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SortedSnapshotTestBase} over a real SHADOW tree in a NONE pool in {@code /dev/shm};
 * after each test every snapshot is closed, so the pool checker must find it clean (the pinned
 * nodes freed, nothing leaked).
 */
abstract class PooledSnapshotTestBase extends SortedSnapshotTestBase {
    private Path dir;
    private Pool pool;

    /** @return the tree under test */
    abstract TreeKind kind();

    @BeforeEach
    void openPool() {
        dir = TempTrees.newShmDirectory(kind().name().toLowerCase() + "-snapshot");
        pool = Pool.open(dir.resolve("s.pool"), PoolOptions.create(32L << 20).withDurability(Durability.NONE));
    }

    @Override
    protected AbstractSortedMap<Long, String> newMap() {
        return kind().open(pool, "s", Codecs.LONG, Codecs.STRING, UpdateStrategy.SHADOW);
    }

    @AfterEach
    void checkAndClosePool() {
        try {
            CheckReport report = pool.check();
            assertThat(report.isClean()).as("checker: %s", report).isTrue();
        } finally {
            try {
                pool.close();
            } finally {
                TempTrees.deleteTree(dir);
            }
        }
    }
}

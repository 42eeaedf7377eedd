package io.regionpm.tree;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.provider.Arguments;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link SortedMapModelTestBase} over a real tree in a pool: NONE pools in {@code /dev/shm}
 * (SHADOW and IN_PLACE) and a SYNC pool in a file (fewer operations); {@link #reopen} closes
 * the pool and opens it and the tree again, {@link #check} runs the pool checker. Subclasses
 * name the tree ({@link #kind()}) and are parameterised by {@link #configurations()}. The SYNC
 * configuration runs the random model test only: the base's thread and iterator tests make
 * thousands of small transactions, each a sync of the file (about a minute), and depend on the
 * strategy, not on the durability.
 */
abstract class PooledSortedMapModelTestBase extends SortedMapModelTestBase {
    @Parameter(0)
    UpdateStrategy strategy;

    @Parameter(1)
    Durability durability;

    @TempDir
    Path tempDir;

    private Path shm;
    private Pool pool;

    /** @return the configurations: (strategy, durability) */
    static Stream<Arguments> configurations() {
        return Stream.of(Arguments.of(UpdateStrategy.SHADOW, Durability.NONE),
                Arguments.of(UpdateStrategy.IN_PLACE, Durability.NONE),
                Arguments.of(UpdateStrategy.SHADOW, Durability.SYNC));
    }

    @BeforeEach
    void onlyTheModelTestUnderSync(TestInfo test) {
        assumeTrue(durability != Durability.SYNC
                        || test.getTestMethod().orElseThrow().getName().equals("randomOperationsThroughRandomViewsMatchConcurrentSkipListMap"),
                "SYNC: the random model test only");
    }

    /** @return the tree under test */
    abstract TreeKind kind();

    @Override
    protected int operations() {
        return durability == Durability.SYNC ? Stress.scale(2_000, 50_000) : Stress.scale(20_000, 1_000_000);
    }

    private Path file() {
        if (durability == Durability.SYNC) {
            return tempDir.resolve("model.pool");
        }
        if (shm == null) {
            shm = TempTrees.newShmDirectory(kind().name().toLowerCase() + "-layer-model");
        }
        return shm.resolve("model.pool");
    }

    private ConcurrentNavigableMap<Long, String> openTree() {
        pool = Pool.open(file(), PoolOptions.create(64L << 20).withDurability(durability));
        AbstractSortedMap<Long, String> map = kind().open(pool, "t", Codecs.LONG, Codecs.STRING, strategy);
        assertThat(map.strategy()).isEqualTo(strategy);
        return map;
    }

    @Override
    protected ConcurrentNavigableMap<Long, String> newMap() {
        return openTree();
    }

    @Override
    protected ConcurrentNavigableMap<Long, String> reopen(ConcurrentNavigableMap<Long, String> map) {
        pool.close();
        return openTree();
    }

    @Override
    protected void check(ConcurrentNavigableMap<Long, String> map) {
        CheckReport report = pool.check();
        assertThat(report.isClean()).as("checker: %s", report).isTrue();
    }

    @AfterEach
    void closePool() {
        try {
            if (pool != null) {
                pool.close();
            }
        } finally {
            if (shm != null) {
                TempTrees.deleteTree(shm);
            }
        }
    }
}

package io.regionpm.tree;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.TempTrees;
import io.regionpm.tree.internal.OrderedStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regressions of the B+tree's fill rule (every non-root node uses at least a quarter of the
 * node), with the pool checker run after every change of a tree of 256-byte nodes and 15-byte
 * keys: ascending inserts (the right-edge split of an inner node must not leave the right node
 * with only its header and one long separator) and value updates that shrink the only entry of
 * a leaf (the fast in-place replace must not take a leaf below the minimum).
 */
class BPlusMinimumFillTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("bplus-fill");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    private Pool open() {
        return Pool.open(dir.resolve("f.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
    }

    private static String key(int i) {
        return "key-xxxxxxxx" + (100 + i);
    }

    private static void checkClean(Pool pool, String where) {
        CheckReport report = pool.check();
        assertThat(report.isClean()).as("%s: checker: %s", where, report).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void ascendingLongKeysKeepInnerNodesAboveMinimum(UpdateStrategy strategy) {
        try (Pool pool = open()) {
            OrderedStore<String, byte[]> store = PersistentBPlusTree.open(pool, "t", Codecs.STRING_ORDERED, Codecs.BYTES,
                    strategy, 256).engine();
            for (int i = 0; i < 600; i++) {
                store.put(key(i), new byte[4]);
                checkClean(pool, "put " + key(i));
            }
            assertThat(store.size()).isEqualTo(600);
        }
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void shrinkingUpdatesKeepLeavesAboveMinimum(UpdateStrategy strategy) {
        try (Pool pool = open()) {
            OrderedStore<String, byte[]> store = PersistentBPlusTree.open(pool, "t", Codecs.STRING_ORDERED, Codecs.BYTES,
                    strategy, 256).engine();
            for (int i = 0; i < 300; i++) {
                store.put(key(i), new byte[12]);
            }
            for (int i = 0; i < 300; i++) {
                if (i % 5 != 0) {
                    store.remove(key(i));
                    checkClean(pool, "remove " + key(i));
                }
            }
            for (int i = 0; i < 300; i += 5) {
                store.put(key(i), new byte[0]);
                checkClean(pool, "shrink " + key(i));
                assertThat(store.get(key(i))).isEmpty();
            }
            assertThat(store.size()).isEqualTo(60);
        }
    }
}

package io.regionpm.tree;

import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.TempTrees;
import io.regionpm.tree.internal.OrderedStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PersistentBPlusTree#bulkLoad}: a million entries load in well under the time of as
 * many puts and then equal a {@link TreeMap} (and take puts and removes as usual); mixed value
 * sizes and small nodes; refusals (a non-empty tree, unsorted keys) change nothing and leak
 * nothing.
 */
class BPlusBulkLoadTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("bplus-bulk");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    private Pool open() {
        return Pool.open(dir.resolve("b.pool"), PoolOptions.create(512L << 20).withDurability(Durability.NONE));
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void aMillionEntriesLoadQuicklyAndEqualTheTreeMap(UpdateStrategy strategy) {
        int n = 1_000_000;
        try (Pool pool = open()) {
            PersistentBPlusTree<Long, Long> tree = PersistentBPlusTree.open(pool, "t", Codecs.LONG, Codecs.LONG, strategy);
            long start = System.nanoTime();
            tree.bulkLoad(LongStream.range(0, n).mapToObj(i -> Map.entry(i * 3 - 1_000_000, i)));
            long loadNanos = System.nanoTime() - start;
            OrderedStore<Long, Long> store = tree.engine();
            assertThat(store.size()).isEqualTo(n);
            start = System.nanoTime();
            for (long i = 0; i < n; i++) {
                assertThat(store.get(i * 3 - 1_000_000)).isEqualTo(i);
            }
            long getNanos = System.nanoTime() - start;
            List<Map.Entry<Long, Long>> all = new ArrayList<>();
            store.scan(null, true, null, true, false, Integer.MAX_VALUE, all);
            assertThat(all).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(all.get(i).getKey()).isEqualTo(i * 3L - 1_000_000);
            }
            CheckReport report = pool.check();
            assertThat(report.isClean()).as("%s", report).isTrue();
            System.out.printf("bulk load %s: %d entries in %d ms (%.0f ns/entry); gets %.0f ns each%n", strategy, n,
                    loadNanos / 1_000_000, (double) loadNanos / n, (double) getNanos / n);
            assertThat(store.put(1L, 1L)).isNull();
            assertThat(store.remove(-1_000_000L)).isEqualTo(0L);
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void mixedValuesInSmallNodesEqualTheTreeMap(UpdateStrategy strategy) {
        long seed = Seeds.seed("BPlusBulkLoadTest.mixed." + strategy);
        Random random = new Random(seed);
        NavigableMap<String, byte[]> oracle = new TreeMap<>();
        for (int i = 0; i < 5000; i++) {
            oracle.put("k" + random.nextInt(1_000_000), BPlusModelTest.value(random));
        }
        try (Pool pool = open()) {
            PersistentBPlusTree<String, byte[]> tree = PersistentBPlusTree.open(pool, "m", Codecs.STRING_ORDERED, Codecs.BYTES,
                    strategy, 256);
            tree.bulkLoad(oracle.entrySet().iterator());
            BPlusModelTest.checkEquals("seed " + seed, tree.engine(), oracle);
            CheckReport report = pool.check();
            assertThat(report.isClean()).as("seed %d: %s", seed, report).isTrue();
        }
    }

    @Test
    void refusalsChangeNothing() {
        try (Pool pool = open()) {
            PersistentBPlusTree<Long, Long> tree = PersistentBPlusTree.open(pool, "r", Codecs.LONG, Codecs.LONG,
                    UpdateStrategy.SHADOW, 256);
            List<Map.Entry<Long, Long>> unsorted = new ArrayList<>();
            IntStream.range(0, 3000).forEach(i -> unsorted.add(new AbstractMap.SimpleImmutableEntry<>((long) i, (long) i)));
            unsorted.add(Map.entry(5L, 5L));
            long blocks = pool.check().allocatedBlocks();
            assertThatThrownBy(() -> tree.bulkLoad(unsorted.iterator())).isInstanceOf(IllegalArgumentException.class);
            assertThat(tree.engine().size()).isZero();
            assertThat(tree.engine().find(null, io.regionpm.tree.internal.Relation.CEILING)).isNull();
            CheckReport report = pool.check();
            assertThat(report.isClean()).as("%s", report).isTrue();
            assertThat(report.allocatedBlocks()).isEqualTo(blocks);
            tree.engine().put(1L, 1L);
            assertThatThrownBy(() -> tree.bulkLoad(unsorted.subList(0, 10).iterator())).isInstanceOf(IllegalStateException.class);
            assertThat(tree.engine().size()).isEqualTo(1);
            assertThat(pool.check().isClean()).isTrue();
        }
    }
}

package io.regionpm.tree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;
import io.regionpm.tree.internal.OrderedStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Refusals of {@link PersistentBPlusTree} (wrong codecs or node size on reopen, a key codec
 * that is not order-preserving, an oversize key, a bad node size: each refused before
 * anything changes) and its lock-free readers (gets and scans racing a writer that splits and
 * merges never see a wrong value or an unsorted scan; a SHADOW pin sees one unchanging state).
 */
class BPlusRefusalAndReaderTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("bplus-refusal");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    private Pool open() {
        return Pool.open(dir.resolve("r.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
    }

    @Test
    void refusalsChangeNothing() {
        try (Pool pool = open()) {
            PersistentBPlusTree<Long, String> tree = PersistentBPlusTree.open(pool, "t", Codecs.LONG, Codecs.STRING,
                    UpdateStrategy.SHADOW, 256);
            tree.engine().put(1L, "one");
            assertThatThrownBy(() -> PersistentBPlusTree.open(pool, "t", Codecs.LONG, Codecs.BYTES))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> PersistentBPlusTree.open(pool, "t", Codecs.LONG, Codecs.STRING, UpdateStrategy.IN_PLACE))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> PersistentBPlusTree.open(pool, "t", Codecs.LONG, Codecs.STRING, UpdateStrategy.SHADOW, 512))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> PersistentBPlusTree.open(pool, "u", Codecs.STRING, Codecs.STRING))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> PersistentBPlusTree.open(pool, "v", Codecs.LONG, Codecs.STRING, UpdateStrategy.SHADOW, 300))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> PersistentBPlusTree.open(pool, "v", Codecs.LONG, Codecs.STRING, UpdateStrategy.SHADOW, 128))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(pool.names()).containsExactly("t");
            PersistentBPlusTree<String, String> s = PersistentBPlusTree.open(pool, "s", Codecs.STRING_ORDERED, Codecs.STRING,
                    UpdateStrategy.IN_PLACE, 256);
            assertThatThrownBy(() -> s.engine().put("x".repeat(200), "v")).isInstanceOf(IllegalArgumentException.class);
            assertThat(s.engine().size()).isZero();
            assertThat(s.engine().get("x".repeat(200))).isNull();
            assertThat(PersistentBPlusTree.open(pool, "t", Codecs.LONG, Codecs.STRING).engine().get(1L)).isEqualTo("one");
            assertThat(pool.check().isClean()).isTrue();
            assertThatThrownBy(() -> PersistentBPlusTree.open(pool, "s", Codecs.STRING_ORDERED, Codecs.STRING).engine().pin())
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void readersRacingSplitsAndMergesSeeOnlyRightValuesAndSortedScans(UpdateStrategy strategy) throws Exception {
        try (Pool pool = open()) {
            OrderedStore<Long, Long> tree = PersistentBPlusTree.open(pool, "race", Codecs.LONG, Codecs.LONG, strategy, 256)
                    .engine();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        for (long k = 0; k < 2000; k += 7) {
                            Long v = tree.get(k);
                            if (v != null && v != k * 10) {
                                throw new AssertionError("key " + k + " has value " + v);
                            }
                        }
                        List<Map.Entry<Long, Long>> out = new ArrayList<>();
                        tree.scan(null, true, null, true, false, 3000, out);
                        for (int i = 0; i < out.size(); i++) {
                            Map.Entry<Long, Long> e = out.get(i);
                            if (e.getValue() != e.getKey() * 10 || i > 0 && out.get(i - 1).getKey() >= e.getKey()) {
                                throw new AssertionError("scan entry " + i + ": " + e);
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            reader.start();
            int rounds = Stress.scale(6, 60);
            for (int round = 0; round < rounds && failure.get() == null; round++) {
                for (long k = 0; k < 2000; k++) {
                    tree.put((k * 7919) % 2000, (k * 7919) % 2000 * 10);
                }
                for (long k = 0; k < 2000; k += round % 2 == 0 ? 1 : 2) {
                    tree.remove(k);
                }
            }
            stop.set(true);
            reader.join();
            assertThat(failure.get()).isNull();
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    @Test
    void aPinnedShadowStateDoesNotChangeWhileWritesGoOn() {
        try (Pool pool = open()) {
            OrderedStore<Long, Long> tree = PersistentBPlusTree.open(pool, "pin", Codecs.LONG, Codecs.LONG,
                    UpdateStrategy.SHADOW, 256).engine();
            for (long k = 0; k < 500; k++) {
                tree.put(k, k);
            }
            List<Map.Entry<Long, Long>> before = new ArrayList<>();
            try (OrderedStore.Pinned<Long, Long> pinned = tree.pin()) {
                pinned.scan(null, true, null, true, false, 1000, before);
                // few writes: while a reader epoch is held a lane's limbo keeps at most 32 retired blocks
                for (long k = 0; k < 6; k += 2) {
                    tree.remove(k);
                    tree.put(k + 1000, k);
                }
                List<Map.Entry<Long, Long>> after = new ArrayList<>();
                pinned.scan(null, true, null, true, false, 1000, after);
                assertThat(after).isEqualTo(before);
                assertThat(pinned.size()).isEqualTo(500);
                assertThat(pinned.get(0L)).isEqualTo(0L);
                assertThat(tree.get(0L)).isNull();
                assertThatThrownBy(() -> pinned.put(1L, 1L)).isInstanceOf(UnsupportedOperationException.class);
            }
            assertThat(tree.size()).isEqualTo(500);
            for (long k = 0; k < 500; k += 2) {
                tree.remove(k);
            }
            assertThat(tree.size()).isEqualTo(253);
            assertThat(pool.check().isClean()).isTrue();
        }
    }
}

package io.regionpm.tree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.TempTrees;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a {@link PersistentAvlTree} refuses, and that a refusal changes nothing: other codecs,
 * strategy or type on reopen, a key codec that is not order-preserving, a key too long, a
 * closed pool; a large value goes out of line; a dropped tree is freed whole.
 */
class AvlRefusalTest {
    private Path dir;
    private Pool pool;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("avl-refusal");
        pool = Pool.open(dir.resolve("r.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
    }

    @AfterEach
    void tearDown() {
        pool.close();
        TempTrees.deleteTree(dir);
    }

    @Test
    void reopeningWithOtherCodecsStrategyOrTypeIsRefused() {
        PersistentAvlTree<Long, byte[]> tree = PersistentAvlTree.open(pool, "t", Codecs.LONG, Codecs.BYTES);
        tree.put(1L, new byte[] {1});
        assertThatThrownBy(() -> PersistentAvlTree.open(pool, "t", Codecs.INT, Codecs.BYTES))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PersistentAvlTree.open(pool, "t", Codecs.LONG, Codecs.STRING))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PersistentAvlTree.open(pool, "t", Codecs.LONG, Codecs.BYTES, UpdateStrategy.IN_PLACE))
                .isInstanceOf(IllegalStateException.class);
        pool.region("raw", 64);
        assertThatThrownBy(() -> PersistentAvlTree.open(pool, "raw", Codecs.LONG, Codecs.BYTES))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PersistentAvlTree.open(pool, "x", Codecs.LONG, Codecs.BYTES, UpdateStrategy.APPEND))
                .isInstanceOf(IllegalArgumentException.class);
        PersistentAvlTree<Long, byte[]> again = PersistentAvlTree.open(pool, "t", Codecs.LONG, Codecs.BYTES);
        assertThat(again.engine().strategy()).isEqualTo(UpdateStrategy.SHADOW);
        assertThat(again.get(1L)).containsExactly(1);
        assertThat(pool.check().isClean()).isTrue();
    }

    @Test
    void aKeyCodecThatIsNotOrderPreservingIsRefusedBeforeAnythingIsCreated() {
        assertThatThrownBy(() -> PersistentAvlTree.open(pool, "s", Codecs.STRING, Codecs.LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order-preserving");
        assertThat(pool.names()).doesNotContain("s");
    }

    @Test
    void aKeyTooLongIsRefusedAndNothingChanges() {
        OrderedStore<byte[], byte[]> tree = PersistentAvlTree.open(pool, "k", Codecs.BYTES, Codecs.BYTES).engine();
        tree.put(new byte[] {1}, new byte[] {1});
        assertThatThrownBy(() -> tree.put(new byte[20_000], new byte[] {2})).isInstanceOf(IllegalArgumentException.class);
        assertThat(tree.size()).isEqualTo(1);
        assertThat(tree.get(new byte[20_000])).isNull();
        assertThat(tree.remove(new byte[20_000])).isNull();
        assertThat(pool.check().isClean()).isTrue();
    }

    @Test
    void largeValuesGoOutOfLineAndComeBackWhole() {
        for (UpdateStrategy s : new UpdateStrategy[] {UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE}) {
            OrderedStore<Long, byte[]> tree = PersistentAvlTree.open(pool, "big-" + s, Codecs.LONG, Codecs.BYTES, s).engine();
            byte[] big = new byte[200_000];
            Arrays.fill(big, (byte) 7);
            tree.put(1L, big);
            tree.put(2L, new byte[] {2});
            assertThat(tree.get(1L)).isEqualTo(big);
            pool.transaction(() -> {
                byte[] bigger = new byte[300_000];
                tree.put(3L, bigger);
                assertThat(tree.get(3L)).isEqualTo(bigger);
                assertThat(tree.put(3L, new byte[] {3})).isEqualTo(bigger);
            });
            assertThat(tree.find(2L, Relation.LOWER).getValue()).isEqualTo(big);
            assertThat(tree.remove(1L)).isEqualTo(big);
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(report.toString()).isTrue();
            assertThat(report.reachableBlocks()).isEqualTo(report.allocatedBlocks());
        }
    }

    @Test
    void everyCallOnAClosedPoolThrowsPoolClosedException() {
        OrderedStore<Long, byte[]> tree = PersistentAvlTree.open(pool, "c", Codecs.LONG, Codecs.BYTES).engine();
        tree.put(1L, new byte[] {1});
        pool.close();
        assertThatThrownBy(() -> tree.get(1L)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> tree.put(2L, new byte[] {2})).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> tree.remove(1L)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> tree.find(1L, Relation.CEILING)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> tree.scan(null, true, null, true, false, 10, new ArrayList<>()))
                .isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(tree::size).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(tree::clear).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(tree::pin).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> PersistentAvlTree.open(pool, "c", Codecs.LONG, Codecs.BYTES))
                .isInstanceOf(PoolClosedException.class);
    }

    @Test
    void aDroppedTreeIsFreedWhole() {
        for (UpdateStrategy s : new UpdateStrategy[] {UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE}) {
            OrderedStore<Long, byte[]> tree = PersistentAvlTree.open(pool, "d", Codecs.LONG, Codecs.BYTES, s).engine();
            for (long k = 0; k < 3000; k++) {
                tree.put(k * 7 % 3001, k % 50 == 0 ? new byte[3000] : new byte[8]);
            }
            assertThat(pool.drop("d")).isTrue();
            assertThat(pool.names()).doesNotContain("d");
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(report.toString()).isTrue();
            assertThat(report.reachableBlocks()).isEqualTo(report.allocatedBlocks());
        }
    }
}

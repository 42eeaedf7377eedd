package io.regionpm.tree;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Readers that take no lock while a writer inserts and removes (rotating all the time): every
 * value a reader gets belongs to its key, every scan is strictly sorted in its direction and
 * within its bounds. A SHADOW pin sees one unchanging state while writes go on.
 */
class AvlLockFreeReadersTest {
    private static final int KEYS = 512;
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("avl-readers");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    private Pool open() {
        return Pool.open(dir.resolve("r.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
    }

    /** A value that names its key: the key repeated, 1 to 4 times (so sizes change between writes). */
    static byte[] valueOf(long key, int copies) {
        ByteBuffer b = ByteBuffer.allocate(8 * copies);
        for (int i = 0; i < copies; i++) {
            b.putLong(key);
        }
        return b.array();
    }

    static boolean belongsTo(byte[] value, long key) {
        if (value.length == 0 || value.length % 8 != 0) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        while (b.hasRemaining()) {
            if (b.getLong() != key) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void readersNeverSeeAWrongValueOrAnUnsortedScan(UpdateStrategy strategy) throws Exception {
        long seed = Seeds.seed("AvlLockFreeReadersTest." + strategy);
        long millis = Stress.scale(2_000, 20_000);
        try (Pool pool = open()) {
            OrderedStore<Long, byte[]> tree = PersistentAvlTree.open(pool, "t", Codecs.LONG, Codecs.BYTES, strategy).engine();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            Thread writer = new Thread(() -> {
                Random random = new Random(seed);
                try {
                    while (!stop.get()) {
                        long key = random.nextInt(KEYS);
                        if (random.nextInt(3) == 0) {
                            tree.remove(key);
                        } else {
                            tree.put(key, valueOf(key, 1 + random.nextInt(4)));
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            Thread reader = new Thread(() -> {
                Random random = new Random(~seed);
                try {
                    while (!stop.get()) {
                        read(tree, random);
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            writer.start();
            reader.start();
            Thread.sleep(millis);
            stop.set(true);
            writer.join();
            reader.join();
            assertThat(failure.get()).as("seed " + seed).isNull();
            assertThat(reads.get()).isPositive();
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    private static void read(OrderedStore<Long, byte[]> tree, Random random) {
        long key = random.nextInt(KEYS);
        switch (random.nextInt(3)) {
            case 0 -> {
                byte[] v = tree.get(key);
                assertThat(v == null || belongsTo(v, key)).as("get %d", key).isTrue();
            }
            case 1 -> {
                Relation r = Relation.values()[random.nextInt(Relation.values().length)];
                Map.Entry<Long, byte[]> e = tree.find(key, r);
                if (e != null) {
                    assertThat(belongsTo(e.getValue(), e.getKey())).as("find %s %d", r, key).isTrue();
                }
            }
            default -> {
                boolean desc = random.nextBoolean();
                List<Map.Entry<Long, byte[]>> out = new ArrayList<>();
                tree.scan(key, true, null, false, desc, 50, out);
                long previous = desc ? Long.MAX_VALUE : Long.MIN_VALUE;
                for (Map.Entry<Long, byte[]> e : out) {
                    long k = e.getKey();
                    assertThat(desc ? k < previous && k <= key : k > previous && k >= key).as("scan order at %d", k).isTrue();
                    assertThat(belongsTo(e.getValue(), k)).as("scan value of %d", k).isTrue();
                    previous = k;
                }
            }
        }
    }

    @Test
    void aShadowPinSeesOneStateWhileWritesGoOn() {
        try (Pool pool = open()) {
            OrderedStore<Long, byte[]> tree = PersistentAvlTree.open(pool, "p", Codecs.LONG, Codecs.BYTES).engine();
            for (long k = 0; k < 100; k++) {
                tree.put(k, valueOf(k, 1));
            }
            List<Map.Entry<Long, byte[]>> before = new ArrayList<>();
            tree.scan(null, true, null, true, false, 1000, before);
            OrderedStore.Pinned<Long, byte[]> pinned = tree.pin();
            // few writes while pinned: what they retire waits in the lane's limbo (32 entries) until the pin closes
            tree.put(1000L, valueOf(1000, 1));
            tree.remove(0L);
            tree.put(50L, valueOf(50, 3));
            List<Map.Entry<Long, byte[]>> seen = new ArrayList<>();
            pinned.scan(null, true, null, true, false, 1000, seen);
            assertThat(seen.stream().map(AvlModelTest::show).toList())
                    .isEqualTo(before.stream().map(AvlModelTest::show).toList());
            assertThat(pinned.size()).isEqualTo(100);
            assertThat(pinned.get(0L)).isEqualTo(valueOf(0, 1));
            assertThat(pinned.get(1000L)).isNull();
            assertThat(pinned.get(50L)).isEqualTo(valueOf(50, 1));
            assertThat(pinned.find(null, Relation.LOWER).getKey()).isEqualTo(99L);
            assertThat(tree.size()).isEqualTo(100);
            assertThat(tree.get(0L)).isNull();
            assertThat(tree.get(1000L)).isEqualTo(valueOf(1000, 1));
            assertThatThrownBy(() -> pinned.put(1L, valueOf(1, 1))).isInstanceOf(UnsupportedOperationException.class);
            pinned.close();
            pinned.close();
            assertThatThrownBy(() -> pinned.get(1L)).isInstanceOf(IllegalStateException.class);
            for (long k = 0; k < 500; k++) {
                tree.put(k, valueOf(k, 2));
            }
            assertThat(tree.size()).isEqualTo(501);
            assertThat(pool.check().isClean()).isTrue();
        }
    }

    @Test
    void inPlaceTreesCannotPin() {
        try (Pool pool = open()) {
            OrderedStore<Long, byte[]> tree = PersistentAvlTree.open(pool, "i", Codecs.LONG, Codecs.BYTES,
                    UpdateStrategy.IN_PLACE).engine();
            assertThatThrownBy(tree::pin).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}

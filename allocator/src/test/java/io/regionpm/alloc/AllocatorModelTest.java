package io.regionpm.alloc;

import java.nio.file.Path;
import java.util.Random;

import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random allocate and free of random sizes through two lanes (so frees cross lanes), checked
 * against an oracle of live blocks, with the pool closed and reopened between phases.
 */
class AllocatorModelTest {
    private static final long POOL = 32L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"SIMULATED", "FILE", "SHM"})
    void bitmapsEqualTheOracleAcrossReopens(BackendKind kind) {
        long seed = Seeds.seed("AllocatorModelTest." + kind);
        Random random = new Random(seed);
        int phases = Stress.scale(4, 20);
        int opsPerPhase = Stress.scale(kind == BackendKind.FILE ? 1500 : 5000, 50_000);
        LongLongHashMap oracle = new LongLongHashMap();
        MutableLongList order = new LongArrayList();
        try (PoolFixture pool = PoolFixture.create(kind, dir, PoolSpec.of(POOL).withLanes(4))) {
            for (int phase = 0; phase < phases; phase++) {
                try (LaneThreads lanes = new LaneThreads(pool.heap(), 2)) {
                    for (int op = 0; op < opsPerPhase; op++) {
                        step(pool, lanes, random, oracle, order);
                    }
                }
                pool.reopen();
                String context = "seed " + seed + " phase " + phase;
                HeapInvariants.assertAllocatedExactly(pool.heap(), oracle.keySet(), context);
                oracle.forEachKeyValue((block, size) -> assertStamp(pool.memory(), block, size, context));
            }
            freeEverything(pool, oracle);
            pool.reopen();
            HeapStats stats = pool.heap().stats();
            assertThat(stats.allocatedBlocks()).as("seed %d: all freed", seed).isZero();
            assertThat(stats.freeSuperblocks()).as("seed %d: every superblock back to FREE", seed)
                    .isEqualTo(stats.superblocks());
            assertThat(fillWithQuarterSuperblocks(pool.heap())).as("seed %d: the whole pool is usable again", seed)
                    .isEqualTo(stats.superblocks() * 4);
        }
    }

    private static void step(PoolFixture pool, LaneThreads lanes, Random random, LongLongHashMap oracle,
                             MutableLongList order) {
        int thread = random.nextInt(lanes.count());
        if (order.isEmpty() || random.nextInt(100) < 55) {
            long size = randomSize(random);
            try {
                long block = lanes.on(thread, lane -> lane.allocate(size, Lane.NO_SLOT));
                assertThat(oracle.containsKey(block)).as("block %d handed out twice", block).isFalse();
                assertThat(pool.heap().usableSize(block)).isGreaterThanOrEqualTo(size);
                stamp(pool.memory(), block, size);
                oracle.put(block, size);
                order.add(block);
            } catch (PoolFullException full) {
                freeRandom(lanes, thread, random, oracle, order);
            }
        } else {
            freeRandom(lanes, thread, random, oracle, order);
        }
    }

    private static void freeRandom(LaneThreads lanes, int thread, Random random, LongLongHashMap oracle,
                                   MutableLongList order) {
        if (order.isEmpty()) {
            return;
        }
        int index = random.nextInt(order.size());
        long block = order.get(index);
        order.set(index, order.getLast());
        order.removeAtIndex(order.size() - 1);
        oracle.remove(block);
        lanes.on(thread, lane -> {
            lane.freeBlock(block);
            return null;
        });
    }

    private static long randomSize(Random random) {
        int kind = random.nextInt(100);
        if (kind < 70) {
            return 1 + random.nextInt(256);
        }
        if (kind < 96) {
            return 257 + random.nextInt(16384 - 256);
        }
        return 16385 + random.nextInt(300_000);
    }

    private static void stamp(PersistentMemory pm, long block, long size) {
        long words = Math.max(1, size / 8);
        pm.setLong(block, ~block);
        pm.setLong(block + (words - 1) * 8, block * 31);
    }

    private static void assertStamp(PersistentMemory pm, long block, long size, String context) {
        long words = Math.max(1, size / 8);
        if (words > 1) {
            assertThat(pm.getLong(block + (words - 1) * 8)).as("%s: tail stamp of %d", context, block)
                    .isEqualTo(block * 31);
        }
        assertThat(pm.getLong(block)).as("%s: head stamp of %d", context, block)
                .isEqualTo(words > 1 ? ~block : block * 31);
    }

    /** Superblocks left owned (empty) by idle lanes are adopted when the pool looks full. */
    private static long fillWithQuarterSuperblocks(Heap heap) {
        long count = 0;
        try (Lane lane = heap.acquireLane()) {
            while (true) {
                lane.allocate(PoolGeometry.SUPERBLOCK_BYTES / 4, Lane.NO_SLOT);
                count++;
            }
        } catch (PoolFullException full) {
            return count;
        }
    }

    private static void freeEverything(PoolFixture pool, LongLongHashMap oracle) {
        try (Lane lane = pool.heap().acquireLane()) {
            oracle.keySet().forEach(lane::freeBlock);
        }
        oracle.clear();
    }
}

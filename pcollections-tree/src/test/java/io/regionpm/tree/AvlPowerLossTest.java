package io.regionpm.tree;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PoolHeader;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.core.Codecs;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.tree.internal.OrderedStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PersistentAvlTree} under simulated power loss, for SHADOW and IN_PLACE: a fixed script
 * (ascending inserts, each of which rotates at some level, inserts into the middle that take
 * double rotations, value updates of the same and other sizes and in and out of line, removes
 * of leaves and of nodes with two children that rebalance, a clear of 14 entries in one batch) is crashed at
 * every persistence point, each crash image keeping none, all, or random subsets of the
 * unflushed words. After recovery the tree holds every call that returned and the call in
 * flight wholly or not at all (seen by a full scan, size and gets); the pool checker is clean
 * (no leak; order, heights and balance verified); the tree takes one more insertion.
 */
class AvlPowerLossTest {
    private static final long POOL = 1L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int OUT_OF_LINE = 1500;

    /** One call on the tree and the same on the oracle. */
    record Op(String label, Function<OrderedStore<Long, byte[]>, Object> onTree,
              Function<TreeMap<Long, byte[]>, Object> onOracle) {
    }

    static List<Op> script() {
        List<Op> ops = new ArrayList<>();
        for (long k = 10; k <= 160; k += 10) {
            long key = k;
            byte[] v = bytes(8, (int) k);
            ops.add(new Op("insert " + key + " (ascending: rotates)", t -> t.put(key, v), m -> m.put(key, v)));
        }
        for (long k : new long[] {15, 13, 14, 155, 157, 156}) {
            byte[] v = bytes(k == 13 ? OUT_OF_LINE : 16, (int) k);
            ops.add(new Op("insert " + k + " (middle: double rotations)", t -> t.put(k, v), m -> m.put(k, v)));
        }
        byte[] same = bytes(8, 999);
        ops.add(new Op("update 40 same size", t -> t.put(40L, same), m -> m.put(40L, same)));
        byte[] other = bytes(40, 998);
        ops.add(new Op("update 50 other size", t -> t.put(50L, other), m -> m.put(50L, other)));
        byte[] big = bytes(OUT_OF_LINE + 100, 997);
        ops.add(new Op("update 60 to out of line", t -> t.put(60L, big), m -> m.put(60L, big)));
        byte[] small = bytes(8, 996);
        ops.add(new Op("update 13 out of line to inline", t -> t.put(13L, small), m -> m.put(13L, small)));
        for (long k : new long[] {10, 20, 30, 80, 160, 150, 999}) {
            ops.add(new Op("remove " + k + " (rebalances)", t -> t.remove(k), m -> m.remove(k)));
        }
        ops.add(new Op("remove 60 (out of line, two children)", t -> t.remove(60L), m -> m.remove(60L)));
        ops.add(new Op("remove 70 (an inner node)", t -> t.remove(70L), m -> m.remove(70L)));
        ops.add(new Op("clear", t -> {
            t.clear();
            return null;
        }, m -> {
            m.clear();
            return null;
        }));
        ops.add(new Op("insert after clear", t -> t.put(5L, bytes(8, 5)), m -> m.put(5L, bytes(8, 5))));
        return ops;
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void everyReturnedCallSurvivesAndTheOneInFlightIsWholeOrAbsent(UpdateStrategy strategy) {
        String name = "AvlPowerLossTest." + strategy;
        long seed = Seeds.seed(name);
        int randomImages = Stress.scale(2, 12);
        List<Op> ops = script();
        List<Map<Long, String>> history = new ArrayList<>();
        long[] endOfOp = new long[ops.size()];
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            Pool pool = fresh(sim);
            OrderedStore<Long, byte[]> tree = open(pool, strategy);
            long before = sim.persistencePoints();
            TreeMap<Long, byte[]> oracle = new TreeMap<>();
            history.add(render(oracle));
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                Object expected = op.onOracle().apply(oracle);
                assertThat(AvlModelTest.show(op.onTree().apply(tree))).as("op %d %s", i, op.label())
                        .isEqualTo(AvlModelTest.show(expected));
                history.add(render(oracle));
                endOfOp[i] = sim.persistencePoints() - before;
            }
            pool.close();
        }
        long total = endOfOp[ops.size() - 1];
        int images = 0;
        int op = 0;
        for (long point = 1; point <= total; point++) {
            while (endOfOp[op] < point) {
                op++;
            }
            images += crashAt(strategy, point, seed, randomImages, history,
                    "seed " + seed + ", point " + point + "/" + total + " (in op " + op + " " + ops.get(op).label() + ")");
        }
        System.out.println(name + ": " + ops.size() + " calls, " + total + " persistence points, " + images
                + " crash images verified");
        assertThat(images).isGreaterThanOrEqualTo((int) total * 2);
    }

    private static int crashAt(UpdateStrategy strategy, long point, long seed, int randomImages,
                               List<Map<Long, String>> history, String where) {
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            Pool pool = fresh(sim);
            OrderedStore<Long, byte[]> tree = open(pool, strategy);
            sim.crashAtPoint(sim.persistencePoints() + point);
            int returned = 0;
            try {
                for (Op op : script()) {
                    op.onTree().apply(tree);
                    returned++;
                }
            } catch (SimulatedPowerLoss expected) {
                // stopped here
            }
            assertThat(sim.crashed()).as(where).isTrue();
            List<SimulatedMemory> crashImages = new ArrayList<>(List.of(sim.crashImageDurableOnly(), sim.crashImageEverything()));
            Random random = new Random(seed ^ point * 0x9E37_79B9L);
            for (int i = 0; i < randomImages; i++) {
                crashImages.add(sim.crashImage(random));
            }
            List<Map<Long, String>> allowed = history.subList(returned, Math.min(history.size(), returned + 2));
            for (int i = 0; i < crashImages.size(); i++) {
                try (SimulatedMemory image = crashImages.get(i)) {
                    verify(strategy, image, allowed, where + ", image " + i);
                }
            }
            return crashImages.size();
        }
    }

    private static void verify(UpdateStrategy strategy, SimulatedMemory image, List<Map<Long, String>> allowed,
                               String where) {
        try (Pool pool = Pool.attach(image.memory(), "image", TIMEOUT)) {
            OrderedStore<Long, byte[]> tree = open(pool, strategy);
            List<Map.Entry<Long, byte[]>> all = new ArrayList<>();
            tree.scan(null, true, null, true, false, 1000, all);
            Map<Long, String> seen = new TreeMap<>();
            all.forEach(e -> seen.put(e.getKey(), AvlModelTest.show(e.getValue())));
            assertThat(seen.size()).as(where + ": keys in ascending order, once each").isEqualTo(all.size());
            assertThat(allowed).as(where + ": the state after the last returned call, or after the one in flight").contains(seen);
            assertThat(tree.size()).as(where + ": size()").isEqualTo(seen.size());
            for (long key = 0; key <= 170; key++) {
                assertThat(AvlModelTest.show(tree.get(key))).as(where + ": get " + key).isEqualTo(seen.get(key));
            }
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(where + ": " + report).isTrue();
            assertThat(report.reachableBlocks()).as(where + ": reachable blocks").isEqualTo(report.allocatedBlocks());
            byte[] value = bytes(16, 4242);
            tree.put(-1L, value);
            assertThat(tree.get(-1L)).as(where + ": a put after recovery").isEqualTo(value);
            assertThat(tree.size()).as(where + ": size after a put after recovery").isEqualTo(seen.size() + 1);
        }
    }

    private static OrderedStore<Long, byte[]> open(Pool pool, UpdateStrategy strategy) {
        return PersistentAvlTree.open(pool, "avl", Codecs.LONG, Codecs.BYTES, strategy).engine();
    }

    private static Pool fresh(SimulatedMemory sim) {
        PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(2).withLaneLogBytes(16384), UUID.randomUUID(), 0);
        return Pool.attach(sim.memory(), "simulated", TIMEOUT);
    }

    private static Map<Long, String> render(Map<Long, byte[]> map) {
        Map<Long, String> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, AvlModelTest.show(v)));
        return out;
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}

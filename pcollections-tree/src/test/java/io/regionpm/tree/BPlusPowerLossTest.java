package io.regionpm.tree;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
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
 * {@link PersistentBPlusTree} under simulated power loss, for SHADOW and IN_PLACE: a script of
 * inserts (30-byte keys in 256-byte nodes: four entries a node, so leaves and inner nodes split
 * every few inserts and the tree grows to three levels), updates moving values in and out of
 * line, deletes that merge and redistribute nodes until the tree shrinks, and a clear, is
 * crashed at every persistence point (the seed is printed), each crash image keeping none,
 * all or random subsets (one by default, eight in the stress profile) of the unflushed words. After recovery the tree holds the state after the last call that returned or after
 * the one in flight (by a full scan, size and gets), the checker is clean with no leak, and
 * the tree takes another insertion.
 */
class BPlusPowerLossTest {
    private static final long POOL = 1L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    record Op(String label, Function<OrderedStore<String, byte[]>, Object> call) {
    }

    static String key(int i) {
        return String.format("key-%026d", i);
    }

    static List<Op> script() {
        List<Op> ops = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        for (int i : order) {
            byte[] v = i % 9 == 0 ? new byte[40] : new byte[1 + i % 7];
            v[0] = (byte) i;
            ops.add(new Op("put " + i, t -> t.put(key(i), v)));
        }
        ops.add(new Op("update 3 out of line", t -> t.put(key(3), new byte[50])));
        ops.add(new Op("update 9 inline", t -> t.put(key(9), new byte[] {9, 9})));
        ops.add(new Op("update 4 same size", t -> t.put(key(4), new byte[] {4, 4, 4, 4, 4})));
        Collections.shuffle(order, new Random(11));
        for (int i : order.subList(0, 34)) {
            ops.add(new Op("remove " + i, t -> t.remove(key(i))));
        }
        ops.add(new Op("remove absent", t -> t.remove(key(1000))));
        ops.add(new Op("put 100", t -> t.put(key(100), new byte[] {1})));
        ops.add(new Op("clear", t -> {
            t.clear();
            return null;
        }));
        ops.add(new Op("put 101", t -> t.put(key(101), new byte[] {2})));
        return ops;
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void everyReturnedCallSurvivesAndTheOneInFlightIsWholeOrAbsent(UpdateStrategy strategy) {
        String name = "BPlusPowerLossTest." + strategy;
        long seed = Seeds.seed(name);
        List<Op> ops = script();
        List<Map<String, String>> history = new ArrayList<>();
        long[] endOfOp = new long[ops.size()];
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            Pool pool = fresh(sim);
            OrderedStore<String, byte[]> tree = open(pool, strategy);
            long before = sim.persistencePoints();
            history.add(render(tree));
            for (int i = 0; i < ops.size(); i++) {
                ops.get(i).call().apply(tree);
                history.add(render(tree));
                endOfOp[i] = sim.persistencePoints() - before;
            }
            pool.close();
        }
        long total = endOfOp[ops.size() - 1];
        int images = 0;
        int points = 0;
        int op = 0;
        for (long point = 1; point <= total; point++) {
            while (endOfOp[op] < point) {
                op++;
            }
            points++;
            images += crashAt(strategy, point, seed, history,
                    "seed " + seed + ", point " + point + "/" + total + " (in op " + op + " " + ops.get(op).label() + ")");
        }
        System.out.println(name + ": " + ops.size() + " calls, " + total + " persistence points, " + points
                + " crashed, " + images + " crash images verified");
        assertThat(images).isGreaterThan(500);
    }

    private static OrderedStore<String, byte[]> open(Pool pool, UpdateStrategy strategy) {
        return PersistentBPlusTree.open(pool, "t", Codecs.STRING_ORDERED, Codecs.BYTES, strategy, 256).engine();
    }

    private static int crashAt(UpdateStrategy strategy, long point, long seed, List<Map<String, String>> history,
                               String where) {
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            Pool pool = fresh(sim);
            OrderedStore<String, byte[]> tree = open(pool, strategy);
            sim.crashAtPoint(sim.persistencePoints() + point);
            int returned = 0;
            try {
                for (Op op : script()) {
                    op.call().apply(tree);
                    returned++;
                }
            } catch (SimulatedPowerLoss expected) {
                // stopped here
            }
            assertThat(sim.crashed()).as(where).isTrue();
            List<SimulatedMemory> crashImages = new ArrayList<>(List.of(sim.crashImageDurableOnly(), sim.crashImageEverything()));
            Random random = new Random(seed ^ point * 0x9E37_79B9L);
            for (int i = 0; i < Stress.scale(1, 8); i++) {
                crashImages.add(sim.crashImage(random));
            }
            List<Map<String, String>> allowed = history.subList(returned, Math.min(history.size(), returned + 2));
            for (int i = 0; i < crashImages.size(); i++) {
                try (SimulatedMemory image = crashImages.get(i)) {
                    verify(strategy, image, allowed, where + ", image " + i);
                }
            }
            return crashImages.size();
        }
    }

    private static void verify(UpdateStrategy strategy, SimulatedMemory image, List<Map<String, String>> allowed,
                               String where) {
        try (Pool pool = Pool.attach(image.memory(), "image", TIMEOUT)) {
            OrderedStore<String, byte[]> tree = open(pool, strategy);
            Map<String, String> seen = render(tree);
            assertThat(allowed).as(where + ": the state after the last returned call, or after the one in flight").contains(seen);
            assertThat(tree.size()).as(where + ": size()").isEqualTo(seen.size());
            seen.forEach((k, v) -> assertThat(show(tree.get(k))).as(where + ": get " + k).isEqualTo(v));
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(where + ": " + report).isTrue();
            assertThat(report.reachableBlocks()).as(where + ": reachable blocks").isEqualTo(report.allocatedBlocks());
            tree.put(key(5000), new byte[] {5});
            assertThat(tree.get(key(5000))).as(where + ": a put after recovery").containsExactly(5);
            assertThat(tree.size()).as(where + ": size after a put after recovery").isEqualTo(seen.size() + 1);
        }
    }

    private static Pool fresh(SimulatedMemory sim) {
        PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(2).withLaneLogBytes(16384), UUID.randomUUID(), 0);
        return Pool.attach(sim.memory(), "simulated", TIMEOUT);
    }

    static Map<String, String> render(OrderedStore<String, byte[]> tree) {
        List<Map.Entry<String, byte[]>> all = new ArrayList<>();
        tree.scan(null, true, null, true, false, Integer.MAX_VALUE, all);
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : all) {
            assertThat(out.put(e.getKey(), show(e.getValue()))).as("scanned twice: " + e.getKey()).isNull();
        }
        assertThat(new ArrayList<>(out.keySet())).as("scan order").isEqualTo(all.stream().map(Map.Entry::getKey).toList());
        return out;
    }

    static String show(byte[] value) {
        return value == null ? null : value.length + ":" + HexFormat.of().formatHex(value);
    }
}

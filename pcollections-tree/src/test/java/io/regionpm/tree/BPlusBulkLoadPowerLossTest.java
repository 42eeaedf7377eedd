package io.regionpm.tree;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PersistentBPlusTree#bulkLoad} under simulated power loss, for SHADOW and IN_PLACE: a
 * load of 3000 entries (30-byte keys, values of 1 to 7 bytes and some out of line, in 256-byte
 * nodes: hundreds of leaves, several batches, a staging tree of four levels and its right
 * spine fixed at the end) is crashed at every persistence point (sampled outside the stress
 * profile, but always the last 24, which cover the publishing commit; the seed is printed),
 * each crash image keeping none, all or random subsets of the
 * unflushed words. After recovery, before the tree is opened, the checker is clean and finds
 * every allocated block reachable (a crashed load's staging tree counts as reachable, never
 * as a leak); opening the tree read-write frees a crashed load's staging tree, after which the
 * tree is empty or completely loaded (never partial), the checker is still clean with no
 * leak, and an empty tree takes the same load again (for the first image of each point).
 */
class BPlusBulkLoadPowerLossTest {
    private static final long POOL = 4L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int ENTRIES = 3000;

    static Map<String, byte[]> input() {
        Map<String, byte[]> m = new TreeMap<>();
        for (int i = 0; i < ENTRIES; i++) {
            byte[] v = i % 97 == 0 ? new byte[80] : new byte[1 + i % 7];
            v[0] = (byte) i;
            m.put(BPlusPowerLossTest.key(i), v);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(value = UpdateStrategy.class, names = {"SHADOW", "IN_PLACE"})
    void aCrashedLoadLeavesTheTreeEmptyOrCompleteAndNothingLeaks(UpdateStrategy strategy) {
        String name = "BPlusBulkLoadPowerLossTest." + strategy;
        long seed = Seeds.seed(name);
        Random sampler = new Random(seed);
        Map<String, byte[]> input = input();
        Map<String, String> full = render(input);
        long total;
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            Pool pool = fresh(sim);
            PersistentBPlusTree<String, byte[]> tree = open(pool, strategy);
            long before = sim.persistencePoints();
            tree.bulkLoad(input.entrySet().iterator());
            total = sim.persistencePoints() - before;
            assertThat(BPlusPowerLossTest.render(tree.engine())).isEqualTo(full);
            pool.close();
        }
        double rate = Stress.enabled() ? 1.0 : Math.min(1.0, 60.0 / total);
        long tail = total - 24;
        int points = 0;
        int images = 0;
        int complete = 0;
        for (long point = 1; point <= total; point++) {
            if (sampler.nextDouble() >= rate && point <= tail) {
                continue;
            }
            points++;
            String where = "seed " + seed + ", point " + point + "/" + total;
            try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
                Pool pool = fresh(sim);
                PersistentBPlusTree<String, byte[]> tree = open(pool, strategy);
                sim.crashAtPoint(sim.persistencePoints() + point);
                try {
                    tree.bulkLoad(input.entrySet().iterator());
                } catch (SimulatedPowerLoss expected) {
                    // stopped here
                }
                assertThat(sim.crashed()).as(where).isTrue();
                Random random = new Random(seed ^ point * 0x9E37_79B9L);
                SimulatedMemory[] crashImages = {sim.crashImageDurableOnly(), sim.crashImageEverything(), sim.crashImage(random),
                        sim.crashImage(random)};
                for (int i = 0; i < crashImages.length; i++) {
                    try (SimulatedMemory image = crashImages[i]) {
                        complete += verify(strategy, image, input, full, i == 0, where + ", image " + i) ? 1 : 0;
                    }
                    images++;
                }
            }
        }
        System.out.println(name + ": " + total + " persistence points, " + points + " crashed, " + images
                + " crash images verified (" + complete + " complete, " + (images - complete) + " empty)");
        assertThat(images).isGreaterThan(200);
        assertThat(complete).as("crashes after the publishing commit").isPositive();
    }

    /** @return whether the recovered tree was complete (else it was empty) */
    private static boolean verify(UpdateStrategy strategy, SimulatedMemory image, Map<String, byte[]> input,
                                  Map<String, String> full, boolean loadAgain, String where) {
        try (Pool pool = Pool.attach(image.memory(), "image", TIMEOUT)) {
            CheckReport report = pool.check();
            assertThat(report.isClean()).as(where + ": before opening: " + report).isTrue();
            assertThat(report.reachableBlocks()).as(where + ": before opening, reachable blocks (staging included)")
                    .isEqualTo(report.allocatedBlocks());
            PersistentBPlusTree<String, byte[]> tree = open(pool, strategy);
            Map<String, String> seen = BPlusPowerLossTest.render(tree.engine());
            assertThat(seen.isEmpty() || seen.equals(full)).as(where + ": empty or complete, not " + seen.size()
                    + " entries").isTrue();
            assertThat(tree.engine().size()).as(where + ": size()").isEqualTo(seen.size());
            report = pool.check();
            assertThat(report.isClean()).as(where + ": after opening: " + report).isTrue();
            assertThat(report.reachableBlocks()).as(where + ": after opening, reachable blocks")
                    .isEqualTo(report.allocatedBlocks());
            if (seen.isEmpty()) {
                assertThat(report.allocatedBlocks()).as(where + ": the staging tree is freed on opening")
                        .isEqualTo(emptyTreeBlocks(strategy));
                if (loadAgain) {
                    tree.bulkLoad(input.entrySet().iterator());
                    assertThat(BPlusPowerLossTest.render(tree.engine())).as(where + ": loaded again").isEqualTo(full);
                    assertThat(pool.check().isClean()).as(where + ": after loading again").isTrue();
                }
                return false;
            }
            return true;
        }
    }

    private static long emptyBlocks = -1;

    /** @return the blocks a pool with one empty tree holds */
    private static synchronized long emptyTreeBlocks(UpdateStrategy strategy) {
        if (emptyBlocks < 0) {
            try (SimulatedMemory sim = SimulatedMemory.create(POOL); Pool pool = fresh(sim)) {
                open(pool, strategy);
                emptyBlocks = pool.check().allocatedBlocks();
            }
        }
        return emptyBlocks;
    }

    private static PersistentBPlusTree<String, byte[]> open(Pool pool, UpdateStrategy strategy) {
        return PersistentBPlusTree.open(pool, "t", Codecs.STRING_ORDERED, Codecs.BYTES, strategy, 256);
    }

    private static Pool fresh(SimulatedMemory sim) {
        PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(2).withLaneLogBytes(65536), UUID.randomUUID(), 0);
        return Pool.attach(sim.memory(), "simulated", TIMEOUT);
    }

    private static Map<String, String> render(Map<String, byte[]> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, BPlusPowerLossTest.show(v)));
        return out;
    }
}

package io.regionpm.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.junit.jupiter.api.Test;

import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Power loss at every flush and drain of a script that allocates, publishes, cancels and
 * frees small and large blocks through two lanes (remote frees, rescans, superblock claims
 * and releases included). Every crash image, recovered, holds exactly the blocks its slots
 * refer to: nothing is both free and referenced, nothing is leaked, and the whole pool can
 * be allocated again.
 */
class AllocatorPowerLossTest {
    private static final long POOL = 4L << 20;
    private static final int SLOTS = 1024;

    @Test
    void everyPersistencePointRecoversWithoutLeakOrDoubleUse() {
        long seed = Seeds.seed("AllocatorPowerLossTest");
        int randomImages = Stress.scale(3, 30);
        long total = cleanRunPoints();
        assertThat(total).as("the script has persistence points").isGreaterThan(100);
        int images = 0;
        for (long point = 1; point <= total; point++) {
            Setup s = new Setup();
            s.sim.crashAtPoint(s.sim.persistencePoints() + point);
            try {
                script(s.heap, s.root);
                fail("no power loss at point " + point + " of " + total);
            } catch (SimulatedPowerLoss expected) {
                // the script stopped at this point
            }
            List<SimulatedMemory> crashImages = new ArrayList<>();
            crashImages.add(s.sim.crashImageDurableOnly());
            crashImages.add(s.sim.crashImageEverything());
            Random random = new Random(seed ^ point);
            for (int i = 0; i < randomImages; i++) {
                crashImages.add(s.sim.crashImage(random));
            }
            for (int i = 0; i < crashImages.size(); i++) {
                try (SimulatedMemory image = crashImages.get(i)) {
                    verify(image, s.root, i < 2, "seed " + seed + ", point " + point + "/" + total + ", image " + i);
                }
                images++;
            }
            s.sim.close();
        }
        System.out.println("AllocatorPowerLossTest: " + total + " points, " + images + " crash images verified");
    }

    private static long cleanRunPoints() {
        Setup s = new Setup();
        long before = s.sim.persistencePoints();
        script(s.heap, s.root);
        long points = s.sim.persistencePoints() - before;
        Heap reopened = Heap.attach(s.sim.memory(), "clean");
        MutableLongSet expected = referenced(s.sim.memory(), s.root);
        HeapInvariants.assertAllocatedExactly(reopened, expected, "clean run");
        s.sim.close();
        return points;
    }

    /** A fresh simulated pool with a root block of slots, allocated before the crash window. */
    private static final class Setup {
        final SimulatedMemory sim = SimulatedMemory.create(POOL);
        final Heap heap;
        final long root;

        Setup() {
            PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(4), UUID.randomUUID(), 0);
            heap = Heap.attach(sim.memory(), "simulated");
            try (Lane lane = heap.acquireLane()) {
                root = lane.allocate(8L * SLOTS, Lane.NO_SLOT);
            }
        }
    }

    private static long slot(long root, int i) {
        return root + 8L * i;
    }

    /** The operations under test. Lane a and lane b are held by this thread at once. */
    static void script(Heap heap, long root) {
        Lane a = heap.acquireLane();
        Lane b = heap.acquireLane();
        a.allocate(24, slot(root, 0));
        a.allocate(24, slot(root, 1));
        a.allocate(3000, slot(root, 2));
        a.allocate(100_000, slot(root, 3));
        a.allocate(20_000, slot(root, 4));
        b.free(slot(root, 1));
        b.free(slot(root, 3));
        b.allocate(24, slot(root, 5));
        b.allocate(200_000, slot(root, 6));
        long reserved = a.reserve(64);
        a.cancel(reserved);
        long large = a.reserve(70_000);
        a.cancel(large);
        for (int i = 10; i < 14; i++) {
            a.allocate(16_384, slot(root, i));
        }
        b.free(slot(root, 11));
        a.allocate(16_384, slot(root, 14));
        a.free(slot(root, 0));
        a.allocate(24, slot(root, 8));
        b.free(slot(root, 5));
        b.free(slot(root, 6));
        a.free(slot(root, 2));
        a.close();
        b.close();
        heap.close();
    }

    private static MutableLongSet referenced(PersistentMemory pm, long root) {
        MutableLongSet expected = new LongHashSet();
        expected.add(root);
        for (int i = 0; i < SLOTS; i++) {
            long v = pm.getLong(slot(root, i));
            if (v != 0) {
                expected.add(v);
            }
        }
        return expected;
    }

    private static void verify(SimulatedMemory image, long root, boolean refill, String context) {
        Heap heap = Heap.attach(image.memory(), "crash image");
        heap.recoverDeadLanes();
        MutableLongSet expected = referenced(image.memory(), root);
        HeapInvariants.assertAllocatedExactly(heap, expected, context);
        try (Lane lane = heap.acquireLane()) {
            for (int i = 0; i < SLOTS; i++) {
                if (image.memory().getLong(slot(root, i)) != 0) {
                    lane.free(slot(root, i));
                }
            }
            if (refill) {
                assertWholePoolAllocatable(heap, lane, context);
            }
        }
        heap.close();
    }

    /** Only the root's superblock may be unavailable once everything else is freed. */
    private static void assertWholePoolAllocatable(Heap heap, Lane lane, String context) {
        long superblocks = heap.descriptor().geometry().superblockCount();
        long got = 0;
        try {
            while (true) {
                lane.allocate(PoolGeometry.SUPERBLOCK_BYTES / 4, Lane.NO_SLOT);
                got++;
            }
        } catch (PoolFullException full) {
            assertThat(got).as("%s: 16 KiB blocks allocatable after recovery", context)
                    .isGreaterThanOrEqualTo((superblocks - 1) * 4);
        }
    }
}

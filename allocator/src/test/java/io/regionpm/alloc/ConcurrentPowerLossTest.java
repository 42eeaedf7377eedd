package io.regionpm.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.junit.jupiter.api.Test;

import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss while three threads, each on its own lane, allocate into and free from shared
 * slots: frees cross lanes, freed blocks are reused by their owner, superblocks are claimed
 * and released, all at once. This is where the intent fence matters (a block freed by one
 * lane is not reused by another while the free can still be replayed). Every recovered
 * image holds exactly the blocks its slots refer to.
 */
class ConcurrentPowerLossTest {
    private static final long POOL = 8L << 20;
    private static final int SLOTS = 512;
    private static final int THREADS = 3;

    @Test
    void crashesDuringConcurrentCrossLaneTrafficLeaveNoLeakAndNoDoubleUse() throws Exception {
        long seed = Seeds.seed("ConcurrentPowerLossTest");
        Random random = new Random(seed);
        int trials = Stress.scale(40, 1000);
        int crashes = 0;
        for (int trial = 0; trial < trials; trial++) {
            long crashPoint = 200 + random.nextInt(6000);
            crashes += runTrial(seed, trial, crashPoint, random.nextLong()) ? 1 : 0;
        }
        assertThat(crashes).as("most trials crash before their operation budget ends").isGreaterThan(trials / 2);
    }

    private static boolean runTrial(long seed, int trial, long crashPoint, long threadSeed) throws Exception {
        try (SimulatedMemory sim = SimulatedMemory.create(POOL)) {
            PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(8), UUID.randomUUID(), 0);
            Heap heap = Heap.attach(sim.memory(), "simulated");
            long root;
            try (Lane lane = heap.acquireLane()) {
                root = lane.allocate(8L * SLOTS, Lane.NO_SLOT);
            }
            sim.crashAtPoint(sim.persistencePoints() + crashPoint);
            runThreads(heap, root, threadSeed);
            String context = "seed " + seed + ", trial " + trial + ", crash point " + crashPoint;
            if (!sim.crashed()) {
                HeapInvariants.assertAllocatedExactly(heap, referenced(sim.memory(), root), context + " (no crash)");
                return false;
            }
            List<SimulatedMemory> images = new ArrayList<>(List.of(sim.crashImageDurableOnly(), sim.crashImageEverything()));
            Random random = new Random(threadSeed);
            for (int i = 0; i < 3; i++) {
                images.add(sim.crashImage(random));
            }
            for (int i = 0; i < images.size(); i++) {
                try (SimulatedMemory image = images.get(i)) {
                    Heap recovered = Heap.attach(image.memory(), "crash image");
                    recovered.recoverDeadLanes();
                    HeapInvariants.assertAllocatedExactly(recovered, referenced(image.memory(), root),
                            context + ", image " + i);
                    recovered.close();
                }
            }
            return true;
        }
    }

    private static void runThreads(Heap heap, long root, long threadSeed) throws InterruptedException {
        AtomicIntegerArray locks = new AtomicIntegerArray(SLOTS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(threadSeed + t);
            threads.add(new Thread(() -> {
                try (Lane lane = heap.acquireLane()) {
                    for (int op = 0; op < 4000; op++) {
                        step(heap.memory(), lane, root, locks, random);
                    }
                } catch (SimulatedPowerLoss stopped) {
                    // this thread stops where the power failed (the lane stays held, as in a crash)
                } catch (Throwable t2) {
                    failure.compareAndSet(null, t2);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
    }

    private static void step(PersistentMemory pm, Lane lane, long root, AtomicIntegerArray locks, Random random) {
        int i = random.nextInt(SLOTS);
        if (!locks.compareAndSet(i, 0, 1)) {
            return;
        }
        long slot = root + 8L * i;
        if (pm.getLongAcquire(slot) == 0) {
            try {
                lane.allocate(random.nextInt(10) == 0 ? 16_384 : 16 + random.nextInt(200), slot);
            } catch (PoolFullException full) {
                // fine: the next frees make room
            }
        } else {
            lane.free(slot);
        }
        locks.set(i, 0);
    }

    private static MutableLongSet referenced(PersistentMemory pm, long root) {
        MutableLongSet expected = new LongHashSet();
        expected.add(root);
        for (int i = 0; i < SLOTS; i++) {
            long v = pm.getLong(root + 8L * i);
            if (v != 0) {
                expected.add(v);
            }
        }
        return expected;
    }
}

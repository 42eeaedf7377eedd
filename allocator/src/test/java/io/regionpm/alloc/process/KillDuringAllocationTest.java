package io.regionpm.alloc.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.Heap;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM allocates and frees stamped blocks on a shared pool until it is killed with
 * SIGKILL at a random instant; then this JVM recovers the dead lane and checks the pool.
 * Repeated on the same pool, each child continuing (and first re-verifying) what the
 * previous one left.
 *
 * <p>Recovery alternates between a heap this JVM keeps open for the whole test and a heap
 * on a fresh mapping; both are checked every time. Before recovery, at most one block may
 * differ between the bitmaps and the slots: the dead child's operation in flight.
 */
class KillDuringAllocationTest {
    private static final long POOL_BYTES = 64L << 20;
    private static final int OWNER = 7;
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path pool;

    @AfterEach
    void deleteShmPool() throws IOException {
        PoolPaths.deleteShm(pool);
    }

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"FILE", "SHM"})
    void killedAllocatorsLeaveNothingLeakedNothingSharedAndEveryStampIntact(BackendKind kind) {
        long seed = Seeds.seed("KillDuringAllocationTest." + kind);
        Random random = new Random(seed);
        int iterations = Stress.scale(20, 200);
        pool = PoolPaths.of(kind, dir, "kill");
        int redone = 0;
        int changed = 0;
        int inFlightSeen = 0;
        try (PoolFile kept = PoolFile.create(pool, PoolSpec.of(POOL_BYTES))) {
            Heap keptHeap = Heap.attach(kept);
            SlotArrays arrays = SlotArrays.allocate(keptHeap, OWNER);
            assertThat(kept.memory().backendKind()).isEqualTo(kind);
            MutableLongSet previous = arrays.referenced(kept.memory(), "start");
            for (int it = 0; it < iterations; it++) {
                String context = "seed " + seed + " " + kind + " iteration " + it;
                killOneChild(arrays, previous.size() - 1, random, it, context);

                int inFlight = arrays.discrepancy(keptHeap, context);
                assertThat(inFlight).as("%s: blocks differing between bitmaps and slots before recovery", context)
                        .isLessThanOrEqualTo(1);
                inFlightSeen += inFlight;
                try (PoolFile fresh = PoolFile.open(pool)) {
                    Heap freshHeap = Heap.attach(fresh);
                    Heap recoverer = it % 2 == 0 ? keptHeap : freshHeap;
                    redone += recoverer.recoverDeadLanes();
                    arrays.assertConsistent(freshHeap, context + " (fresh mapping)");
                    arrays.assertConsistent(keptHeap, context + " (heap kept open)");
                    freshHeap.close();
                }
                MutableLongSet after = arrays.referenced(kept.memory(), context);
                changed += after.equals(previous) ? 0 : 1;
                previous = after;
            }
            System.out.println("KillDuringAllocationTest " + kind + ": " + iterations + " kills, " + redone
                    + " intents redone, " + inFlightSeen + " in-flight blocks seen before recovery, state changed in "
                    + changed + " iterations; " + keptHeap.stats());
            assertThat(changed).as("seed %d: the children allocated and freed", seed).isGreaterThan(iterations / 2);
            keptHeap.close();
        }
    }

    private void killOneChild(SlotArrays arrays, int fullSlots, Random random, int iteration, String context) {
        try (ChildJvm child = ChildJvm.start(SlotChild.class, pool.toString(), Integer.toString(OWNER),
                Long.toString(arrays.offset(0)), Integer.toString(SlotArrays.SLOTS), "-1",
                Long.toString(random.nextLong()), SlotWorker.Publication.STAMP_BEFORE_PUBLISH.name(),
                Long.toString((long) iteration << 28), "now")) {
            assertThat(child.awaitLine("VERIFIED", START)).as("%s: the child verified every full slot first", context)
                    .isEqualTo("VERIFIED " + fullSlots);
            child.awaitLine("RUNNING", START);
            // Not a synchronisation: the point is a kill at a random instant of the child's
            // allocate/free loop, which only needs to have started (RUNNING) and still run.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(50, 401)));
            assertThat(child.isAlive()).as("%s: child still running before the kill; output:%n%s", context,
                    child.output()).isTrue();
            child.killHard();
            assertThat(child.output()).as("%s: child output", context).doesNotContain("FAILED");
        }
    }
}

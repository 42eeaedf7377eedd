package io.regionpm.alloc.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.Heap;
import io.regionpm.alloc.HeapStats;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two JVMs allocate and free at the same time on one pool, each through its own lane and
 * into its own slot array, stamping every block with (child, slot, sequence). Afterwards the
 * reopened pool must hold exactly the slot arrays and the blocks their slots point at, with
 * no overlap and every stamp intact: nothing leaked, nothing handed out twice, no block
 * written over by the other process.
 */
class TwoProcessAllocationTest {
    private static final long POOL_BYTES = 64L << 20;
    private static final int[] CHILDREN = {1, 2};
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    private Path pool;

    @AfterEach
    void deleteShmPool() throws IOException {
        PoolPaths.deleteShm(pool);
    }

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"FILE", "SHM"})
    void concurrentChildrenLeaveExactlyTheirStampedBlocksAllocated(BackendKind kind) throws IOException {
        long seed = Seeds.seed("TwoProcessAllocationTest." + kind);
        int ops = Stress.scale(kind == BackendKind.FILE ? 3_000 : 20_000, 60_000);
        pool = PoolPaths.of(kind, dir, "two-process");
        SlotArrays arrays;
        try (PoolFile file = PoolFile.create(pool, PoolSpec.of(POOL_BYTES))) {
            assertThat(file.memory().backendKind()).isEqualTo(kind);
            Heap heap = Heap.attach(file);
            arrays = SlotArrays.allocate(heap, CHILDREN);
            heap.close();
        }

        try (ChildJvm first = start(arrays, 0, ops, seed); ChildJvm second = start(arrays, 1, ops, seed)) {
            first.awaitLine("READY", START);
            second.awaitLine("READY", START);
            first.send("GO");
            second.send("GO");
            String firstLane = first.awaitLine("RUNNING", START);
            String secondLane = second.awaitLine("RUNNING", START);
            assertThat(firstLane).as("the children hold different lanes").isNotEqualTo(secondLane);
            for (ChildJvm child : new ChildJvm[] {first, second}) {
                String done = child.awaitLine("DONE", RUN);
                assertThat(done).as("child %d", child.pid()).startsWith("DONE " + ops + " ");
                assertThat(child.awaitExit(START)).as("exit code of child %d; output:%n%s", child.pid(),
                        child.output()).isZero();
                System.out.println("child " + child.pid() + ": " + done);
            }
        }

        try (PoolFile file = PoolFile.open(pool)) {
            Heap heap = Heap.attach(file);
            int live = arrays.assertConsistent(heap, "seed " + seed + " " + kind);
            HeapStats stats = heap.stats();
            System.out.println("after two children: " + live + " live blocks, " + stats);
            assertThat(live).as("the children left blocks in their slots").isGreaterThan(CHILDREN.length);
            heap.close();
        }
    }

    private ChildJvm start(SlotArrays arrays, int index, int ops, long seed) {
        return ChildJvm.start(SlotChild.class, pool.toString(), Integer.toString(arrays.owner(index)),
                Long.toString(arrays.offset(index)), Integer.toString(SlotArrays.SLOTS), Integer.toString(ops),
                Long.toString(seed + 31L * arrays.owner(index)), SlotWorker.Publication.MIXED.name(), "0",
                "stdin");
    }
}

package io.regionpm.alloc.process;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.regionpm.alloc.Heap;
import io.regionpm.alloc.HeapStats;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Superblocks left behind by a process that has gone, whether it exited or was killed, are
 * reusable by the survivors for large blocks as well as small ones: a child fills the pool
 * with small blocks through its lane and goes away; this JVM frees every one of them (remote
 * frees into superblocks owned by a lane nobody holds), after which the whole data region
 * is free space and a large block of many superblocks must fit.
 */
class DeadLaneSuperblockReuseTest {
    private static final long POOL_BYTES = 16L << 20;
    private static final long SMALL_BYTES = 16_384;
    private static final long LARGE_BYTES = 4L << 20;
    private static final Duration START = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"exit", "stay"})
    void superblocksOfAGoneProcessServeLargeBlocksAfterTheirBlocksAreFreed(String departure) {
        Path pool = dir.resolve("reuse.pool");
        try (PoolFile file = PoolFile.create(pool, PoolSpec.of(POOL_BYTES))) {
            Heap heap = Heap.attach(file);
            SlotArrays arrays = SlotArrays.allocate(heap, 1);
            try (ChildJvm child = ChildJvm.start(FillChild.class, pool.toString(), Long.toString(arrays.offset(0)),
                    Integer.toString(SlotArrays.SLOTS), Long.toString(SMALL_BYTES), departure)) {
                String full = child.awaitLine("FULL", START);
                System.out.println("child " + departure + ": " + full);
                assertThat(full).as("the child filled the pool, not its slot array").contains("pool full");
                if (departure.equals("exit")) {
                    assertThat(child.awaitExit(START)).as("output:%n%s", child.output()).isZero();
                } else {
                    child.killHard();
                }
            }
            HeapStats filled = heap.stats();
            assertThat(filled.freeSuperblocks()).as("free superblocks after the fill: %s", filled).isZero();

            try (Lane lane = heap.acquireLane()) {
                for (int i = 0; i < SlotArrays.SLOTS; i++) {
                    long slot = arrays.offset(0) + 8L * i;
                    if (file.memory().getLongAcquire(slot) != 0) {
                        lane.free(slot);
                    }
                }
                HeapStats emptied = heap.stats();
                assertThat(emptied.allocatedBlocks()).as("only the slot array is left: %s", emptied).isOne();

                long large = lane.allocate(LARGE_BYTES, Lane.NO_SLOT);
                assertThat(heap.usableSize(large)).isGreaterThanOrEqualTo(LARGE_BYTES);
                lane.allocate(SMALL_BYTES, arrays.offset(0));
            }
            assertThat(heap.stats().allocatedBlocks()).as("slot array, large block, small block").isEqualTo(3);
            heap.close();
        }
    }
}

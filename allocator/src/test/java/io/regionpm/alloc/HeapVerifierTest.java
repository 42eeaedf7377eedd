package io.regionpm.alloc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.internal.LaneRecord;
import io.regionpm.alloc.internal.SizeClasses;
import io.regionpm.alloc.internal.SuperblockState;
import io.regionpm.testkit.Seeds;

import static org.assertj.core.api.Assertions.assertThat;

/** Every allocator invariant that the verifier checks is reported, by superblock or lane, when broken. */
class HeapVerifierTest {
    private static final long SIZE = 4L << 20;
    private static final int CLASS_48 = SizeClasses.classOf(48);
    private static final int BLOCKS_48 = SizeClasses.blocks(CLASS_48);

    @TempDir
    Path dir;

    private PoolFixture newPool() {
        return PoolFixture.create(BackendKind.SIMULATED, dir, PoolSpec.of(SIZE).withLanes(4));
    }

    private static List<String> verify(Heap heap) {
        List<String> problems = new ArrayList<>();
        HeapVerifier.Summary s = new HeapVerifier(heap).verify(problems::add, HeapVerifier.Progress.NONE);
        assertThat(s.problems()).isEqualTo(problems.size());
        return problems;
    }

    @Test
    void aHealthyHeapHasNoProblemsAndItsAllocatedFiguresMatchTheHeapStats() {
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            try (Lane lane = heap.acquireLane()) {
                for (int i = 0; i < 100; i++) {
                    lane.allocate(8 + i * 40L, Lane.NO_SLOT);
                }
                long large = lane.allocate(3 * PoolGeometry.SUPERBLOCK_BYTES - 100, Lane.NO_SLOT);
                lane.freeBlock(lane.allocate(200_000, Lane.NO_SLOT));
                lane.reserve(100_000); // a large reservation: not allocated, not a problem
                List<String> problems = new ArrayList<>();
                HeapVerifier.Summary s = new HeapVerifier(heap).verify(problems::add, HeapVerifier.Progress.NONE);
                assertThat(problems).isEmpty();
                HeapStats stats = heap.stats();
                assertThat(s).isEqualTo(new HeapVerifier.Summary(0, stats.allocatedBlocks(), stats.allocatedBytes()));
                assertThat(s.allocatedBlocks()).isEqualTo(101);
                assertThat(new HeapVerifier(heap).allocatedSize(large)).isEqualTo(3L * PoolGeometry.SUPERBLOCK_BYTES);
            }
        }
    }

    @Test
    void badStateWordsAreReportedWithTheirSuperblock() {
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            PoolGeometry g = heap.descriptor().geometry();
            PersistentMemory pm = pool.memory();
            long last = g.superblockCount() - 1;
            pm.setLong(g.stateOffset(last), 0x9);
            pm.setLong(g.stateOffset(last - 1), 0x100);
            pm.setLong(g.stateOffset(last - 2), SuperblockState.small(SizeClasses.count(), 0));
            pm.setLong(g.stateOffset(last - 3), SuperblockState.small(0, 4));
            pm.setLong(g.stateOffset(last - 4), SuperblockState.small(0, 1) | 1L << 40);
            assertThat(verify(heap)).containsExactlyInAnyOrder(
                    "superblock " + last + ": invalid kind 9 in state word 0x9",
                    "superblock " + (last - 1) + ": FREE state word has stray bits 0x100",
                    "superblock " + (last - 2) + ": SMALL size class " + SizeClasses.count()
                            + " does not exist (classes 0.." + (SizeClasses.count() - 1) + "); its bitmap cannot be checked",
                    "superblock " + (last - 3) + ": SMALL(class 0, lane 4): owner lane 4 is not in the lane table (0..3)",
                    "superblock " + (last - 4) + ": SMALL state word has stray bits 0x10000020001");
        }
    }

    @Test
    void aBitBeyondTheBlocksOfItsClassIsReported() {
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            PoolGeometry g = heap.descriptor().geometry();
            long block;
            try (Lane lane = heap.acquireLane()) {
                block = lane.allocate(48, Lane.NO_SLOT);
            }
            long sb = g.superblockOf(block);
            assertThat(BLOCKS_48 % 64).isNotZero();
            pool.memory().getAndBitwiseOrLong(g.bitmapOffset(sb) + 8L * (BLOCKS_48 >>> 6), 1L << (BLOCKS_48 & 63));
            assertThat(verify(heap)).singleElement().asString()
                    .startsWith("superblock " + sb + ": bitmap bits set beyond the " + BLOCKS_48 + " block(s) of SMALL(class "
                            + CLASS_48 + ", 48 bytes");
        }
    }

    @Test
    void bitsInFreeSuperblocksAndTailsAndBeyondBitZeroOfAHeadAreReported() {
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            PoolGeometry g = heap.descriptor().geometry();
            long head;
            try (Lane lane = heap.acquireLane()) {
                head = lane.allocate(2 * PoolGeometry.SUPERBLOCK_BYTES, Lane.NO_SLOT);
            }
            long sb = g.superblockOf(head);
            long free = g.superblockCount() - 1;
            PersistentMemory pm = pool.memory();
            pm.setLong(g.bitmapOffset(free) + 8 * 63, 1L << 63);
            pm.setLong(g.bitmapOffset(sb + 1), 1);
            pm.getAndBitwiseOrLong(g.bitmapOffset(sb), 2);
            assertThat(verify(heap)).containsExactlyInAnyOrder(
                    "superblock " + free + ": bitmap bits set beyond the 0 block(s) of a FREE superblock (word 63 = 0x8000000000000000)",
                    "superblock " + (sb + 1) + ": bitmap bits set beyond the 0 block(s) of a LARGE_TAIL (word 0 = 0x1)",
                    "superblock " + sb + ": bitmap bits set beyond the 1 block(s) of a LARGE_HEAD (word 0 = 0x3)");
        }
    }

    @Test
    void brokenLargeRunsAreReported() {
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            PoolGeometry g = heap.descriptor().geometry();
            long head;
            try (Lane lane = heap.acquireLane()) {
                head = lane.allocate(3 * PoolGeometry.SUPERBLOCK_BYTES, Lane.NO_SLOT);
            }
            long sb = g.superblockOf(head);
            int owner = SuperblockState.owner(pool.memory().getLong(g.stateOffset(sb)));
            PersistentMemory pm = pool.memory();
            pm.setLong(g.stateOffset(sb + 2), SuperblockState.FREE);
            long n = g.superblockCount();
            pm.setLong(g.stateOffset(n - 2), SuperblockState.head(0, 3));
            pm.setLong(g.stateOffset(n - 5), SuperblockState.tail(1, 2));
            assertThat(verify(heap)).containsExactlyInAnyOrder(
                    "superblock " + sb + ": LARGE_HEAD(run 3, lane " + owner + "): superblock " + (sb + 2)
                            + " is FREE, expected LARGE_TAIL(distance 2, lane " + owner + ")",
                    "superblock " + (n - 2) + ": LARGE_HEAD(run 3, lane 0) does not fit in the pool (superblocks "
                            + (n - 2) + " to " + (n - 1) + ")",
                    "superblock " + (n - 5) + ": detached LARGE_TAIL(distance 2, lane 1): superblock " + (n - 7)
                            + " is FREE");
            assertThat(new HeapVerifier(heap).isAllocatedBlockStart(g.superblockOffset(n - 2))).isFalse();
        }
    }

    @Test
    void laneRecordsWithMalformedOwnersOrValidIntentsAreReported() {
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            PoolGeometry g = heap.descriptor().geometry();
            PersistentMemory pm = pool.memory();
            pm.setLong(g.laneOffset(1), 5L << 22);
            new LaneRecord(pm, g, 2).writeIntent(LaneRecord.ALLOC, 12_345, LaneRecord.NO_SLOT, 12_345);
            long block = g.dataOffset() + 64;
            new LaneRecord(pm, g, 3).writeIntent(LaneRecord.FREE, block, g.dataOffset(), 0);
            assertThat(verify(heap)).containsExactlyInAnyOrder(
                    "lane 1: malformed owner token 0x1400000 (pid 0, start time 5 ms)",
                    "lane 2: valid ALLOC intent (block 12345, slot -1) names a block outside the data region or misaligned",
                    "lane 3: valid FREE intent (block " + block + ", slot " + g.dataOffset() + ") is pending: its operation"
                            + " is in flight or its owner died; recover dead lanes (Heap.recoverDeadLanes) before trusting"
                            + " or repairing leaks");
        }
    }

    @Test
    void blockStartsAndContainingBlocksAreAnsweredForAnyOffset() {
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            PoolGeometry g = heap.descriptor().geometry();
            long small;
            long large;
            long freed;
            try (Lane lane = heap.acquireLane()) {
                small = lane.allocate(100, Lane.NO_SLOT);
                large = lane.allocate(2 * PoolGeometry.SUPERBLOCK_BYTES, Lane.NO_SLOT);
                freed = lane.allocate(100, Lane.NO_SLOT);
                lane.freeBlock(freed);
            }
            HeapVerifier v = new HeapVerifier(heap);
            assertThat(v.isAllocatedBlockStart(small)).isTrue();
            assertThat(v.isAllocatedBlockStart(large)).isTrue();
            long[] notStarts = {small + 8, small + 4, freed, large + PoolGeometry.SUPERBLOCK_BYTES, 0, -1, -8,
                    Long.MIN_VALUE, Long.MAX_VALUE, g.size(), g.size() + 8, g.dataOffset() - 8, g.laneOffset(0)};
            for (long offset : notStarts) {
                assertThat(v.isAllocatedBlockStart(offset)).as("offset %d", offset).isFalse();
                assertThat(v.allocatedSize(offset)).as("offset %d", offset).isEqualTo(-1);
            }
            assertThat(v.allocatedSize(small)).isEqualTo(heap.usableSize(small));
            assertThat(v.allocatedBlockContaining(small + 100)).isEqualTo(small);
            assertThat(v.allocatedBlockContaining(small + heap.usableSize(small))).isNotEqualTo(small);
            assertThat(v.allocatedBlockContaining(large + PoolGeometry.SUPERBLOCK_BYTES + 12)).isEqualTo(large);
            assertThat(v.allocatedBlockContaining(freed + 8)).isEqualTo(-1);
            assertThat(v.allocatedBlockContaining(Long.MIN_VALUE)).isEqualTo(-1);
        }
    }

    @Test
    @Timeout(20)
    void garbageMetadataIsReportedNeverThrown() {
        long seed = Seeds.seed("HeapVerifierTest.garbageMetadataIsReportedNeverThrown");
        SplittableRandom random = new SplittableRandom(seed);
        try (PoolFixture pool = newPool()) {
            Heap heap = pool.heap();
            PoolGeometry g = heap.descriptor().geometry();
            PersistentMemory pm = pool.memory();
            for (long sb = 0; sb < g.superblockCount(); sb++) {
                pm.setLong(g.stateOffset(sb), garbageState(random, g));
                for (int w = 0; w < 64; w++) {
                    pm.setLong(g.bitmapOffset(sb) + 8L * w, random.nextInt(4) == 0 ? random.nextLong() : 0);
                }
            }
            for (int lane = 0; lane < g.laneCount(); lane++) {
                for (int w = 0; w < PoolGeometry.LANE_BYTES / 8; w++) {
                    pm.setLong(g.laneOffset(lane) + 8L * w, random.nextLong());
                }
            }
            HeapVerifier v = new HeapVerifier(heap);
            List<String> problems = new ArrayList<>();
            HeapVerifier.Summary s = v.verify(problems::add, HeapVerifier.Progress.NONE);
            assertThat(problems).as("seed %d", seed).isNotEmpty();
            MutableLongSet seen = new LongHashSet();
            v.forEachAllocated((block, size) -> {
                assertThat(v.allocatedSize(block)).isEqualTo(size);
                assertThat(v.allocatedBlockContaining(block + Math.min(size, PoolGeometry.SUPERBLOCK_BYTES) - 8)).isEqualTo(block);
                seen.add(block);
            }, HeapVerifier.Progress.NONE);
            assertThat((long) seen.size()).isEqualTo(s.allocatedBlocks());
            for (int i = 0; i < 100_000; i++) {
                long offset = random.nextBoolean() ? random.nextLong() : g.dataOffset() + random.nextLong(g.dataBytes());
                if (v.isAllocatedBlockStart(offset)) {
                    assertThat(seen.contains(offset)).as("offset %d", offset).isTrue();
                }
                long containing = v.allocatedBlockContaining(offset);
                assertThat(containing == -1 || seen.contains(containing)).as("offset %d", offset).isTrue();
            }
        }
    }

    private static long garbageState(SplittableRandom random, PoolGeometry g) {
        return switch (random.nextInt(6)) {
            case 0 -> SuperblockState.FREE;
            case 1 -> SuperblockState.small(random.nextInt(SizeClasses.count() + 2), random.nextInt(g.laneCount() + 1));
            case 2 -> SuperblockState.head(random.nextInt(g.laneCount()), random.nextLong(1, 8));
            case 3 -> SuperblockState.tail(random.nextInt(g.laneCount()), random.nextLong(0, 8));
            case 4 -> SuperblockState.head(random.nextInt(g.laneCount()), random.nextLong() >>> 33);
            default -> random.nextLong();
        };
    }
}

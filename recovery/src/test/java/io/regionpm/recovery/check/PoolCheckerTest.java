package io.regionpm.recovery.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.eclipse.collections.api.list.primitive.MutableLongList;
import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.HeapVerifier;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.alloc.PoolGeometry;
import io.regionpm.testkit.Seeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checker against a toy linked list: exact counts, leaks, dangling pointers, cycles, damage, progress. */
class PoolCheckerTest {
    private static final long SIZE = 4L << 20;

    @TempDir
    Path dir;

    private final MutableLongSet read = new LongHashSet();
    private final WalkerRegistry walkers = new WalkerRegistry().register(ToyList.TYPE, ToyList.walker(read::add));

    private CheckerPool newPool(long size) {
        return new CheckerPool(dir.resolve("checked.pool"), size);
    }

    @Test
    void aCleanPoolGivesACleanReportWithExactCounts() {
        try (CheckerPool pool = newPool(SIZE)) {
            long bytes = pool.heap.usableSize(pool.rootBlock);
            try (Lane lane = pool.heap.acquireLane()) {
                long[] nodes = ToyList.build(lane, pool.pm, pool.rootSlot(0), 100);
                long large = ToyList.append(lane, pool.pm, nodes[99] + ToyList.NEXT, 100_000, 100);
                bytes += 100L * ToyList.NODE_BYTES + pool.heap.usableSize(large);
            }
            CheckReport report = new PoolChecker(pool.heap, walkers).check(List.of(pool.root(0), pool.root(1)));
            assertThat(report.isClean()).as("%s", report).isTrue();
            assertThat(report.reachableBlocks()).isEqualTo(102);
            assertThat(report.reachableBytes()).isEqualTo(bytes);
            assertThat(report.allocatedBlocks()).isEqualTo(102);
            assertThat(report.allocatedBytes()).isEqualTo(bytes);
            assertThat(report.pool()).isEqualTo(pool.file.descriptor().uuid());
            assertThat(read.size()).isEqualTo(101);
            assertThat(report.toString()).contains(": clean", "allocated 102 block(s), " + bytes + " bytes");
            assertThat(new PoolChecker(pool.heap, walkers).repair(report)).isZero();
        }
    }

    @Test
    void aLeakIsReportedExactlyAndRepairFreesIt() {
        try (CheckerPool pool = newPool(SIZE)) {
            long smallLeak;
            long largeLeak;
            try (Lane lane = pool.heap.acquireLane()) {
                ToyList.build(lane, pool.pm, pool.rootSlot(0), 10);
                smallLeak = lane.allocate(ToyList.NODE_BYTES, Lane.NO_SLOT);
                largeLeak = lane.allocate(70_000, Lane.NO_SLOT);
                ToyList.build(lane, pool.pm, pool.rootSlot(1), 10);
            }
            PoolChecker checker = new PoolChecker(pool.heap, walkers);
            List<CheckRoot> roots = List.of(pool.root(0), pool.root(1));
            CheckReport report = checker.check(roots);
            assertThat(report.leaks().toArray()).containsExactly(Math.min(smallLeak, largeLeak), Math.max(smallLeak, largeLeak));
            assertThat(report.leakedBytes()).isEqualTo(ToyList.NODE_BYTES + 2L * PoolGeometry.SUPERBLOCK_BYTES);
            assertThat(report.hasStructuralProblems()).isFalse();
            assertThat(report.isClean()).isFalse();
            assertThat(report.allocatedBlocks()).isEqualTo(report.reachableBlocks() + 2).isEqualTo(23);
            assertThat(report.toString()).contains("2 leaked block(s)", "leaked: block " + smallLeak);

            assertThat(checker.repair(report)).isEqualTo(2);
            HeapVerifier verifier = new HeapVerifier(pool.heap);
            assertThat(verifier.isAllocatedBlockStart(smallLeak)).isFalse();
            assertThat(verifier.isAllocatedBlockStart(largeLeak)).isFalse();
            CheckReport again = checker.check(roots);
            assertThat(again.isClean()).as("%s", again).isTrue();
            assertThat(again.reachableBlocks()).isEqualTo(21);
            assertThatThrownBy(() -> checker.repair(report)).isInstanceOf(PoolException.class)
                    .hasMessageContaining("repair refused, nothing changed").hasMessageContaining("no longer allocated");
        }
    }

    @Test
    void danglingReferencesAreReportedWithTheirSlotsAndNeverFollowed() {
        try (CheckerPool pool = newPool(SIZE)) {
            long[] tails = new long[3];
            long freed;
            try (Lane lane = pool.heap.acquireLane()) {
                for (int i = 0; i < 3; i++) {
                    long[] nodes = ToyList.build(lane, pool.pm, pool.rootSlot(i), 3);
                    tails[i] = nodes[2];
                }
                freed = lane.allocate(ToyList.NODE_BYTES, Lane.NO_SLOT);
                lane.freeBlock(freed);
            }
            long[] targets = {freed, tails[1] + 4, pool.geometry().size() + 4096};
            for (int i = 0; i < 3; i++) {
                pool.pm.setLong(tails[i] + ToyList.NEXT, targets[i]);
            }
            PoolChecker checker = new PoolChecker(pool.heap, walkers);
            CheckReport report = checker.check(List.of(pool.root(0), pool.root(1), pool.root(2)));
            assertThat(report.danglingSlots().toArray()).containsExactly(tails[0], tails[1], tails[2]);
            assertThat(report.danglingTargets().toArray()).containsExactly(targets);
            assertThat(report.danglingCount()).isEqualTo(3);
            assertThat(report.problems()).isEmpty();
            assertThat(report.leaks().isEmpty()).isTrue();
            assertThat(report.reachableBlocks()).isEqualTo(10);
            assertThat(read.containsAny(targets)).isFalse();
            assertThat(report.toString()).contains("3 dangling reference(s)", "dangling: slot " + tails[1] + " -> " + targets[1]);
            assertThatThrownBy(() -> checker.repair(report)).isInstanceOf(PoolCorruptedException.class)
                    .hasMessageContaining("repair refused, nothing changed").hasMessageContaining("3 dangling");
        }
    }

    @Test
    @Timeout(10)
    void aCycleTerminatesAndIsNotAProblem() {
        try (CheckerPool pool = newPool(SIZE)) {
            long[] nodes;
            try (Lane lane = pool.heap.acquireLane()) {
                nodes = ToyList.build(lane, pool.pm, pool.rootSlot(0), 50);
            }
            pool.pm.setLong(nodes[49] + ToyList.NEXT, nodes[20]);
            pool.pm.setLong(pool.rootSlot(1), nodes[10]);
            CheckReport report = new PoolChecker(pool.heap, walkers).check(List.of(pool.root(0), pool.root(1)));
            assertThat(report.isClean()).as("%s", report).isTrue();
            assertThat(report.reachableBlocks()).isEqualTo(51);
            assertThat(read.size()).isEqualTo(50);
        }
    }

    @Test
    void allocatorDamageIsReportedAndRepairRefusesChangingNothing() {
        try (CheckerPool pool = newPool(SIZE)) {
            long leak;
            long block48;
            try (Lane lane = pool.heap.acquireLane()) {
                ToyList.build(lane, pool.pm, pool.rootSlot(0), 5);
                leak = lane.allocate(ToyList.NODE_BYTES, Lane.NO_SLOT);
                block48 = ToyList.append(lane, pool.pm, pool.rootSlot(1), 48, 0);
            }
            PoolGeometry g = pool.geometry();
            long last = g.superblockCount() - 1;
            pool.pm.setLong(g.stateOffset(last), 0x2A07);
            long sb48 = g.superblockOf(block48);
            int blocks48 = 65536 / 48;
            pool.pm.getAndBitwiseOrLong(g.bitmapOffset(sb48) + 8L * (blocks48 >>> 6), 1L << (blocks48 & 63));

            PoolChecker checker = new PoolChecker(pool.heap, walkers);
            CheckReport report = checker.check(List.of(pool.root(0), pool.root(1)));
            assertThat(report.problems()).containsExactly(
                    "superblock " + sb48 + ": bitmap bits set beyond the 1365 block(s) of SMALL(class "
                            + (int) (pool.pm.getLong(g.stateOffset(sb48)) >>> 8 & 0xFF) + ", 48 bytes, 1365 blocks)"
                            + " (word 21 = 0x" + Long.toHexString(pool.pm.getLong(g.bitmapOffset(sb48) + 8 * 21)) + ")",
                    "superblock " + last + ": invalid kind 7 in state word 0x2a07");
            assertThat(report.leaks().toArray()).containsExactly(leak);
            assertThat(report.toString()).contains("2 problem(s)", "problem: superblock " + last + ": invalid kind 7");
            assertThatThrownBy(() -> checker.repair(report)).isInstanceOf(PoolCorruptedException.class)
                    .hasMessageContaining("repair refused, nothing changed: the report has 2 problem(s)")
                    .hasMessageContaining("first: superblock " + sb48 + ": bitmap bits set beyond");
            assertThat(new HeapVerifier(pool.heap).isAllocatedBlockStart(leak)).isTrue();
        }
    }

    @Test
    void badRootsFailingWalkersAndPluggedInChecksAreReportedNotThrown() {
        try (CheckerPool pool = newPool(SIZE)) {
            try (Lane lane = pool.heap.acquireLane()) {
                ToyList.build(lane, pool.pm, pool.rootSlot(0), 3);
                ToyList.build(lane, pool.pm, pool.rootSlot(1), 3);
            }
            walkers.register("broken", (pm, block, sink) -> {
                throw new PoolCorruptedException("node " + block + " has a bad tag");
            });
            PoolChecker checker = new PoolChecker(pool.heap, walkers)
                    .addCheck("logs", problems -> problems.add("log 3: checksum mismatch"))
                    .addCheck("throwing", problems -> {
                        throw new PoolCorruptedException("record 9 unreadable");
                    });
            long size = pool.geometry().size();
            CheckReport report = checker.check(List.of(new CheckRoot("neg", ToyList.TYPE, -8),
                    new CheckRoot("odd", ToyList.TYPE, pool.rootSlot(0) + 3), new CheckRoot("far", ToyList.TYPE, size),
                    new CheckRoot("unknown", "no-such-type", pool.rootSlot(0)),
                    new CheckRoot("broken", "broken", pool.rootSlot(1))));
            assertThat(report.problems()).hasSize(7);
            assertThat(report.problems().get(0)).isEqualTo("log 3: checksum mismatch");
            assertThat(report.problems().get(1)).isEqualTo("check throwing stopped: record 9 unreadable");
            assertThat(report.problems().get(2)).startsWith("root neg (toy-list, slot -8): the slot is not an aligned word");
            assertThat(report.problems().get(3)).startsWith("root odd (toy-list, slot " + (pool.rootSlot(0) + 3) + "): the slot");
            assertThat(report.problems().get(4)).startsWith("root far (toy-list, slot " + size + "): the slot");
            assertThat(report.problems().get(5)).isEqualTo("root unknown (no-such-type, slot " + pool.rootSlot(0)
                    + "): no walker is registered for the type, so what it references looks leaked");
            long first = pool.pm.getLong(pool.rootSlot(1));
            assertThat(report.problems().get(6)).isEqualTo("root broken (broken, slot " + pool.rootSlot(1)
                    + "): the walk stopped: node " + first + " has a bad tag");
            assertThat(report.leaks().size()).isEqualTo(4);
            assertThatThrownBy(() -> checker.repair(report)).isInstanceOf(PoolCorruptedException.class);
        }
    }

    @Test
    void aReportOfAnotherPoolIsRefused() {
        try (CheckerPool one = new CheckerPool(dir.resolve("one.pool"), SIZE);
             CheckerPool two = new CheckerPool(dir.resolve("two.pool"), SIZE)) {
            CheckReport report = new PoolChecker(one.heap, walkers).check(List.of(one.root(0)));
            assertThatThrownBy(() -> new PoolChecker(two.heap, walkers).repair(report)).isInstanceOf(PoolException.class)
                    .hasMessageContaining("the report is of pool " + one.file.descriptor().uuid());
        }
    }

    @Test
    void progressReachesTheTotalOfEveryPhaseOnA256MiBSparsePool() {
        try (CheckerPool pool = newPool(256L << 20)) {
            try (Lane lane = pool.heap.acquireLane()) {
                ToyList.build(lane, pool.pm, pool.rootSlot(0), 20);
            }
            Map<String, MutableLongList> done = new LinkedHashMap<>();
            Map<String, Long> totals = new LinkedHashMap<>();
            List<String> order = new ArrayList<>();
            ProgressListener listener = (phase, d, total) -> {
                if (!done.containsKey(phase)) {
                    order.add(phase);
                }
                done.computeIfAbsent(phase, p -> new LongArrayList()).add(d);
                assertThat(totals.getOrDefault(phase, total)).as(phase).isEqualTo(total);
                totals.put(phase, total);
            };
            CheckReport report = new PoolChecker(pool.heap, walkers).addCheck("logs", problems -> { })
                    .check(List.of(pool.root(0)), listener);
            assertThat(report.isClean()).as("%s", report).isTrue();
            assertThat(order).containsExactly(PoolChecker.PHASE_HEADER, HeapVerifier.PHASE_SUPERBLOCKS,
                    HeapVerifier.PHASE_LANES, "logs", PoolChecker.PHASE_WALK, HeapVerifier.PHASE_ALLOCATED);
            long superblocks = pool.geometry().superblockCount();
            assertThat(superblocks).isGreaterThan(4000);
            assertThat(totals.get(HeapVerifier.PHASE_SUPERBLOCKS)).isEqualTo(superblocks);
            assertThat(totals.get(PoolChecker.PHASE_WALK)).isEqualTo(21);
            assertThat(done.get(HeapVerifier.PHASE_SUPERBLOCKS).size()).isGreaterThanOrEqualTo(5);
            done.forEach((phase, reports) -> {
                assertThat(reports.getFirst()).as(phase).isZero();
                assertThat(reports.getLast()).as(phase).isEqualTo(totals.get(phase));
                assertThat(reports.toArray()).as(phase).isSorted();
            });
        }
    }

    @Test
    @Timeout(60)
    void randomDamageIsReportedWithoutHangingOrThrowing() {
        long seed = Seeds.seed("PoolCheckerTest.randomDamageIsReportedWithoutHangingOrThrowing");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 12; round++) {
            try (CheckerPool pool = new CheckerPool(dir.resolve("damaged-" + round + ".pool"), SIZE)) {
                MutableLongList nodes = new LongArrayList();
                try (Lane lane = pool.heap.acquireLane()) {
                    for (int list = 0; list < 4; list++) {
                        nodes.addAll(ToyList.build(lane, pool.pm, pool.rootSlot(list), 40));
                    }
                }
                damage(pool, nodes, random);
                PoolChecker checker = new PoolChecker(pool.heap, walkers);
                List<CheckRoot> roots = List.of(pool.root(0), pool.root(1), pool.root(2), pool.root(3));
                CheckReport report = checker.check(roots);
                String context = "seed " + seed + " round " + round + ": " + report;
                assertThat(report.reachableBlocks() + report.leaks().size()).as(context).isEqualTo(report.allocatedBlocks());
                if (report.hasStructuralProblems()) {
                    assertThatThrownBy(() -> checker.repair(report)).isInstanceOf(PoolCorruptedException.class);
                } else {
                    assertThatCode(() -> checker.repair(report)).as(context).doesNotThrowAnyException();
                    assertThat(checker.check(roots).isClean()).as(context).isTrue();
                }
            }
        }
    }

    /** Overwrites random words of the lists, the state table, the bitmaps and the lane table. */
    private static void damage(CheckerPool pool, MutableLongList nodes, SplittableRandom random) {
        PoolGeometry g = pool.geometry();
        int writes = random.nextInt(1, 12);
        for (int i = 0; i < writes; i++) {
            long node = nodes.get(random.nextInt(nodes.size()));
            long value = switch (random.nextInt(5)) {
                case 0 -> random.nextLong();
                case 1 -> nodes.get(random.nextInt(nodes.size()));
                case 2 -> nodes.get(random.nextInt(nodes.size())) + 8L * random.nextInt(-2, 3);
                case 3 -> 0;
                default -> g.dataOffset() + random.nextLong(g.dataBytes());
            };
            long at = switch (random.nextInt(6)) {
                case 0, 1, 2 -> node + ToyList.NEXT;
                case 3 -> g.stateOffset(random.nextLong(g.superblockCount()));
                case 4 -> g.bitmapOffset(random.nextLong(g.superblockCount())) + 8L * random.nextInt(64);
                default -> g.laneOffset(random.nextInt(g.laneCount())) + 8L * random.nextInt(16);
            };
            pool.pm.setLong(at, value);
        }
    }
}

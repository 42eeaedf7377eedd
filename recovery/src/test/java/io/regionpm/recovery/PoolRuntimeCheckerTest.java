package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.recovery.check.CheckReport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool checker on a pool run by transactions: clean after work, an injected leak found and
 * repaired, an injected dangling pointer found, a damaged lane log reported.
 */
class PoolRuntimeCheckerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private PoolFile newPool() {
        Path p = dir.resolve("check.pool");
        PoolFile.create(p, PoolSpec.of(8L << 20).withLanes(4)).close();
        return PoolFile.open(p);
    }

    private static void work(PoolRuntime rt) {
        TransferModel.setup(rt);
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            TransferModel.step(rt, random, null);
        }
    }

    @Test
    void aLeakIsFoundAndRepairedAndADanglingPointerIsFound() {
        try (PoolFile file = newPool(); PoolRuntime rt = PoolRuntime.open(file, TIMEOUT)) {
            work(rt);
            CheckReport clean = TransferModel.assertCheckerClean(rt, "after 200 transactions");
            long leak = rt.transaction(() -> rt.current().allocate(300));
            CheckReport leaky = rt.checker(TransferModel.walkers()).check(TransferModel.roots(rt));
            assertThat(leaky.leaks().toArray()).containsExactly(leak);
            assertThat(leaky.danglingCount()).isZero();
            assertThat(rt.checker(TransferModel.walkers()).repair(leaky)).isEqualTo(1);
            long[] count = {0};
            rt.heap().forEachAllocated(b -> count[0]++);
            assertThat(count[0]).isEqualTo(clean.allocatedBlocks());
            TransferModel.assertCheckerClean(rt, "after repair");

            long freed = rt.transaction(() -> rt.current().allocate(64));
            rt.transaction(() -> rt.current().free(freed));
            long head = rt.root().slot(TransferModel.RECEIPTS_SLOT);
            long first = rt.memory().getLong(head);
            assertThat(first).as("the model left receipts").isNotZero();
            long slot = first;
            rt.memory().setLong(slot, freed);
            CheckReport dangling = rt.checker(TransferModel.walkers()).check(TransferModel.roots(rt));
            assertThat(dangling.danglingSlots().toArray()).containsExactly(slot);
            assertThat(dangling.danglingTargets().toArray()).containsExactly(freed);
            assertThat(dangling.isClean()).isFalse();
        }
    }

    @Test
    void aDamagedLaneLogIsReported() {
        try (PoolFile file = newPool(); PoolRuntime rt = PoolRuntime.open(file, TIMEOUT)) {
            work(rt);
            int used = -1;
            for (int i = 0; i < rt.geometry().laneCount() && used < 0; i++) {
                if (rt.memory().getLong(rt.geometry().laneLogOffset(i) + LaneLog.LOG) != 0) {
                    used = i;
                }
            }
            int lane = used;
            assertThat(lane).as("a lane log was used").isNotNegative();
            long capacityWord = rt.geometry().laneLogOffset(lane) + LaneLog.LOG + 8;
            rt.memory().setLong(capacityWord, rt.memory().getLong(capacityWord) + 64);
            CheckReport report = rt.checker(TransferModel.walkers()).check(TransferModel.roots(rt));
            assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("lane " + lane + ": transaction log"));
        }
    }
}

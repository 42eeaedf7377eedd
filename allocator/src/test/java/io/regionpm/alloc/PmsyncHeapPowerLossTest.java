package io.regionpm.alloc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The allocator on a {@code PMSYNC} pool: a child JVM allocates and frees stamped blocks
 * and pmsyncs, is killed at a random instant, and power is lost (the working files deleted).
 * The reopened pool, after the dead lane is recovered, holds exactly the blocks of the last
 * pmsync: every slot as that pmsync saw it, nothing leaked, nothing overlapping.
 */
class PmsyncHeapPowerLossTest {
    private static final long POOL_BYTES = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void afterAKillAndAPowerLossTheHeapIsExactlyAsOfTheLastPmsync() {
        long seed = Seeds.seed("PmsyncHeapPowerLossTest");
        Random random = new Random(seed);
        int kills = Stress.scale(3, 30);
        try (PmsyncFixture fx = PmsyncFixture.create(dir, POOL_BYTES, 4)) {
            for (int kill = 0; kill < kills; kill++) {
                String context = "seed " + seed + " kill " + kill;
                List<long[]> candidates = runAndKill(fx, random, context);
                fx.powerLoss();
                checkHeap(fx, candidates, context);
            }
        }
    }

    /** @return the states the last pmsync may have taken: the last completed one, then maybe a later one */
    private static List<long[]> runAndKill(PmsyncFixture fx, Random random, String context) {
        try (ChildJvm child = ChildJvm.start(PmsyncHeapChild.class, fx.pool.toString(), fx.workDir.toString(),
                Long.toString(random.nextLong()))) {
            child.awaitLine("RUNNING", Duration.ofSeconds(60));
            child.awaitLine("SYNCED", Duration.ofSeconds(30));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(20, 300)));
            child.killHard();
            child.awaitOutputClosed(Duration.ofSeconds(30));
            assertThat(child.output()).as(context).doesNotContain("FAILED");
            long[] synced = null;
            long[] syncing = null;
            for (String line : child.output().split("\n")) {
                if (line.startsWith("SYNCING ")) {
                    syncing = Arrays.stream(line.substring(8).split(",")).mapToLong(Long::parseLong).toArray();
                } else if (line.equals("SYNCED")) {
                    synced = syncing;
                    syncing = null;
                }
            }
            List<long[]> candidates = new ArrayList<>();
            candidates.add(synced);
            if (syncing != null) {
                candidates.add(syncing);
            }
            return candidates;
        }
    }

    private static void checkHeap(PmsyncFixture fx, List<long[]> candidates, String context) {
        try (PmsyncStore store = fx.open()) {
            PersistentMemory pm = store.memory();
            store.enterOperation();
            Heap heap = Heap.attach(pm, fx.pool.toString());
            heap.recoverDeadLanes();
            store.exitOperation();
            long[] found = new long[PmsyncHeapChild.SLOTS];
            MutableLongSet referenced = new LongHashSet();
            for (int i = 0; i < found.length; i++) {
                long block = pm.getLong(PmsyncHeapChild.slot(store.descriptor(), i));
                if (block != 0) {
                    referenced.add(block);
                    long version = pm.getLong(block);
                    found[i] = PmsyncHeapChild.stampOf(pm, block, PmsyncHeapChild.bytesOf(version), i);
                    assertThat(found[i]).as("%s: slot %d's block stamp", context, i).isPositive();
                }
            }
            assertThat(candidates.stream().anyMatch(c -> Arrays.equals(c, found)))
                    .as("%s: slots %s are the state of the last pmsync, one of %s", context, Arrays.toString(found),
                            candidates.stream().map(Arrays::toString).toList()).isTrue();
            HeapInvariants.assertAllocatedExactly(heap, referenced, context);
            heap.close();
            store.pmsync();
        }
    }
}

package io.regionpm.recovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.regionpm.alloc.PoolHeader;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.alloc.sim.SimulatedMemory;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.recovery.check.CheckRoot;
import io.regionpm.recovery.check.WalkerRegistry;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss at every persistence point while a reader holds retired blocks past the lane's
 * 32 limbo entries (so that commits list them in overflow pages, allocating and linking pages)
 * and then while commits drain the pages once the reader left: after recovery the published
 * node is the one of the last returned commit or the one in flight, the checker finds no leak
 * and nothing dangling (pages and the blocks they list are roots), and the limbo drains to
 * nothing with further commits.
 */
class LimboPowerLossTest {
    private static final long POOL = 2L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Commits before the crash window: they fill the 32 entries under the reader. */
    private static final int FILL = LaneLog.LIMBO_ENTRIES - 2;

    @Test
    void overflowAndDrainRecoverToACommittedState() {
        long seed = Seeds.seed("LimboPowerLossTest");
        int underReader = Stress.scale(LimboPage.CAPACITY + 10, 3 * LimboPage.CAPACITY);
        int afterReader = Stress.scale(8, 30);
        int randomImages = Stress.scale(4, 20);
        Run clean = new Run();
        long start = clean.sim.persistencePoints();
        clean.window(underReader, afterReader);
        long total = clean.sim.persistencePoints() - start;
        assertThat(clean.pagesSeen).as("the window overflowed into pages").isPositive();
        clean.close();
        int images = 0;
        for (long point = 1; point <= total; point++) {
            Run run = new Run();
            run.sim.crashAtPoint(run.sim.persistencePoints() + point);
            try {
                run.window(underReader, afterReader);
            } catch (SimulatedPowerLoss expected) {
                // stopped here
            }
            assertThat(run.sim.crashed()).as("power loss at point %d of %d", point, total).isTrue();
            List<SimulatedMemory> crashImages = new ArrayList<>();
            crashImages.add(run.sim.crashImageDurableOnly());
            crashImages.add(run.sim.crashImageEverything());
            Random random = new Random(seed ^ point * 31);
            for (int i = 0; i < randomImages; i++) {
                crashImages.add(run.sim.crashImage(random));
            }
            for (int i = 0; i < crashImages.size(); i++) {
                try (SimulatedMemory image = crashImages.get(i)) {
                    verify(image, run.returned, "seed " + seed + ", point " + point + "/" + total + ", image " + i);
                }
                images++;
            }
            run.close();
        }
        System.out.println("LimboPowerLossTest: " + underReader + " commits under a reader, " + afterReader
                + " after, " + total + " persistence points, " + images + " crash images verified");
    }

    private static void verify(SimulatedMemory image, long returned, String where) {
        try (PoolRuntime rt = PoolRuntime.open(image.memory(), "image", TIMEOUT)) {
            long node = rt.memory().getLong(rt.root().slot(0));
            long version = rt.memory().getLong(node);
            assertThat(version).as("%s: the published node's version", where).isBetween(returned, returned + 1);
            CheckReport report = check(rt);
            assertThat(report.isClean()).as("%s: %s", where, report).isTrue();
            for (int i = 0; i < 200 && check(rt).allocatedBlocks() > 2; i++) {
                replace(rt);
            }
            assertThat(check(rt).allocatedBlocks()).as("%s: the limbo drains to nothing", where).isEqualTo(2);
        }
    }

    /** Publishes a new node (holding the previous one's version + 1) and retires the previous one. */
    static long replace(PoolRuntime rt) {
        return rt.transaction(() -> {
            Transaction tx = rt.current();
            long slot = rt.root().slot(0);
            long old = tx.getLong(slot);
            long node = tx.allocate(64);
            rt.memory().setLong(node, old == 0 ? 1 : rt.memory().getLong(old) + 1);
            tx.setLong(slot, node);
            if (old != 0) {
                tx.retire(old);
            }
            return old;
        });
    }

    static CheckReport check(PoolRuntime rt) {
        WalkerRegistry walkers = new WalkerRegistry().register("node", (pm, block, sink) -> { });
        List<CheckRoot> roots = new ArrayList<>(rt.systemRoots());
        roots.add(new CheckRoot("node", "node", rt.root().slot(0)));
        return rt.checker(walkers).check(roots);
    }

    /** A fresh simulated pool with a reader in and {@link #FILL} commits made before the crash window. */
    private static final class Run implements AutoCloseable {
        final SimulatedMemory sim = SimulatedMemory.create(POOL);
        final PoolRuntime rt;
        final ReaderEpochs.ReadGuard reader;
        long returned;
        int pagesSeen;

        Run() {
            PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(1).withLaneLogBytes(8192), UUID.randomUUID(), 0);
            rt = PoolRuntime.open(sim.memory(), "simulated", TIMEOUT);
            replace(rt);
            returned = 1;
            reader = rt.enterRead();
            for (int i = 0; i < FILL; i++) {
                replace(rt);
                returned++;
            }
        }

        void window(int underReader, int afterReader) {
            for (int i = 0; i < underReader; i++) {
                replace(rt);
                returned++;
                pagesSeen += rt.memory().getLong(new LaneLog(rt.memory(), rt.geometry(), 0).overflowHead()) != 0 ? 1 : 0;
            }
            reader.close();
            for (int i = 0; i < afterReader; i++) {
                replace(rt);
                returned++;
            }
        }

        @Override
        public void close() {
            sim.close();
        }
    }
}

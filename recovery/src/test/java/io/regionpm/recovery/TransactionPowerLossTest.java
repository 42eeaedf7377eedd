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
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss at every persistence point of a run of random transactions over the transfer
 * model ({@link TransferModel}), with crash images keeping none, all, and random subsets of
 * the unflushed words: after recovery the counters' sum holds, every transaction that
 * returned is there, the one in flight is there entirely or not at all, nothing leaks or
 * dangles, and the pool takes new transactions.
 */
class TransactionPowerLossTest {
    private static final long POOL = 2L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void everyPersistencePointRecoversToACommittedPrefix() {
        long seed = Seeds.seed("TransactionPowerLossTest");
        int transactions = Stress.scale(40, 160);
        int randomImages = Stress.scale(20, 60);
        Run clean = new Run(seed);
        long before = clean.sim.persistencePoints();
        List<TransferModel.State> history = clean.script(transactions);
        long total = clean.sim.persistencePoints() - before;
        clean.close();
        assertThat(total).as("persistence points in the script").isGreaterThan(200);
        int images = 0;
        for (long point = 1; point <= total; point++) {
            Run run = new Run(seed);
            run.sim.crashAtPoint(run.sim.persistencePoints() + point);
            try {
                run.script(transactions);
            } catch (SimulatedPowerLoss expected) {
                // stopped here (a power loss during a planned abort is only a suppressed exception)
            }
            assertThat(run.sim.crashed()).as("power loss at point " + point + " of " + total).isTrue();
            List<SimulatedMemory> crashImages = new ArrayList<>();
            crashImages.add(run.sim.crashImageDurableOnly());
            crashImages.add(run.sim.crashImageEverything());
            Random random = new Random(seed ^ point * 31);
            for (int i = 0; i < randomImages; i++) {
                crashImages.add(run.sim.crashImage(random));
            }
            for (int i = 0; i < crashImages.size(); i++) {
                try (SimulatedMemory image = crashImages.get(i)) {
                    verify(image, history, run.returned, "seed " + seed + ", point " + point + "/" + total + ", image " + i);
                }
                images++;
            }
            run.close();
        }
        System.out.println("TransactionPowerLossTest: " + transactions + " transactions, " + total
                + " persistence points, " + images + " crash images verified");
        assertThat(images).isGreaterThanOrEqualTo(10_000);
    }

    private static void verify(SimulatedMemory image, List<TransferModel.State> history, long returned, String where) {
        try (PoolRuntime rt = PoolRuntime.open(image.memory(), "image", TIMEOUT)) {
            TransferModel.State s = TransferModel.read(rt);
            assertThat(s.committed()).as(where + ": committed count").isBetween(returned, returned + 1);
            assertThat(TransferModel.describe(s)).as(where).isEqualTo(TransferModel.describe(history.get((int) s.committed())));
            TransferModel.assertConsistent(rt, where);
            TransferModel.assertCheckerClean(rt, where);
            TransferModel.step(rt, new Random(s.committed()), null);
            TransferModel.assertConsistent(rt, where + ", one transaction after recovery");
        }
    }

    /** A fresh simulated pool set up before the crash window. */
    private static final class Run implements AutoCloseable {
        final SimulatedMemory sim = SimulatedMemory.create(POOL);
        final PoolRuntime rt;
        final long seed;
        long returned;

        Run(long seed) {
            this.seed = seed;
            PoolHeader.format(sim.memory(), PoolSpec.of(POOL).withLanes(2).withLaneLogBytes(8192), UUID.randomUUID(), 0);
            rt = PoolRuntime.open(sim.memory(), "simulated", TIMEOUT);
            TransferModel.setup(rt);
        }

        /** Runs the transactions; returns the state after each number of commits (0 included). */
        List<TransferModel.State> script(int transactions) {
            Random random = new Random(seed);
            List<TransferModel.State> history = new ArrayList<>();
            history.add(TransferModel.read(rt));
            for (int t = 0; t < transactions; t++) {
                if (TransferModel.step(rt, random, null)) {
                    returned++;
                    history.add(TransferModel.read(rt));
                }
            }
            return history;
        }

        @Override
        public void close() {
            sim.close();
        }
    }
}

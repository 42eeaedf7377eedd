package io.regionpm.alloc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.internal.pmsync.PmsyncStep;
import io.regionpm.alloc.sim.SimulatedPowerLoss;
import io.regionpm.testkit.Seeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A pmsync stopped at every write and force of the journal and the pool file.
 *
 * <p>Power loss there: the disk keeps the forced bytes plus any version of each sector
 * written since (only forced ones, only the latest, random mixes); the pool reopened from
 * that image is exactly as of the previous pmsync or as of the new one, never a mix, and the
 * new one once the journal was forced. An I/O error there: the next pmsync writes everything
 * again, and a power loss after it leaves the pool exactly as of that pmsync.
 */
class PmsyncCrashTest {
    private static final long POOL_BYTES = 8L << 20;
    private static final int SPAN = 130;
    private static final List<CrashingFiles.Choice> IMAGES = List.of(CrashingFiles.Choice.FORCED,
            CrashingFiles.Choice.LATEST, CrashingFiles.Choice.RANDOM, CrashingFiles.Choice.RANDOM,
            CrashingFiles.Choice.RANDOM, CrashingFiles.Choice.RANDOM);

    @TempDir
    Path dir;

    /** Generation per page after the first pmsync (A), the second (B) and the retry (C). */
    private long expected(int state, int offset) {
        boolean s1 = offset % 3 == 0 && offset < 120;
        boolean s2 = offset < 30 || offset >= 40 && offset < 100 && (offset - 40) % 3 == 1;
        boolean s3 = offset % 10 == 5;
        if (state >= 3 && s3) {
            return 3;
        }
        if (state >= 2 && s2) {
            return 2;
        }
        return s1 ? 1 : 0;
    }

    private void stamp(PmsyncStore store, int first, int gen) {
        for (int offset = 0; offset < SPAN; offset++) {
            if (expected(gen, offset) == gen) {
                PmsyncPages.stamp(store.memory(), first + offset, gen);
            }
        }
    }

    /** @return the state (1, 2 or 3) the pages show, or fails naming the first page that fits none */
    private int stateOf(PmsyncStore store, int first, String context) {
        long[] seen = new long[SPAN];
        for (int offset = 0; offset < SPAN; offset++) {
            seen[offset] = PmsyncPages.read(store.memory(), first + offset);
        }
        for (int state = 1; state <= 3; state++) {
            boolean all = true;
            for (int offset = 0; offset < SPAN && all; offset++) {
                all = seen[offset] == expected(state, offset);
            }
            if (all) {
                return state;
            }
        }
        StringBuilder pages = new StringBuilder();
        for (int offset = 0; offset < SPAN; offset++) {
            pages.append(seen[offset]).append(offset % 26 == 25 ? "\n" : " ");
        }
        throw new AssertionError(context + ": the pool is a mix of pmsyncs; generations by page:\n" + pages);
    }

    @Test
    void aPowerLossAtAnyWriteOfAPmsyncLeavesThePreviousOrTheNewStateNeverAMix() {
        long seed = Seeds.seed("PmsyncCrashTest.powerLoss");
        Random random = new Random(seed);
        int[] outcomes = new int[4];
        for (int k = 1; ; k++) {
            if (!crashAtCall(k, random, "seed " + seed + " call " + k, outcomes)) {
                break;
            }
        }
        System.out.println("PmsyncCrashTest: crash images as of the previous pmsync " + outcomes[1]
                + ", as of the new one " + outcomes[2]);
        assertThat(outcomes[1]).as("images without the new pmsync").isPositive();
        assertThat(outcomes[2]).as("images with the new pmsync").isPositive();
    }

    /** @return whether the pmsync crashed (false: call k is past its last call) */
    private boolean crashAtCall(int k, Random random, String context, int[] outcomes) {
        try (PmsyncFixture fx = PmsyncFixture.create(dir, POOL_BYTES, 4)) {
            int first = fx.firstDataPage();
            CrashingFiles files = new CrashingFiles();
            Set<PmsyncStep> reached = EnumSet.noneOf(PmsyncStep.class);
            boolean crashed;
            try (PmsyncStore store = fx.open(files, reached::add)) {
                stamp(store, first, 1);
                store.pmsync();
                stamp(store, first, 2);
                reached.clear();
                files.failAt(files.calls() + k, CrashingFiles.Failure.POWER_LOSS);
                try {
                    store.pmsync();
                    crashed = false;
                } catch (SimulatedPowerLoss e) {
                    crashed = true;
                }
            }
            boolean committed = reached.contains(PmsyncStep.JOURNAL_DURABLE);
            for (CrashingFiles.Choice choice : IMAGES) {
                String where = context + " " + choice + (committed ? " (after the commit point)" : "");
                int state = reopenCrashImage(fx, files, choice, random, first, where);
                if (committed || !crashed) {
                    assertThat(state).as("%s: state after the journal was forced", where).isEqualTo(2);
                }
                outcomes[state]++;
            }
            return crashed;
        }
    }

    private int reopenCrashImage(PmsyncFixture fx, CrashingFiles files, CrashingFiles.Choice choice, Random random,
                                 int first, String context) {
        Path image = dir.resolve("image-" + choice);
        Path workDir = PmsyncFixture.newWorkDir();
        try {
            Files.createDirectories(image);
            Path pool = image.resolve("crashed.pool");
            files.crashImage(fx.pool, pool, choice, random);
            files.crashImage(PmsyncStore.journalPath(fx.pool), PmsyncStore.journalPath(pool), choice, random);
            try (PmsyncStore store = PmsyncStore.open(pool, workDir)) {
                return stateOf(store, first, context);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            PmsyncFixture.deleteTree(workDir);
            PmsyncFixture.deleteTree(image);
        }
    }

    @Test
    void anIoErrorAtAnyWriteOfAPmsyncLosesNothingForTheNextOne() {
        List<Integer> failedAt = new ArrayList<>();
        for (int k = 1; ; k++) {
            try (PmsyncFixture fx = PmsyncFixture.create(dir, POOL_BYTES, 4)) {
                int first = fx.firstDataPage();
                CrashingFiles files = new CrashingFiles();
                try (PmsyncStore store = fx.open(files, step -> { })) {
                    stamp(store, first, 1);
                    store.pmsync();
                    stamp(store, first, 2);
                    files.failAt(files.calls() + k, CrashingFiles.Failure.IO_ERROR);
                    boolean failed;
                    try {
                        store.pmsync();
                        failed = false;
                    } catch (PoolException e) {
                        assertThat(e).hasMessageContaining("injected I/O error").hasMessageContaining("next pmsync");
                        failed = true;
                    }
                    if (!failed) {
                        break;
                    }
                    failedAt.add(k);
                    stamp(store, first, 3);
                    store.pmsync();
                }
                fx.powerLoss();
                try (PmsyncStore store = fx.open()) {
                    assertThat(stateOf(store, first, "I/O error at call " + k)).as("I/O error at call %d", k)
                            .isEqualTo(3);
                }
            }
        }
        assertThat(failedAt).as("calls at which a pmsync failed").hasSizeGreaterThan(10);
    }

    @Test
    void aStoreWhosePmsyncFailedRefusesNothingAndItsNextPmsyncCompletes() {
        try (PmsyncFixture fx = PmsyncFixture.create(dir, POOL_BYTES, 4)) {
            int first = fx.firstDataPage();
            try (PmsyncStore store = fx.open(io.regionpm.alloc.internal.pmsync.DurableFile.CHANNELS, step -> {
                if (step == PmsyncStep.POOL_WRITTEN) {
                    throw new IllegalStateException("stop at " + step);
                }
            })) {
                stamp(store, first, 1);
                assertThatThrownBy(store::pmsync).hasMessageContaining("stop at POOL_WRITTEN");
                assertThat(store.quiescing()).as("the failed pmsync ended its quiesce").isFalse();
                store.enterOperation(0);
                stamp(store, first, 2);
                store.exitOperation(0);
            }
            try (PmsyncStore store = fx.open()) {
                PmsyncStats stats = store.pmsync();
                assertThat(stats.pages()).as("pages of the failed pmsync and the later writes").isEqualTo(
                        java.util.stream.IntStream.range(0, SPAN).filter(o -> expected(2, o) != 0).count());
            }
            fx.powerLoss();
            try (PmsyncStore store = fx.open()) {
                assertThat(stateOf(store, first, "after the retry")).isEqualTo(2);
            }
        }
    }
}

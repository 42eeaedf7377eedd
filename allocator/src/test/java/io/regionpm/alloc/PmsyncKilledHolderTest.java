package io.regionpm.alloc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.internal.pmsync.PmsyncStep;
import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process killed in the middle of its pmsync, at each step. A power loss then leaves the
 * pool as of the previous pmsync or the new one (the new one once the journal was forced);
 * without a power loss, the other processes are not blocked by the quiesce the dead one
 * left, and the next pmsync takes the mutex over and writes everything.
 */
class PmsyncKilledHolderTest {
    private static final long POOL_BYTES = 8L << 20;
    private static final int PAGES = 24;
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private PmsyncFixture fx;
    private int first;

    @BeforeEach
    void createPool() {
        fx = PmsyncFixture.create(dir, POOL_BYTES, 4);
        first = fx.firstDataPage();
    }

    @AfterEach
    void deleteWorkingFiles() {
        fx.close();
    }

    @ParameterizedTest
    @EnumSource(PmsyncStep.class)
    void aPmsyncKilledAtAnyStepIsRepairedByTheNextAndNeverTearsThePool(PmsyncStep step) throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("-Dpmsync.haltAt=" + step), PmsyncChild.class,
                fx.pool.toString(), fx.workDir.toString(), "0", Integer.toString(first), Integer.toString(PAGES))) {
            child.awaitLine("READY", Duration.ofSeconds(60));
            child.send("WRITE 1");
            child.awaitLine("WROTE 1", BOUND);
            child.send("EXIT");
            assertThat(child.awaitExit(BOUND)).as("first child: %s", child.output()).isZero();
        }
        try (PmsyncStore store = fx.open()) {
            store.pmsync();
        }
        try (ChildJvm child = ChildJvm.start(List.of("-Dpmsync.haltAt=" + step), PmsyncChild.class,
                fx.pool.toString(), fx.workDir.toString(), "0", Integer.toString(first), Integer.toString(PAGES))) {
            child.awaitLine("READY", Duration.ofSeconds(60));
            child.send("WRITE 2");
            child.awaitLine("WROTE 2", BOUND);
            child.send("PMSYNC");
            child.awaitLine("HALTING " + step, BOUND);
            assertThat(child.awaitExit(BOUND)).isEqualTo(3);
        }
        int afterPowerLoss = generationAfterPowerLossNow();
        assertThat(afterPowerLoss).as("power loss after a pmsync killed at %s", step).isIn(1, 2);
        if (step.compareTo(PmsyncStep.JOURNAL_DURABLE) >= 0) {
            assertThat(afterPowerLoss).as("killed after the commit point").isEqualTo(2);
        }
        try (PmsyncStore store = fx.open()) {
            CompletableFuture<Void> operation = CompletableFuture.runAsync(() -> {
                store.enterOperation(1);
                PmsyncPages.stamp(store.memory(), first + PAGES, 2);
                store.exitOperation(1);
            }, r -> Thread.ofPlatform().start(r));
            operation.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            PmsyncStats stats = store.pmsync(BOUND);
            int left = step == PmsyncStep.DONE ? 0 : PAGES;
            assertThat(stats.pages()).as("the dead pmsync's pages (unless it finished) and the new one")
                    .isEqualTo(left + 1);
        }
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            for (int p = first; p <= first + PAGES; p++) {
                assertThat(PmsyncPages.read(store.memory(), p)).as("page %d", p).isEqualTo(2);
            }
        }
    }

    /** Copies the pool file and its journal as they are (the working files stay) and opens the copy afresh. */
    private int generationAfterPowerLossNow() throws IOException {
        Path image = Files.createDirectories(dir.resolve("image"));
        Path workDir = PmsyncFixture.newWorkDir();
        try {
            Path pool = image.resolve("copy.pool");
            Files.copy(fx.pool, pool);
            Files.copy(PmsyncStore.journalPath(fx.pool), PmsyncStore.journalPath(pool));
            try (PmsyncStore store = PmsyncStore.open(pool, workDir)) {
                long gen = PmsyncPages.read(store.memory(), first);
                for (int p = first; p < first + PAGES; p++) {
                    assertThat(PmsyncPages.read(store.memory(), p)).as("page %d: one pmsync's state", p).isEqualTo(gen);
                }
                return (int) gen;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            PmsyncFixture.deleteTree(workDir);
            PmsyncFixture.deleteTree(image);
        }
    }
}

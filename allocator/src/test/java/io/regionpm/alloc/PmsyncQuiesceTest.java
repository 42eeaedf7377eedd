package io.regionpm.alloc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.internal.pmsync.DurableFile;
import io.regionpm.alloc.internal.pmsync.PmsyncStep;
import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The quiesce barrier: a pmsync waits for operations in progress and includes them whole;
 * an operation entered during a pmsync waits until the pmsync has copied its pages and is
 * not included; operations go on while the pmsync writes and forces its files; operations
 * nest; an operation of a killed process does not hold pmsync up.
 */
class PmsyncQuiesceTest {
    private static final long POOL_BYTES = 8L << 20;
    /** How long the tests keep an operation (or a pmsync) inside while checking that the other side waits. */
    private static final long HOLD_MILLIS = 200;
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private PmsyncFixture fx;
    private int first;

    @BeforeEach
    void createPool() {
        fx = PmsyncFixture.create(dir, POOL_BYTES, 8);
        first = fx.firstDataPage();
    }

    @AfterEach
    void deleteWorkingFiles() {
        fx.close();
    }

    private static <T> CompletableFuture<T> inThread(java.util.function.Supplier<T> body) {
        return CompletableFuture.supplyAsync(body, r -> Thread.ofPlatform().start(r));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("%s within %s", what, BOUND).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void aPmsyncWaitsForAnOperationInProgressAndIncludesItWhole() throws Exception {
        try (PmsyncStore store = fx.open()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            CompletableFuture<Void> operation = inThread(() -> {
                store.enterOperation(2);
                PmsyncPages.stamp(store.memory(), first, 1);
                entered.countDown();
                await(finish);
                PmsyncPages.stamp(store.memory(), first + 1, 1);
                store.exitOperation(2);
                return null;
            });
            entered.await();
            CompletableFuture<PmsyncStats> pmsync = inThread(store::pmsync);
            awaitTrue(store::quiescing, "the pmsync quiesces");
            Thread.sleep(HOLD_MILLIS); // the operation's length
            assertThat(pmsync).as("a pmsync while an operation is inside").isNotDone();
            finish.countDown();
            PmsyncStats stats = pmsync.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            operation.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(stats.quiesceWait()).isGreaterThanOrEqualTo(Duration.ofMillis(HOLD_MILLIS - 50));
            assertThat(stats.pages()).isEqualTo(2);
        }
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            assertThat(PmsyncPages.read(store.memory(), first)).isEqualTo(1);
            assertThat(PmsyncPages.read(store.memory(), first + 1)).isEqualTo(1);
        }
    }

    @Test
    void anOperationEnteredDuringAPmsyncWaitsUntilItsCopyEndsAndIsNotIncluded() throws Exception {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicLong resumedAt = new AtomicLong(Long.MAX_VALUE);
        try (PmsyncStore store = fx.open(DurableFile.CHANNELS, step -> {
            if (step == PmsyncStep.QUIESCED) {
                paused.countDown();
                await(resume);
            }
        })) {
            store.enterOperation(1);
            PmsyncPages.stamp(store.memory(), first, 1);
            store.exitOperation(1);
            CompletableFuture<PmsyncStats> pmsync = inThread(store::pmsync);
            paused.await();
            AtomicLong enteredAt = new AtomicLong();
            CompletableFuture<Void> late = inThread(() -> {
                store.enterOperation(3);
                enteredAt.set(System.nanoTime());
                PmsyncPages.stamp(store.memory(), first + 1, 1);
                store.exitOperation(3);
                return null;
            });
            Thread.sleep(HOLD_MILLIS); // the pmsync's length
            assertThat(late).as("an operation entered while the pmsync copies").isNotDone();
            resumedAt.set(System.nanoTime());
            resume.countDown();
            assertThat(pmsync.get(BOUND.toSeconds(), TimeUnit.SECONDS).pages()).isEqualTo(1);
            late.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(enteredAt.get()).as("entered after the pmsync resumed").isGreaterThan(resumedAt.get());
            assertThat(PmsyncPages.read(store.memory(), first + 1)).isEqualTo(1);
        }
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            assertThat(PmsyncPages.read(store.memory(), first)).isEqualTo(1);
            assertThat(PmsyncPages.read(store.memory(), first + 1)).as("written after the pmsync").isZero();
        }
    }

    @Test
    void operationsGoOnWhileAPmsyncWritesAndForcesItsFiles() throws Exception {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        try (PmsyncStore store = fx.open(DurableFile.CHANNELS, step -> {
            if (step == PmsyncStep.JOURNAL_WRITTEN) {
                paused.countDown();
                await(resume);
            }
        })) {
            PmsyncPages.stamp(store.memory(), first, 1);
            CompletableFuture<PmsyncStats> pmsync = inThread(store::pmsync);
            paused.await();
            assertThat(store.quiescing()).as("after the copy").isFalse();
            inThread(() -> {
                store.enterOperation(3);
                PmsyncPages.stamp(store.memory(), first, 2);
                PmsyncPages.stamp(store.memory(), first + 1, 2);
                store.exitOperation(3);
                return null;
            }).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            resume.countDown();
            assertThat(pmsync.get(BOUND.toSeconds(), TimeUnit.SECONDS).pages()).isEqualTo(1);
            assertThat(store.dirtyPages()).as("written during the pmsync's I/O: dirty for the next").isEqualTo(2);
        }
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            assertThat(PmsyncPages.read(store.memory(), first)).as("as copied by the pmsync").isEqualTo(1);
            assertThat(PmsyncPages.read(store.memory(), first + 1)).isZero();
        }
    }

    @Test
    void operationsNestAndAPmsyncInsideOneIsRefused() throws Exception {
        try (PmsyncStore store = fx.open()) {
            store.enterOperation(1);
            store.enterOperation(1);
            store.enterOperation();
            store.enterOperation(4);
            assertThatThrownBy(store::pmsync).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("inside an operation");
            store.exitOperation(4);
            store.exitOperation();
            store.exitOperation(1);
            assertThatThrownBy(() -> inThread(() -> store.pmsync(Duration.ofMillis(HOLD_MILLIS))).join())
                    .hasCauseInstanceOf(LockTimeoutException.class).hasMessageContaining("lane 1");
            assertThat(store.quiescing()).as("a timed-out pmsync ends its quiesce").isFalse();
            store.exitOperation(1);
            assertThat(inThread(store::pmsync).get(BOUND.toSeconds(), TimeUnit.SECONDS).joined()).isFalse();
            assertThatThrownBy(() -> store.exitOperation(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(store::exitOperation).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> store.enterOperation(8)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closingAStoreInsideOperationsHoldsNoPmsyncUp() {
        try (PmsyncStore other = fx.open()) {
            PmsyncStore store = fx.open();
            store.enterOperation(6);
            store.enterOperation();
            store.close();
            assertThat(other.pmsync(Duration.ofSeconds(10)).joined()).isFalse();
        }
    }

    @Test
    void anOperationOutsideLanesHoldsAPmsyncUpLikeOneInALane() {
        try (PmsyncStore store = fx.open()) {
            store.enterOperation();
            assertThatThrownBy(() -> inThread(() -> store.pmsync(Duration.ofMillis(HOLD_MILLIS))).join())
                    .hasCauseInstanceOf(LockTimeoutException.class).hasMessageContaining("outside lanes");
            store.exitOperation();
            assertThat(inThread(store::pmsync).join().joined()).isFalse();
        }
    }

    @Test
    void aKilledProcessThatHeldALaneDoesNotBlockPmsync() throws Exception {
        try (PmsyncStore store = fx.open();
             ChildJvm child = ChildJvm.start(PmsyncChild.class, fx.pool.toString(), fx.workDir.toString(), "5",
                     Integer.toString(first + 10), "4")) {
            child.awaitLine("READY", Duration.ofSeconds(60));
            child.send("WRITE 7");
            child.awaitLine("WROTE", BOUND);
            child.send("HOLD");
            child.awaitLine("HOLDING", BOUND);
            assertThatThrownBy(() -> store.pmsync(Duration.ofMillis(HOLD_MILLIS)))
                    .isInstanceOf(LockTimeoutException.class).hasMessageContaining("lane 5")
                    .hasMessageContaining("process " + child.pid());
            child.killHard();
            long start = System.nanoTime();
            PmsyncStats stats = store.pmsync(BOUND);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(stats.pages()).as("the child's pages, written before it held the lane").isEqualTo(4);
        }
    }

    @Test
    void concurrentPmsyncsOfManyThreadsEachCoverTheirOwnWrites() throws Exception {
        int threads = 6;
        int rounds = 30;
        CompletableFuture<?>[] all = new CompletableFuture<?>[threads];
        long[] joined = new long[threads];
        try (PmsyncStore store = fx.open()) {
            for (int t = 0; t < threads; t++) {
                int me = t;
                all[t] = inThread(() -> {
                    for (int r = 1; r <= rounds; r++) {
                        store.enterOperation(me);
                        PmsyncPages.stamp(store.memory(), first + me, r);
                        store.exitOperation(me);
                        joined[me] += store.pmsync().joined() ? 1 : 0;
                    }
                    return null;
                });
            }
            CompletableFuture.allOf(all).get(BOUND.toSeconds() * 2, TimeUnit.SECONDS);
        }
        System.out.println("PmsyncQuiesceTest: pmsyncs that joined another's: " + java.util.Arrays.stream(joined).sum()
                + " of " + threads * rounds);
        fx.powerLoss();
        try (PmsyncStore store = fx.open()) {
            for (int t = 0; t < threads; t++) {
                assertThat(PmsyncPages.read(store.memory(), first + t)).as("thread %d's last write", t).isEqualTo(rounds);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released within " + BOUND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package io.regionpm.alloc.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.FutexResult;
import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Futex wait and wake on a pool word: a wake from this JVM reaches a sleeper in another JVM
 * that maps the same pool, and the in-process outcomes (value changed, timeout, woken by
 * another thread) are reported as such.
 */
class FutexCrossProcessTest {
    private static final long POOL_BYTES = 64L << 20;
    private static final Duration WAKE_DEADLINE = Duration.ofSeconds(30);
    private static final long WAKE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    @TempDir
    Path dir;

    private Path pool;

    @AfterEach
    void deleteShmPool() throws IOException {
        PoolPaths.deleteShm(pool);
    }

    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"FILE", "SHM"})
    void aWakeFromThisProcessReachesASleeperInAnother(BackendKind kind) {
        pool = PoolPaths.of(kind, dir, "futex");
        try (PoolFile file = PoolFile.create(pool, PoolSpec.of(POOL_BYTES))) {
            PersistentMemory pm = file.memory();
            assertThat(pm.backendKind()).isEqualTo(kind);
            long word = zeroedWord(file);
            try (ChildJvm child = ChildJvm.start(FutexWaiterChild.class, pool.toString(), Long.toString(word))) {
                child.awaitLine("WAITING", Duration.ofSeconds(60));
                int attempts = wakeOneSleeper(pm, word, child);
                assertThat(child.awaitExit(Duration.ofSeconds(30))).as("child exit; output:%n%s", child.output())
                        .isZero();
                assertThat(child.output()).contains("RESULT WOKEN");
                System.out.println("futex " + kind + ": a sleeper in child " + child.pid() + " woken after "
                        + attempts + " wake attempts");
            }
        }
    }

    /**
     * Wakes until one waiter is woken: a wake returns 1 only if a thread slept on this very
     * word, and the only candidate is the child, in another process.
     */
    private static int wakeOneSleeper(PersistentMemory pm, long word, ChildJvm child) {
        long deadline = System.nanoTime() + WAKE_DEADLINE.toNanos();
        int attempts = 0;
        while (true) {
            int woken = pm.futexWake(word, 1);
            attempts++;
            if (woken != 0) {
                assertThat(woken).as("waiters woken").isEqualTo(1);
                return attempts;
            }
            assertThat(child.isAlive()).as("child ended without being woken; output:%n%s", child.output()).isTrue();
            assertThat(System.nanoTime() - deadline).as("no sleeper on the word within %s; child output:%n%s",
                    WAKE_DEADLINE, child.output()).isNegative();
            LockSupport.parkNanos(WAKE_PAUSE_NANOS);
        }
    }

    @Test
    void waitReportsAChangedValueATimeoutAndAWakeInProcess() {
        pool = PoolPaths.of(BackendKind.FILE, dir, "futex-local");
        try (PoolFile file = PoolFile.create(pool, PoolSpec.of(POOL_BYTES))) {
            PersistentMemory pm = file.memory();
            long word = zeroedWord(file);

            pm.setIntVolatile(word, 7);
            assertThat(pm.futexWait(word, 0, Duration.ofSeconds(10))).isEqualTo(FutexResult.VALUE_CHANGED);

            long start = System.nanoTime();
            assertThat(pm.futexWait(word, 7, Duration.ofMillis(50))).isEqualTo(FutexResult.TIMED_OUT);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsedMs).as("timed wait length").isBetween(45L, 5_000L);

            assertThat(pm.futexWake(word, Integer.MAX_VALUE)).as("nobody sleeps yet").isZero();

            CompletableFuture<FutexResult> sleeper = CompletableFuture.supplyAsync(
                    () -> pm.futexWait(word, 7, Duration.ofSeconds(60)), runnable -> Thread.ofPlatform().start(runnable));
            long deadline = System.nanoTime() + WAKE_DEADLINE.toNanos();
            while (pm.futexWake(word, 1) == 0) {
                assertThat(sleeper).as("the sleeping thread ended before a wake").isNotDone();
                assertThat(System.nanoTime() - deadline).as("no sleeper within %s", WAKE_DEADLINE).isNegative();
                LockSupport.parkNanos(WAKE_PAUSE_NANOS);
            }
            assertThat(sleeper.join()).isEqualTo(FutexResult.WOKEN);
        }
    }

    /** @return the offset of a 4-byte word holding 0 inside a block allocated in the data region */
    private static long zeroedWord(PoolFile file) {
        Heap heap = Heap.attach(file);
        long block;
        try (Lane lane = heap.acquireLane()) {
            block = lane.allocate(64, Lane.NO_SLOT);
        }
        heap.close();
        file.memory().setIntVolatile(block, 0);
        file.memory().persist(block, 4);
        return block;
    }
}

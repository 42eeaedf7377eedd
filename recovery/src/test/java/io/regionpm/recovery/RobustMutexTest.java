package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.LockTimeoutException;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mutual exclusion across threads and JVMs, timeouts, and takeover from a killed owner. */
class RobustMutexTest {
    private static final int ENTRIES = 8;
    private static final DeadProcessRecovery NO_DEAD_OWNER = (e, g) -> {
        throw new AssertionError("no dead owner expected, found entry " + e);
    };

    @TempDir
    Path dir;

    /** The registry, mutex and counter at fixed places of the pool's data region. */
    record Layout(PersistentMemory pm, ProcessRegistry registry, RobustMutex mutex, long counter) {
        static Layout of(PoolFile file) {
            PersistentMemory pm = file.memory();
            long base = file.descriptor().geometry().dataOffset();
            ProcessRegistry registry = new ProcessRegistry(pm, base, ENTRIES);
            long mutexAt = base + (long) ENTRIES * ProcessRegistry.ENTRY_BYTES;
            return new Layout(pm, registry, new RobustMutex(pm, mutexAt, registry), mutexAt + RobustMutex.BYTES);
        }

        void increment(Registration me, DeadProcessRecovery recovery) {
            mutex.lock(me, Duration.ofSeconds(60), recovery);
            try {
                pm.setLong(counter, pm.getLong(counter) + 1);
            } finally {
                mutex.unlock(me);
            }
        }
    }

    private Path newPool() {
        Path p = dir.resolve("mutex.pool");
        PoolFile.create(p, PoolSpec.of(1L << 20)).close();
        return p;
    }

    @Test
    void threadsWithTheirOwnRegistrationsExcludeEachOther() throws Exception {
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Registration me = l.registry().register(1, NO_DEAD_OWNER);
                workers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        l.increment(me, NO_DEAD_OWNER);
                    }
                }, r -> Thread.ofPlatform().start(r)));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(l.pm().getLong(l.counter())).isEqualTo(60_000);
            assertThat(l.mutex().ownerAcquire()).isZero();
        }
    }

    @Test
    void aLiveOwnerMakesOthersTimeOutAndUnlockByANonOwnerIsRefused() {
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            Registration a = l.registry().register(1, NO_DEAD_OWNER);
            Registration b = l.registry().register(1, NO_DEAD_OWNER);
            l.mutex().lock(a, Duration.ofSeconds(1), NO_DEAD_OWNER);
            assertThatThrownBy(() -> l.mutex().lock(b, Duration.ofMillis(50), NO_DEAD_OWNER))
                    .isInstanceOf(LockTimeoutException.class).hasMessageContaining("registry entry " + a.entry());
            assertThatThrownBy(() -> l.mutex().unlock(b)).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(l.mutex().ownerAcquire()).isEqualTo(RobustMutex.ownerWord(a));
            l.mutex().unlock(a);
            l.mutex().lock(b, Duration.ofSeconds(1), NO_DEAD_OWNER);
            l.mutex().unlock(b);
        }
    }

    /** Registers, then either increments N times and exits, or takes the lock and waits. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try (PoolFile file = PoolFile.open(Path.of(args[0]))) {
                Layout l = Layout.of(file);
                Registration me = l.registry().register(1, (e, g) -> { });
                if (args[1].equals("hold")) {
                    l.mutex().lock(me, Duration.ofSeconds(60), (e, g) -> { });
                    System.out.println("LOCKED " + me.entry());
                    Thread.sleep(Long.MAX_VALUE);
                }
                System.out.println("READY");
                new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
                int n = Integer.parseInt(args[1]);
                for (int i = 0; i < n; i++) {
                    l.increment(me, (e, g) -> { });
                }
                l.registry().deregister(me);
                System.out.println("DONE " + n);
            }
        }
    }

    @Test
    void twoJvmsIncrementingUnderTheLockLoseNoUpdate() {
        Path pool = newPool();
        int n = 20_000;
        try (ChildJvm a = ChildJvm.start(Child.class, pool.toString(), Integer.toString(n));
             ChildJvm b = ChildJvm.start(Child.class, pool.toString(), Integer.toString(n))) {
            a.awaitLine("READY", Duration.ofSeconds(60));
            b.awaitLine("READY", Duration.ofSeconds(60));
            a.send("GO");
            b.send("GO");
            a.awaitLine("DONE", Duration.ofSeconds(120));
            b.awaitLine("DONE", Duration.ofSeconds(120));
            assertThat(a.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(b.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        try (PoolFile file = PoolFile.open(pool)) {
            assertThat(file.memory().getLong(Layout.of(file).counter())).isEqualTo(2L * n);
        }
    }

    @Test
    void aWaiterTakesTheLockOverFromAKilledOwnerAfterRecoveringIt() throws Exception {
        Path pool = newPool();
        try (PoolFile file = PoolFile.open(pool); ChildJvm holder = ChildJvm.start(Child.class, pool.toString(), "hold")) {
            Layout l = Layout.of(file);
            int deadEntry = Integer.parseInt(holder.awaitLine("LOCKED", Duration.ofSeconds(60)).split(" ")[1]);
            Registration me = l.registry().register(1, NO_DEAD_OWNER);
            assertThatThrownBy(() -> l.mutex().lock(me, Duration.ofMillis(100), NO_DEAD_OWNER))
                    .as("the holder is alive").isInstanceOf(LockTimeoutException.class);
            List<Integer> recovered = new ArrayList<>();
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(
                    () -> l.mutex().lock(me, Duration.ofSeconds(60), (e, g) -> recovered.add(e)),
                    r -> Thread.ofPlatform().start(r));
            holder.killHard();
            waiter.get(60, TimeUnit.SECONDS);
            assertThat(recovered).containsExactly(deadEntry);
            assertThat(l.mutex().ownerAcquire()).isEqualTo(RobustMutex.ownerWord(me));
            l.mutex().unlock(me);
        }
    }
}

package io.regionpm.recovery;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.regionpm.alloc.LockTimeoutException;
import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Readers exclude writers and writers each other, across threads and JVMs; writer preference;
 * timeouts naming the holder; a killed writer or reader is recovered and its hold cleared.
 */
class RobustRwLockTest {
    private static final int ENTRIES = 8;
    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final DeadProcessRecovery NO_DEAD_HOLDER = (e, g) -> {
        throw new AssertionError("no dead holder expected, found entry " + e);
    };

    @TempDir
    Path dir;

    /** The registry, lock and two counters (kept equal by writers) at fixed places of the pool's data region. */
    record Layout(PersistentMemory pm, ProcessRegistry registry, RobustRwLock lock, long first, long second) {
        static Layout of(PoolFile file) {
            PersistentMemory pm = file.memory();
            long base = file.descriptor().geometry().dataOffset();
            ProcessRegistry registry = new ProcessRegistry(pm, base, ENTRIES);
            long lockAt = base + (long) ENTRIES * ProcessRegistry.ENTRY_BYTES;
            long counters = lockAt + RobustRwLock.bytes(ENTRIES);
            return new Layout(pm, registry, new RobustRwLock(pm, lockAt, registry), counters, counters + Long.BYTES);
        }

        /** Increments both counters in place, plain read-modify-writes, under the write lock. */
        void increment(Registration me, DeadProcessRecovery recovery) {
            lock.writeLock(me, LONG, recovery);
            try {
                pm.setLong(first, pm.getLong(first) + 1);
                widenTheWindow();
                pm.setLong(second, pm.getLong(second) + 1);
            } finally {
                lock.writeUnlock(me);
            }
        }

        /** @return whether both counters read the same under the read lock */
        boolean countersAgree(Registration me, DeadProcessRecovery recovery) {
            lock.readLock(me, LONG, recovery);
            try {
                long a = pm.getLong(first);
                widenTheWindow();
                return a == pm.getLong(second);
            } finally {
                lock.readUnlock(me);
            }
        }

        /** Between the two counters' accesses, so that a lock that does not exclude is caught. */
        private static void widenTheWindow() {
            for (int i = 0; i < 128; i++) {
                Thread.onSpinWait();
            }
        }

        void assertFree() {
            assertThat(lock.writerAcquire()).as("writer word").isZero();
            for (int i = 0; i < ENTRIES; i++) {
                assertThat(lock.readersAcquire(i)).as("readers word of entry %d", i).isZero();
            }
        }
    }

    private Path newPool() {
        Path p = dir.resolve("rwlock.pool");
        PoolFile.create(p, PoolSpec.of(1L << 20)).close();
        return p;
    }

    private static CompletableFuture<Void> inThread(Runnable work) {
        return CompletableFuture.runAsync(work, r -> Thread.ofPlatform().start(r));
    }

    @Test
    void readersNeverSeeAHalfDoneWriteAndWritersLoseNoUpdate() throws Exception {
        int writes = Stress.scale(20_000, 400_000);
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            AtomicLong disagreements = new AtomicLong();
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Registration me = l.registry().register(1, NO_DEAD_HOLDER);
                writers.add(inThread(() -> {
                    for (int i = 0; i < writes; i++) {
                        l.increment(me, NO_DEAD_HOLDER);
                    }
                }));
            }
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Registration me = l.registry().register(1, NO_DEAD_HOLDER);
                readers.add(inThread(() -> {
                    while (writing.get()) {
                        reads.incrementAndGet();
                        if (!l.countersAgree(me, NO_DEAD_HOLDER)) {
                            disagreements.incrementAndGet();
                        }
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            writing.set(false);
            CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(disagreements.get()).as("reads that saw the counters differ, of %d", reads.get()).isZero();
            assertThat(reads.get()).as("reads done while writers ran").isPositive();
            assertThat(l.pm().getLong(l.first())).isEqualTo(2L * writes);
            assertThat(l.pm().getLong(l.second())).isEqualTo(2L * writes);
            l.assertFree();
        }
    }

    @Test
    void aLiveWriterMakesWritersAndReadersTimeOutNamingIt() {
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            Registration writer = l.registry().register(1, NO_DEAD_HOLDER);
            Registration other = l.registry().register(1, NO_DEAD_HOLDER);
            l.lock().writeLock(writer, LONG, NO_DEAD_HOLDER);
            assertTimesOutNaming(() -> l.lock().writeLock(other, SHORT, NO_DEAD_HOLDER), writer);
            assertTimesOutNaming(() -> l.lock().readLock(other, SHORT, NO_DEAD_HOLDER), writer);
            assertThatThrownBy(() -> l.lock().writeLock(writer, SHORT, NO_DEAD_HOLDER))
                    .as("not reentrant").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> l.lock().readLock(writer, SHORT, NO_DEAD_HOLDER))
                    .as("no downgrade").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> l.lock().writeUnlock(other)).isInstanceOf(IllegalMonitorStateException.class);
            assertThatThrownBy(() -> l.lock().readUnlock(other)).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(l.lock().writerAcquire()).isEqualTo(RobustMutex.ownerWord(writer));
            assertThat(l.lock().readersAcquire(other.entry())).as("the timed-out reader backed out").isZero();
            l.lock().writeUnlock(writer);
            l.lock().readLock(other, SHORT, NO_DEAD_HOLDER);
            l.lock().readUnlock(other);
            l.assertFree();
        }
    }

    @Test
    void aLiveReaderMakesAWriterTimeOutButLetsAnotherReaderIn() {
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            Registration reader = l.registry().register(1, NO_DEAD_HOLDER);
            Registration another = l.registry().register(1, NO_DEAD_HOLDER);
            Registration writer = l.registry().register(1, NO_DEAD_HOLDER);
            l.lock().readLock(reader, LONG, NO_DEAD_HOLDER);
            assertTimesOutNaming(() -> l.lock().writeLock(writer, SHORT, NO_DEAD_HOLDER), reader);
            assertThat(l.lock().writerAcquire()).as("the timed-out writer gave its word back").isZero();
            l.lock().readLock(another, SHORT, NO_DEAD_HOLDER);
            assertThat(l.lock().readersAcquire(another.entry())).isEqualTo(RobustRwLock.readersWord(another, 1));
            assertThatThrownBy(() -> l.lock().writeUnlock(reader)).isInstanceOf(IllegalMonitorStateException.class);
            l.lock().readUnlock(reader);
            l.lock().readUnlock(another);
            l.lock().writeLock(writer, SHORT, NO_DEAD_HOLDER);
            l.lock().writeUnlock(writer);
            l.assertFree();
        }
    }

    @Test
    void readHoldsOfOneRegistrationNestByCount() {
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            Registration reader = l.registry().register(1, NO_DEAD_HOLDER);
            Registration writer = l.registry().register(1, NO_DEAD_HOLDER);
            for (int holds = 1; holds <= 3; holds++) {
                l.lock().readLock(reader, SHORT, NO_DEAD_HOLDER);
                assertThat(l.lock().readersAcquire(reader.entry())).isEqualTo(RobustRwLock.readersWord(reader, holds));
            }
            for (int holds = 2; holds >= 0; holds--) {
                assertTimesOutNaming(() -> l.lock().writeLock(writer, SHORT, NO_DEAD_HOLDER), reader);
                l.lock().readUnlock(reader);
                assertThat(l.lock().readersAcquire(reader.entry()))
                        .isEqualTo(holds == 0 ? 0 : RobustRwLock.readersWord(reader, holds));
            }
            assertThatThrownBy(() -> l.lock().readUnlock(reader)).isInstanceOf(IllegalMonitorStateException.class);
            l.lock().writeLock(writer, SHORT, NO_DEAD_HOLDER);
            l.lock().writeUnlock(writer);
            l.assertFree();
        }
    }

    @Test
    void aWaitingWriterKeepsNewReadersOutAndGetsInWhenTheReaderLeaves() throws Exception {
        try (PoolFile file = PoolFile.open(newPool())) {
            Layout l = Layout.of(file);
            Registration reader = l.registry().register(1, NO_DEAD_HOLDER);
            Registration late = l.registry().register(1, NO_DEAD_HOLDER);
            Registration writer = l.registry().register(1, NO_DEAD_HOLDER);
            l.lock().readLock(reader, LONG, NO_DEAD_HOLDER);
            CompletableFuture<Void> waiting = inThread(() -> l.lock().writeLock(writer, LONG, NO_DEAD_HOLDER));
            awaitWriterWord(l, RobustMutex.ownerWord(writer));
            assertTimesOutNaming(() -> l.lock().readLock(late, SHORT, NO_DEAD_HOLDER), writer);
            assertTimesOutNaming(() -> l.lock().readLock(reader, SHORT, NO_DEAD_HOLDER), writer);
            assertThat(l.lock().readersAcquire(reader.entry()))
                    .as("a nested read waits for the waiting writer too (not recursive)")
                    .isEqualTo(RobustRwLock.readersWord(reader, 1));
            assertThat(waiting).isNotDone();
            l.lock().readUnlock(reader);
            waiting.get(60, TimeUnit.SECONDS);
            l.lock().writeUnlock(writer);
            l.lock().readLock(late, SHORT, NO_DEAD_HOLDER);
            l.lock().readUnlock(late);
            l.assertFree();
        }
    }

    private static void awaitWriterWord(Layout l, long word) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (l.lock().writerAcquire() != word) {
            assertThat(System.nanoTime()).as("writer word set within %s", LONG).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static void assertTimesOutNaming(Runnable lock, Registration holder) {
        long start = System.nanoTime();
        assertThatThrownBy(lock::run).isInstanceOf(LockTimeoutException.class)
                .hasMessageContaining("registry entry " + holder.entry());
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).as("gave up after the timeout, not long after").isBetween(SHORT, SHORT.plusSeconds(2));
    }

    /**
     * Registers, then either takes the lock ({@code write} or {@code read}) and waits to be
     * killed, or (argument N) increments N times while a second registration reads.
     */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try (PoolFile file = PoolFile.open(Path.of(args[0]))) {
                Layout l = Layout.of(file);
                Registration me = l.registry().register(1, (e, g) -> { });
                switch (args[1]) {
                    case "write" -> l.lock().writeLock(me, LONG, (e, g) -> { });
                    case "read" -> l.lock().readLock(me, LONG, (e, g) -> { });
                    default -> {
                        incrementWhileReading(l, me, Integer.parseInt(args[1]));
                        return;
                    }
                }
                System.out.println("LOCKED " + me.entry());
                Thread.sleep(Long.MAX_VALUE);
            }
        }

        private static void incrementWhileReading(Layout l, Registration me, int n) throws Exception {
            Registration reader = l.registry().register(1, (e, g) -> { });
            System.out.println("READY");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            AtomicBoolean writing = new AtomicBoolean(true);
            long[] readsAndDisagreements = new long[2];
            Thread reading = Thread.ofPlatform().start(() -> {
                while (writing.get()) {
                    readsAndDisagreements[0]++;
                    if (!l.countersAgree(reader, (e, g) -> { })) {
                        readsAndDisagreements[1]++;
                    }
                }
            });
            for (int i = 0; i < n; i++) {
                l.increment(me, (e, g) -> { });
            }
            writing.set(false);
            reading.join();
            l.registry().deregister(reader);
            l.registry().deregister(me);
            System.out.println("DONE " + n + " " + readsAndDisagreements[0] + " " + readsAndDisagreements[1]);
        }
    }

    @Test
    void twoJvmsWritingAndReadingUnderTheLockLoseNoUpdateAndSeeNoHalfWrite() {
        Path pool = newPool();
        int n = Stress.scale(10_000, 200_000);
        List<String> done = new ArrayList<>();
        try (ChildJvm a = ChildJvm.start(Child.class, pool.toString(), Integer.toString(n));
             ChildJvm b = ChildJvm.start(Child.class, pool.toString(), Integer.toString(n))) {
            a.awaitLine("READY", LONG);
            b.awaitLine("READY", LONG);
            a.send("GO");
            b.send("GO");
            done.add(a.awaitLine("DONE", Duration.ofSeconds(120)));
            done.add(b.awaitLine("DONE", Duration.ofSeconds(120)));
            assertThat(a.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(b.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        for (String line : done) {
            String[] f = line.split(" ");
            assertThat(Long.parseLong(f[3])).as("reads that saw the counters differ: %s", line).isZero();
            assertThat(Long.parseLong(f[2])).as("reads: %s", line).isPositive();
        }
        try (PoolFile file = PoolFile.open(pool)) {
            Layout l = Layout.of(file);
            assertThat(l.pm().getLong(l.first())).isEqualTo(2L * n);
            assertThat(l.pm().getLong(l.second())).isEqualTo(2L * n);
            l.assertFree();
        }
    }

    @Test
    void aKilledWriterIsRecoveredAndThenReadersAndWritersGetIn() throws Exception {
        Path pool = newPool();
        try (PoolFile file = PoolFile.open(pool); ChildJvm holder = ChildJvm.start(Child.class, pool.toString(), "write")) {
            Layout l = Layout.of(file);
            int deadEntry = Integer.parseInt(holder.awaitLine("LOCKED", LONG).split(" ")[1]);
            Registration reader = l.registry().register(1, NO_DEAD_HOLDER);
            Registration writer = l.registry().register(1, NO_DEAD_HOLDER);
            assertThatThrownBy(() -> l.lock().readLock(reader, SHORT, NO_DEAD_HOLDER))
                    .as("the holder is alive").isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("registry entry " + deadEntry);
            Queue<Integer> recovered = new ConcurrentLinkedQueue<>();
            DeadProcessRecovery recording = (e, g) -> recovered.add(e);
            CompletableFuture<Void> reading = inThread(() -> {
                l.lock().readLock(reader, LONG, recording);
                l.lock().readUnlock(reader);
            });
            CompletableFuture<Void> writing = inThread(() -> {
                l.lock().writeLock(writer, LONG, recording);
                l.lock().writeUnlock(writer);
            });
            holder.killHard();
            CompletableFuture.allOf(reading, writing).get(60, TimeUnit.SECONDS);
            assertThat(recovered).as("recovered entries").isNotEmpty().containsOnly(deadEntry);
            l.assertFree();
        }
    }

    @Test
    void aKilledReaderIsClearedByTheWaitingWriterAfterItsRecovery() throws Exception {
        Path pool = newPool();
        try (PoolFile file = PoolFile.open(pool); ChildJvm holder = ChildJvm.start(Child.class, pool.toString(), "read")) {
            Layout l = Layout.of(file);
            int deadEntry = Integer.parseInt(holder.awaitLine("LOCKED", LONG).split(" ")[1]);
            Registration writer = l.registry().register(1, NO_DEAD_HOLDER);
            Registration reader = l.registry().register(1, NO_DEAD_HOLDER);
            assertThatThrownBy(() -> l.lock().writeLock(writer, SHORT, NO_DEAD_HOLDER))
                    .as("the reader is alive").isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("registry entry " + deadEntry);
            l.lock().readLock(reader, SHORT, NO_DEAD_HOLDER);
            l.lock().readUnlock(reader);
            Queue<Integer> recovered = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> writing = inThread(() -> l.lock().writeLock(writer, LONG, (e, g) -> recovered.add(e)));
            holder.killHard();
            writing.get(60, TimeUnit.SECONDS);
            assertThat(recovered).as("recovered entries").containsExactly(deadEntry);
            assertThat(l.lock().readersAcquire(deadEntry)).as("the dead reader's word").isZero();
            assertThat(l.lock().writerAcquire()).isEqualTo(RobustMutex.ownerWord(writer));
            l.lock().writeUnlock(writer);
            l.assertFree();
        }
    }
}

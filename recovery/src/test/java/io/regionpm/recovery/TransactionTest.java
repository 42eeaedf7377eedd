package io.regionpm.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolHeader;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.alloc.sim.SimulatedMemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transaction API: commit, abort, allocation and free, nesting, limits, bad input, threads. */
class TransactionTest {
    private static final long SIZE = 4L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    enum Backend { FILE, SIMULATED }

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    private PoolRuntime open(Backend backend) {
        PersistentMemory pm;
        if (backend == Backend.FILE) {
            Path p = dir.resolve("tx.pool");
            PoolFile.create(p, PoolSpec.of(SIZE).withLanes(8).withLaneLogBytes(8192)).close();
            PoolFile file = PoolFile.open(p);
            open.add(file);
            pm = file.memory();
        } else {
            SimulatedMemory sim = SimulatedMemory.create(SIZE);
            open.add(sim);
            PoolHeader.format(sim.memory(), PoolSpec.of(SIZE).withLanes(8).withLaneLogBytes(8192), UUID.randomUUID(), 0);
            pm = sim.memory();
        }
        PoolRuntime rt = PoolRuntime.open(pm, backend.name(), TIMEOUT);
        open.add(0, rt);
        return rt;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static long allocated(PoolRuntime rt) {
        AtomicLong n = new AtomicLong();
        rt.heap().forEachAllocated(b -> n.incrementAndGet());
        return n.get();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void commitAppliesEverythingAndAbortNothing(Backend backend) {
        PoolRuntime rt = open(backend);
        PersistentMemory pm = rt.memory();
        long a = rt.root().slot(0);
        long b = rt.root().slot(1);
        long block = rt.transaction(() -> {
            Transaction tx = rt.current();
            long x = tx.allocate(100);
            pm.setLong(x, 7);
            tx.setLong(a, x);
            tx.snapshot(b, 8);
            pm.setLong(b, 42);
            assertThat(pm.getLong(a)).as("a redo write is not visible before commit").isZero();
            assertThat(tx.getLong(a)).as("but the transaction reads its own writes").isEqualTo(x);
            return x;
        });
        assertThat(pm.getLong(a)).isEqualTo(block);
        assertThat(pm.getLong(b)).isEqualTo(42);
        assertThat(rt.heap().usableSize(block)).isGreaterThanOrEqualTo(100);
        long before = allocated(rt);
        assertThatThrownBy(() -> rt.transaction(() -> {
            Transaction tx = rt.current();
            tx.snapshot(b, 8);
            pm.setLong(b, 99);
            tx.setLong(a, 0);
            tx.allocate(5000);
            tx.allocate(200_000);
            tx.free(block);
            assertThat(rt.heap().usableSize(block)).as("a free takes effect at commit").isPositive();
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(pm.getLong(a)).isEqualTo(block);
        assertThat(pm.getLong(b)).as("the in-place write is undone").isEqualTo(42);
        assertThat(allocated(rt)).as("aborted allocations released, the free not done").isEqualTo(before);
        rt.transaction(() -> {
            rt.current().free(rt.current().getLong(a));
            rt.current().setLong(a, 0);
        });
        assertThat(allocated(rt)).isEqualTo(before - 1);
        assertThat(rt.current()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nestingIsFlatAndAnExceptionOutOfTheOutermostAbortsTheInnerToo(Backend backend) {
        PoolRuntime rt = open(backend);
        long a = rt.root().slot(0);
        long result = rt.transaction(() -> {
            Transaction outer = rt.current();
            long inner = rt.transaction(() -> {
                assertThat(rt.current()).isSameAs(outer);
                rt.current().setLong(a, 5);
                return 6L;
            });
            return inner + outer.getLong(a);
        });
        assertThat(result).isEqualTo(11);
        assertThatThrownBy(() -> rt.transaction(() -> {
            rt.transaction(() -> rt.current().setLong(a, 77));
            throw new ArithmeticException("outer fails");
        })).isInstanceOf(ArithmeticException.class);
        assertThat(rt.memory().getLong(a)).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void badInputIsRefusedClearlyAndChangesNothing(Backend backend) {
        PoolRuntime rt = open(backend);
        long a = rt.root().slot(0);
        rt.transaction(() -> rt.current().setLong(a, 1));
        long data = rt.geometry().dataOffset();
        assertThatThrownBy(() -> rt.transaction(() -> {
            rt.current().setLong(a, 2);
            rt.current().snapshot(data, 64L << 10);
        })).isInstanceOf(TransactionTooLargeException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> rt.transaction(() -> rt.current().setLong(rt.geometry().superblockTableOffset(), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data region or root area");
        assertThatThrownBy(() -> rt.transaction(() -> rt.current().setLong(a + 3, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rt.transaction(() -> {
            rt.current().setLong(a, 3);
            rt.current().free(data + 8);
        })).isInstanceOf(PoolCorruptedException.class);
        assertThat(rt.memory().getLong(a)).isEqualTo(1);
        Transaction[] escaped = {null};
        rt.transaction(() -> {
            escaped[0] = rt.current();
        });
        assertThatThrownBy(() -> escaped[0].setLong(a, 4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
        rt.close();
        assertThatThrownBy(() -> rt.transaction(() -> { })).isInstanceOf(PoolClosedException.class);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void threadsOfOneProcessExcludeEachOtherThroughThePoolLocks(Backend backend) throws Exception {
        PoolRuntime rt = open(backend);
        PersistentMemory pm = rt.memory();
        RobustMutex mutex = new RobustMutex(pm, rt.root().slot(10), rt.registry());
        long rwAt = rt.root().slot(20);
        RobustRwLock rw = new RobustRwLock(pm, rwAt, rt.registry());
        long c1 = rt.root().slot(100);
        long c2 = rt.root().slot(101);
        long c3 = rt.root().slot(102);
        int perThread = backend == Backend.FILE ? 300 : 2_000;
        AtomicLong torn = new AtomicLong();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            workers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perThread; i++) {
                    rt.transaction(() -> {
                        Transaction tx = rt.current();
                        tx.lock(mutex);
                        tx.snapshot(c1, 8);
                        pm.setLong(c1, pm.getLong(c1) + 1);
                    });
                    if (id % 2 == 0) {
                        rt.transaction(() -> {
                            rt.current().writeLock(rw);
                            rt.current().setLong(c2, rt.current().getLong(c2) + 1);
                            rt.current().setLong(c3, rt.current().getLong(c3) + 1);
                        });
                    } else {
                        rt.transaction(() -> {
                            rt.current().readLock(rw);
                            if (pm.getLong(c2) != pm.getLong(c3)) {
                                torn.incrementAndGet();
                            }
                        });
                    }
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        assertThat(pm.getLong(c1)).isEqualTo(4L * perThread);
        assertThat(pm.getLong(c2)).isEqualTo(2L * perThread).isEqualTo(pm.getLong(c3));
        assertThat(torn.get()).as("reads under the read lock that saw a half-done write").isZero();
        assertThat(mutex.ownerAcquire()).isZero();
        assertThat(rw.writerAcquire()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aReopenAfterACleanCloseRecoversNothing(Backend backend) {
        PoolRuntime rt = open(backend);
        PersistentMemory pm = rt.memory();
        long a = rt.root().slot(0);
        rt.transaction(() -> rt.current().setLong(a, 1));
        rt.close();
        try (PoolRuntime again = PoolRuntime.open(pm, "again", TIMEOUT)) {
            assertThat(again.recoveredLanes()).as("lanes recovered after a clean close").isZero();
            again.transaction(() -> again.current().setLong(a, 2));
            assertThat(again.recoveredLanes()).isZero();
            assertThat(pm.getLong(a)).isEqualTo(2);
        }
    }
}

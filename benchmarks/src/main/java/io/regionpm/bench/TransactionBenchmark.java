package io.regionpm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PmsyncStore;
import io.regionpm.core.Durability;
import io.regionpm.core.PoolOptions;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.RobustMutex;
import io.regionpm.recovery.Transaction;

/**
 * Cost of one transaction of the recovery layer (single thread), on {@code /dev/shm} (no
 * flush: the CPU cost) and on an ordinary file in {@code /tmp} (every flush an
 * {@code msync}: the fences):
 * <ul>
 *   <li>{@code redo}: one redo-logged 8-byte write (COMMIT record, apply, truncate);</li>
 *   <li>{@code undo}: snapshot of one 8-byte word and an in-place write (undo record, truncate);</li>
 *   <li>{@code allocFree}: allocate a 64-byte block and link it into a root slot, then free
 *       the one linked before (the shape of a shadow update);</li>
 *   <li>{@code lockedRedo}: {@code redo} under a pool mutex;</li>
 *   <li>{@code redoPmsync}: {@code redo} then {@code pool.pmsync()} (a no-op in SYNC and NONE).</li>
 * </ul>
 *
 * <p>Run: {@code ./pcw bench TransactionBenchmark -wi 2 -i 3 -w 1s -r 1s -f 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class TransactionBenchmark {

    /** A pool with a runtime, owned by the benchmark thread. */
    @State(Scope.Thread)
    public static class Pool {
        /**
         * Where the pool lives and how durable it is: SHM (a NONE pool on {@code /dev/shm}),
         * FILE (a SYNC pool in {@code /tmp}: msync per flush), PMSYNC (a PMSYNC pool in
         * {@code /tmp} with its working image on {@code /dev/shm}; no pmsync in the op).
         */
        @Param({"SHM", "FILE", "PMSYNC"})
        public String where;

        Path path;
        io.regionpm.core.Pool pool;
        PoolRuntime rt;
        PersistentMemory pm;
        RobustMutex mutex;
        long a;
        long b;
        long counter;

        @Setup(Level.Trial)
        public void open() throws IOException {
            Path dir = Path.of(where.equals("SHM") ? "/dev/shm" : System.getProperty("java.io.tmpdir"));
            path = Files.createTempFile(dir, "txbench", ".pool");
            Files.delete(path);
            Durability d = switch (where) {
                case "SHM" -> Durability.NONE;
                case "PMSYNC" -> Durability.PMSYNC;
                default -> Durability.SYNC;
            };
            pool = io.regionpm.core.Pool.open(path, PoolOptions.create(64L << 20).withLanes(8).withDurability(d));
            rt = pool.runtime();
            pm = rt.memory();
            mutex = new RobustMutex(pm, rt.root().slot(20), rt.registry());
            a = rt.root().slot(30);
            b = rt.root().slot(31);
            counter = rt.root().slot(34);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            pool.close();
            if (where.equals("PMSYNC")) {
                PmsyncStore.discardWorkingImage(path, PmsyncStore.DEFAULT_WORK_DIR);
            }
            Files.deleteIfExists(path);
        }
    }

    /** @param p the pool @return the counter, after a redo transaction and a pmsync */
    @Benchmark
    public long redoPmsync(Pool p) {
        long v = redo(p);
        p.pool.pmsync();
        return v;
    }

    /** @param p the pool @return the counter */
    @Benchmark
    public long redo(Pool p) {
        return p.rt.transaction(() -> {
            Transaction tx = p.rt.current();
            long v = tx.getLong(p.counter) + 1;
            tx.setLong(p.counter, v);
            return v;
        });
    }

    /** @param p the pool @return the counter */
    @Benchmark
    public long undo(Pool p) {
        return p.rt.transaction(() -> {
            p.rt.current().snapshot(p.counter, 8);
            long v = p.pm.getLong(p.counter) + 1;
            p.pm.setLong(p.counter, v);
            return v;
        });
    }

    /** @param p the pool @return the new block */
    @Benchmark
    public long allocFree(Pool p) {
        return p.rt.transaction(() -> {
            Transaction tx = p.rt.current();
            long old = tx.getLong(p.a);
            long block = tx.allocate(64);
            p.pm.setLong(block, old);
            tx.setLong(p.a, block);
            if (old != 0) {
                tx.free(old);
            }
            return block;
        });
    }

    /** @param p the pool @return the counter */
    @Benchmark
    public long lockedRedo(Pool p) {
        return p.rt.transaction(() -> {
            Transaction tx = p.rt.current();
            tx.lock(p.mutex);
            long v = tx.getLong(p.counter) + 1;
            tx.setLong(p.counter, v);
            return v;
        });
    }
}

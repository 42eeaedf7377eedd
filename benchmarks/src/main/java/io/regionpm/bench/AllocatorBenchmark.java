package io.regionpm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;

/**
 * Throughput of the allocator's hot paths, one op = one allocation and its matching release
 * of a 64-byte block, through a {@link Lane} held by the benchmark thread for the whole trial.
 *
 * <ul>
 *   <li>{@code reserveCancel64*}: {@code reserve} then {@code cancel}, the volatile path (no
 *       persistent change at all).</li>
 *   <li>{@code allocateFree64*}: {@code allocate(64, slot)} then {@code free(slot)}, the full
 *       persistent path (intent record, bitmap bit, slot store, each flushed and drained) on
 *       {@code /dev/shm}, where flushes cost nothing.</li>
 *   <li>{@code allocateFreeBlock64*}: the same without a slot ({@code NO_SLOT},
 *       {@code freeBlock}).</li>
 *   <li>{@code allocateFree64File}: {@code allocate(64, slot)}/{@code free(slot)} on an ordinary
 *       file in {@code /tmp} (back end FILE: every flush is an {@code msync(MS_SYNC)}), one
 *       thread: what SYNC durability costs on a disk.</li>
 * </ul>
 *
 * <p>The {@code T2} variants run two threads, each with its own lane, on the same pool; JMH
 * reports their sum, so divide by two for the per-thread figure.
 *
 * <p>Run: {@code ./pcw bench AllocatorBenchmark -wi 3 -i 5 -w 1s -r 2s -f 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class AllocatorBenchmark {
    /** Size of each benchmark pool (sparse; only touched pages take memory or disk). */
    static final long POOL_BYTES = 256L << 20;
    /** The block size every benchmark allocates. */
    static final long BLOCK = 64;

    /**
     * A pool shared by every thread of one benchmark run. JMH tears a {@code Scope.Benchmark}
     * state down on the first benchmark thread to get there, possibly before the other threads
     * have torn down their lanes; so the pool counts its lanes and is closed (and its file
     * deleted) by whichever comes last: the trial teardown or the last lane's release.
     */
    abstract static class PoolState {
        Path path;
        PoolFile file;
        Heap heap;
        private int lanes;
        private boolean closeRequested;

        abstract Path directory();

        abstract BackendKind expected();

        void open() throws IOException {
            path = directory().resolve("regionpm-bench-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".pool");
            file = PoolFile.create(path, PoolSpec.of(POOL_BYTES));
            BackendKind kind = file.memory().backendKind();
            if (kind != expected()) {
                close();
                throw new IllegalStateException(path + ": back end " + kind + ", expected " + expected());
            }
            heap = Heap.attach(file);
        }

        synchronized Lane acquireLane() {
            Lane lane = heap.acquireLane();
            lanes++;
            return lane;
        }

        synchronized void laneReleased() throws IOException {
            if (--lanes == 0 && closeRequested) {
                close();
            }
        }

        synchronized void requestClose() throws IOException {
            closeRequested = true;
            if (lanes == 0) {
                close();
            }
        }

        private void close() throws IOException {
            try {
                if (heap != null) {
                    heap.close();
                    heap = null;
                }
                if (file != null) {
                    file.close();
                    file = null;
                }
            } finally {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The pool on /dev/shm (back end SHM: flush and drain do nothing). */
    @State(Scope.Benchmark)
    public static class ShmPool extends PoolState {
        @Override
        Path directory() {
            return Path.of("/dev/shm");
        }

        @Override
        BackendKind expected() {
            return BackendKind.SHM;
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            requestClose();
        }
    }

    /** The pool on an ordinary file in /tmp (back end FILE: flush is msync). */
    @State(Scope.Benchmark)
    public static class FilePool extends PoolState {
        @Override
        Path directory() {
            return Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        }

        @Override
        BackendKind expected() {
            return BackendKind.FILE;
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            requestClose();
        }
    }

    /**
     * One benchmark thread's lane and its slot word. JMH runs the setup and teardown of a
     * {@code Scope.Thread} state on the benchmark thread itself, which is the thread the
     * lane belongs to.
     */
    abstract static class LaneState {
        PoolState pool;
        Lane lane;
        long slotBlock;
        long slot;

        void acquire(PoolState from) {
            pool = from;
            lane = from.acquireLane();
            slotBlock = lane.allocate(BLOCK, Lane.NO_SLOT);
            slot = slotBlock;
        }

        void release() throws IOException {
            if (lane != null) {
                try {
                    lane.freeBlock(slotBlock);
                    lane.close();
                } finally {
                    lane = null;
                    pool.laneReleased();
                }
            }
        }
    }

    /** A lane in the /dev/shm pool. */
    @State(Scope.Thread)
    public static class ShmLane extends LaneState {
        @Setup(Level.Trial)
        public void setUp(ShmPool pool) {
            acquire(pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            release();
        }
    }

    /** A lane in the /tmp pool. */
    @State(Scope.Thread)
    public static class FileLane extends LaneState {
        @Setup(Level.Trial)
        public void setUp(FilePool pool) {
            acquire(pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            release();
        }
    }

    // ---- operations ------------------------------------------------------------------------

    static long reserveCancel(LaneState s) {
        long block = s.lane.reserve(BLOCK);
        s.lane.cancel(block);
        return block;
    }

    static long allocateFree(LaneState s) {
        long block = s.lane.allocate(BLOCK, s.slot);
        s.lane.free(s.slot);
        return block;
    }

    static long allocateFreeBlock(LaneState s) {
        long block = s.lane.allocate(BLOCK, Lane.NO_SLOT);
        s.lane.freeBlock(block);
        return block;
    }

    // ---- one thread --------------------------------------------------------------------------

    /** @return the block, so the work is not eliminated */
    @Benchmark
    @Threads(1)
    public long reserveCancel64(ShmLane s) {
        return reserveCancel(s);
    }

    /** @return the block */
    @Benchmark
    @Threads(1)
    public long allocateFree64(ShmLane s) {
        return allocateFree(s);
    }

    /** @return the block */
    @Benchmark
    @Threads(1)
    public long allocateFreeBlock64(ShmLane s) {
        return allocateFreeBlock(s);
    }

    /** @return the block */
    @Benchmark
    @Threads(1)
    public long allocateFree64File(FileLane s) {
        return allocateFree(s);
    }

    // ---- two threads (JMH reports the sum of both) --------------------------------------------

    /** @return the block */
    @Benchmark
    @Threads(2)
    public long reserveCancel64T2(ShmLane s) {
        return reserveCancel(s);
    }

    /** @return the block */
    @Benchmark
    @Threads(2)
    public long allocateFree64T2(ShmLane s) {
        return allocateFree(s);
    }

    /** @return the block */
    @Benchmark
    @Threads(2)
    public long allocateFreeBlock64T2(ShmLane s) {
        return allocateFreeBlock(s);
    }
}

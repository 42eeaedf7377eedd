package io.regionpm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.regionpm.alloc.BackendKind;
import io.regionpm.alloc.Heap;
import io.regionpm.alloc.Lane;
import io.regionpm.alloc.PoolFile;
import io.regionpm.alloc.PoolSpec;
import io.regionpm.recovery.log.ChecksumLog;
import io.regionpm.recovery.log.RecordLog;
import io.regionpm.recovery.log.TornbitLog;

/**
 * Throughput of the raw word logs, mirroring Mnemosyne's table of base versus tornbit log
 * throughput (thesis table 3.5): one op = {@code append} of one record and {@code flush}
 * (the commit: one flush of the written range and one drain), truncating when the 1 MiB log
 * is full (the truncate's fence is counted in the op that meets it). Single thread.
 *
 * <ul>
 *   <li>{@code kind}: {@code TORNBIT} ({@link TornbitLog}, one torn bit per word, values
 *       packed 63 bits per word) or {@code CHECKSUM} ({@link ChecksumLog}, header and 64-bit
 *       checksum word per record).</li>
 *   <li>{@code recordBytes}: 8, 64, 512 or 4096 bytes of values per record.</li>
 *   <li>{@code appendFlushShm}: the pool on {@code /dev/shm}, where flush and drain do
 *       nothing: the CPU cost of framing, encoding and checksumming.</li>
 *   <li>{@code appendFlushFile}: the pool on an ordinary file in {@code /tmp}, where every
 *       flush is an {@code msync(MS_SYNC)}: what the fence costs on a disk.</li>
 * </ul>
 * Records per second is the score; MB/s is score x recordBytes / 10<sup>6</sup>.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar
 * LogBenchmark -wi 2 -i 3 -w 1s -r 1s -f 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class LogBenchmark {
    /** Size of each benchmark pool (sparse). */
    static final long POOL_BYTES = 16L << 20;
    /** The log's region: a 1 MiB buffer and the 64-byte header line. */
    static final long REGION_BYTES = (1L << 20) + 64;

    /** A pool holding one formatted log, owned by the benchmark thread. */
    @State(Scope.Thread)
    public abstract static class LogState {
        /** Which log. */
        @Param({"TORNBIT", "CHECKSUM"})
        public String kind;
        /** Bytes of values per record. */
        @Param({"8", "64", "512", "4096"})
        public int recordBytes;

        Path path;
        PoolFile file;
        Heap heap;
        long region;
        RecordLog log;
        long[] record;
        long counter;

        abstract Path directory();

        abstract BackendKind expected();

        void open() throws IOException {
            path = directory().resolve("regionpm-logbench-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".pool");
            file = PoolFile.create(path, PoolSpec.of(POOL_BYTES));
            if (file.memory().backendKind() != expected()) {
                BackendKind kindFound = file.memory().backendKind();
                close();
                throw new IllegalStateException(path + ": back end " + kindFound + ", expected " + expected());
            }
            heap = Heap.attach(file);
            try (Lane lane = heap.acquireLane()) {
                region = lane.allocate(REGION_BYTES, Lane.NO_SLOT);
            }
            log = switch (kind) {
                case "TORNBIT" -> TornbitLog.format(file.memory(), region, REGION_BYTES);
                case "CHECKSUM" -> ChecksumLog.format(file.memory(), region, REGION_BYTES);
                default -> throw new IllegalArgumentException("unknown log kind " + kind);
            };
            record = new SplittableRandom(42).longs(recordBytes / Long.BYTES).toArray();
        }

        void close() throws IOException {
            try {
                if (heap != null) {
                    try (Lane lane = heap.acquireLane()) {
                        lane.freeBlock(region);
                    }
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

    /** The log in a pool on /dev/shm (back end SHM: flush and drain do nothing). */
    @State(Scope.Thread)
    public static class ShmLog extends LogState {
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
            close();
        }
    }

    /** The log in a pool on an ordinary file in /tmp (back end FILE: flush is msync). */
    @State(Scope.Thread)
    public static class FileLog extends LogState {
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
            close();
        }
    }

    static long appendFlush(LogState s) {
        RecordLog log = s.log;
        long[] record = s.record;
        record[0] = s.counter++;
        if (!log.append(record, 0, record.length)) {
            log.truncate();
            log.append(record, 0, record.length);
        }
        log.flush();
        return log.usedBytes();
    }

    /** @return the log's used bytes, so the work is not eliminated */
    @Benchmark
    @Threads(1)
    public long appendFlushShm(ShmLog s) {
        return appendFlush(s);
    }

    /** @return the log's used bytes */
    @Benchmark
    @Threads(1)
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 2, time = 1)
    public long appendFlushFile(FileLog s) {
        return appendFlush(s);
    }
}

package io.regionpm.bench.log;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The log comparison of issue 6, for any {@link LogKind}. A concrete subclass per group of kinds
 * carries the {@code log} and {@code records} parameters and the JVM flags its library needs
 * ({@code @Fork(jvmArgsAppend = ...)}); everything else is here.
 *
 * <p>Records ({@code recordBytes} parameter: 16, 128, 1024, 65536): 16 distinct random byte
 * arrays of that length, built before timing, appended in turn. The records per shot are
 * {@link #count(int, int) count} = min({@code records}, 256 MiB / recordBytes), so one shot is
 * at most 256 MiB of payload (a 64 KiB shot is 4,096 records) and a log never outgrows its pool.
 *
 * <ul>
 *   <li>{@link #append}: {@code SingleShotTime}, one invocation = {@code count} appends to a
 *       fresh, empty log (created before each iteration, closed and deleted after it, untimed),
 *       each followed by {@link LogUnderTest#afterAppend()}, then {@link LogUnderTest#finish()}.
 *       The score is milliseconds per shot: records/s = count / score, MB/s = count x
 *       recordBytes / score ({@code logchart.py} converts). A single shot rather than a
 *       throughput loop, so every kind appends the same volume into an empty log of bounded
 *       size.</li>
 *   <li>{@link #read}: {@code Throughput}, one op = one record read into a fresh {@code byte[]}
 *       by a sequential reader over {@code count} records appended once per trial (untimed);
 *       at the end the reader is closed and a new one starts from the first record (that
 *       restart is timed, once per {@code count} reads). ops/s = records/s.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public abstract class LogBenchmark {
    /** Payload bytes per record. */
    @Param({"16", "128", "1024", "65536"})
    public int recordBytes;

    /** Most payload bytes in one shot or one read log. */
    public static final long VOLUME = 256L << 20;
    private static final int DISTINCT = 16;

    /** @return the subclass's {@code log} parameter: a constant of a {@link LogKind} */
    protected abstract String logName();

    /** @return the subclass's {@code records} parameter */
    protected abstract int recordCount();

    /**
     * @param records the {@code records} parameter
     * @param recordBytes the {@code recordBytes} parameter
     * @return the records per shot (append) or in the log (read)
     */
    public static int count(int records, int recordBytes) {
        return (int) Math.min(records, VOLUME / recordBytes);
    }

    LogKind kind;
    int n;
    byte[][] data;
    LogUnderTest log;
    LogUnderTest.Reader reader;
    private String method;

    /**
     * Builds the records; for {@link #read}, creates and fills the log.
     *
     * @param params JMH's parameters (the benchmark method's name)
     */
    @Setup(Level.Trial)
    public void setUpTrial(BenchmarkParams params) {
        String bench = params.getBenchmark();
        method = bench.substring(bench.lastIndexOf('.') + 1);
        kind = LogKind.byName(logName());
        n = count(recordCount(), recordBytes);
        SplittableRandom r = new SplittableRandom(42);
        data = new byte[DISTINCT][recordBytes];
        for (byte[] d : data) {
            for (int j = 0; j < d.length; j++) {
                d[j] = (byte) r.nextInt();
            }
        }
        if (method.equals("read")) {
            log = kind.create((long) n * recordBytes);
            for (int i = 0; i < n; i++) {
                log.append(data[i & (DISTINCT - 1)]);
                log.afterAppend();
            }
            log.finish();
            reader = log.reader();
        }
    }

    /** Before each {@link #append} iteration: a fresh, empty log. */
    @Setup(Level.Iteration)
    public void setUpIteration() {
        if (method.equals("append")) {
            log = kind.create((long) n * recordBytes);
        }
    }

    /** After each {@link #append} iteration: close and delete the log. */
    @TearDown(Level.Iteration)
    public void tearDownIteration() {
        if (method.equals("append")) {
            closeAll();
        }
    }

    /** Closes and deletes the log. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        closeAll();
    }

    private void closeAll() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (log != null) {
            log.close();
            log = null;
        }
    }

    /** {@code count} appends into a fresh log, then {@code finish()}. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void append() {
        LogUnderTest l = log;
        byte[][] d = data;
        for (int i = 0, k = n; i < k; i++) {
            l.append(d[i & (DISTINCT - 1)]);
            l.afterAppend();
        }
        l.finish();
    }

    /** @return the next record of a sequential read, restarting at the end */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    public byte[] read() {
        byte[] r = reader.next();
        if (r == null) {
            reader.close();
            reader = log.reader();
            r = reader.next();
        }
        return r;
    }
}

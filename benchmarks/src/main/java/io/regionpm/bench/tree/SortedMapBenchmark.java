package io.regionpm.bench.tree;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The sorted-map comparison of issue 7, for any {@link TreeKind}: the phases and workloads of
 * the hash benchmark ({@code io.regionpm.bench.hash.HashMapBenchmark}) plus range scans. A
 * concrete subclass per group of kinds carries the {@code map} and {@code entries} parameters
 * and the JVM flags its libraries need ({@code @Fork(jvmArgsAppend = ...)}); everything else is
 * here.
 *
 * <p>Workloads ({@code workload} parameter): {@code LONG_LONG} (A: random {@code long} keys to
 * {@code long} values) and {@code STRING_BYTES} (B: 16-character ASCII string keys, the hex of
 * a random long, to 100-byte {@code byte[]} values). Keys are {@code entries} distinct values
 * of a bijective 64-bit mix of 0..entries-1, so the load order is a random order of the key
 * space; gets, updates and removes visit them in a separate random permutation. The value of
 * the key loaded i-th is {@code i} (A) or the (i mod 16)-th of 16 random 100-byte arrays (B).
 *
 * <p>Phases:
 * <ul>
 *   <li>{@link #load}: {@code SingleShotTime}, one invocation = {@code entries} puts of new keys
 *       into a fresh, empty map (opened before each iteration, closed and deleted after it,
 *       neither timed), then {@link TreeUnderTest#commit()}. puts/s = entries / score.</li>
 *   <li>{@link #get}, {@link #getT2} (two threads, JMH reports their sum), {@link #update} (put
 *       of an existing key with a new value, so the size stays {@code entries}):
 *       {@code Throughput}, one op each, on a map filled once per trial (untimed).</li>
 *   <li>{@link #scan} (workload C): {@code SingleShotTime}, one invocation = {@code scans}
 *       (200,000) range scans, each visiting the 100 consecutive entries from a random start
 *       key, on the map filled once per trial; scans/s = scans / score. The start keys are
 *       existing keys of uniformly random rank in [0, entries - 100], so every scan visits
 *       exactly 100 entries (B's shots count them and fail otherwise; A's sums are checked once,
 *       untimed, see below).</li>
 *   <li>{@link #remove}: {@code SingleShotTime}, one invocation = removal of every key (the map
 *       is refilled, untimed, before each iteration), then {@code commit()}; removes/s =
 *       entries / score.</li>
 * </ul>
 * Each timed put and remove is followed by {@link TreeUnderTest#afterWrite()} (commits of the
 * kinds that commit every n writes). Fills are untimed and commit every 10,000 puts; after the
 * trial's fill, a few gets and scans are checked against the expected values (untimed), so a
 * kind that encodes or orders keys wrongly fails at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public abstract class SortedMapBenchmark {
    /** Workload A ({@code LONG_LONG}) or B ({@code STRING_BYTES}); C (scans) runs on either. */
    @Param({"LONG_LONG", "STRING_BYTES"})
    public String workload;

    /** Range scans per {@link #scan} shot. */
    @Param({"200000"})
    public int scans;

    /** @return the subclass's {@code map} parameter: a constant of a {@link TreeKind} */
    protected abstract String mapName();

    /** @return the subclass's {@code entries} parameter */
    protected abstract int entryCount();

    /** Entries per range scan. */
    static final int SCAN_LENGTH = 100;
    private static final int FILL_COMMIT_EVERY = 10_000;

    TreeKind kind;
    boolean longs;
    int n;
    Keys keys;
    TreeUnderTest.LongLong a;
    TreeUnderTest.StringBytes b;
    int cursor;
    long counter;
    private String method;
    private boolean empty;

    /**
     * Generates the keys; opens and fills the map unless the benchmark is {@link #load}.
     *
     * @param params JMH's parameters (the benchmark method's name)
     */
    @Setup(Level.Trial)
    public void setUpTrial(BenchmarkParams params) {
        String bench = params.getBenchmark();
        method = bench.substring(bench.lastIndexOf('.') + 1);
        kind = TreeKind.byName(mapName());
        n = entryCount();
        longs = switch (workload) {
            case "LONG_LONG" -> true;
            case "STRING_BYTES" -> false;
            default -> throw new IllegalArgumentException("workload " + workload);
        };
        keys = new Keys(n, longs, method.equals("scan") ? scans : 0);
        if (!method.equals("load")) {
            open();
            fill();
            check();
        }
    }

    /** Before each iteration: {@link #load} gets a fresh map, {@link #remove} a full one. */
    @Setup(Level.Iteration)
    public void setUpIteration() {
        if (method.equals("load")) {
            open();
        } else if (method.equals("remove") && empty) {
            fill();
        }
    }

    /** After each {@link #load} iteration: close and delete the map. */
    @TearDown(Level.Iteration)
    public void tearDownIteration() {
        if (method.equals("load")) {
            close();
        }
    }

    /** Closes and deletes the map. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        close();
    }

    private void open() {
        if (longs) {
            a = kind.openLongLong(n);
        } else {
            b = kind.openStringBytes(n);
        }
        cursor = 0;
    }

    private void close() {
        if (a != null) {
            a.close();
            a = null;
        }
        if (b != null) {
            b.close();
            b = null;
        }
    }

    private void fill() {
        TreeUnderTest m = longs ? a : b;
        for (int i = 0; i < n; i++) {
            if (longs) {
                a.put(keys.longKeys[i], i);
            } else {
                b.put(keys.strKeys[i], keys.value(i));
            }
            if ((i + 1) % FILL_COMMIT_EVERY == 0) {
                m.commit();
            }
        }
        m.commit();
        empty = false;
    }

    /** Checks a few gets and scans of the freshly filled map against the keys (untimed). */
    private void check() {
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < 8; t++) {
            int i = r.nextInt(n);
            int rank = r.nextInt(Math.max(1, n - SCAN_LENGTH + 1));
            int len = Math.min(SCAN_LENGTH, n);
            if (longs) {
                expect(a.get(keys.longKeys[i]) == i, "get of key " + i);
                expect(a.scan(keys.sortedLong(rank), len) == keys.scanSum(rank, len), "scan from rank " + rank);
            } else {
                expect(Arrays.equals(b.get(keys.strKeys[i]), keys.value(i)), "get of key " + i);
                expect(b.scan(keys.sortedString(rank), len, Keys.SINK) == len, "scan from rank " + rank);
            }
        }
        expect(longs ? a.get(Long.MIN_VALUE + 7) == TreeUnderTest.MISSING : b.get("~") == null, "get of a missing key");
    }

    private void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(mapName() + " " + workload + ": wrong result of the " + what);
        }
    }

    /** @return the next probe index, cycling through the permutation */
    private int next() {
        int i = cursor;
        cursor = i + 1 == n ? 0 : i + 1;
        return i;
    }

    /** @param bh sink for the loaded map */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void load(Blackhole bh) {
        if (longs) {
            TreeUnderTest.LongLong m = a;
            long[] k = keys.longKeys;
            for (int i = 0; i < k.length; i++) {
                m.put(k[i], i);
                m.afterWrite();
            }
            m.commit();
            bh.consume(m);
        } else {
            TreeUnderTest.StringBytes m = b;
            String[] k = keys.strKeys;
            for (int i = 0; i < k.length; i++) {
                m.put(k[i], keys.value(i));
                m.afterWrite();
            }
            m.commit();
            bh.consume(m);
        }
    }

    /** @param bh sink for the value */
    @Benchmark
    public void get(Blackhole bh) {
        int i = next();
        if (longs) {
            bh.consume(a.get(keys.longProbe[i]));
        } else {
            bh.consume(b.get(keys.strProbe[i]));
        }
    }

    /** A reader's own position in the probe order, for {@link #getT2}. */
    @State(Scope.Thread)
    public static class Reader {
        private static final AtomicInteger STARTS = new AtomicInteger();
        int i = -1;

        int next(int n) {
            if (i < 0) {
                // the two threads start half the key space apart
                i = STARTS.getAndIncrement() % 2 * (n / 2);
            }
            int r = i;
            i = r + 1 == n ? 0 : r + 1;
            return r;
        }
    }

    /**
     * @param r  this thread's position
     * @param bh sink for the value
     */
    @Benchmark
    @Threads(2)
    public void getT2(Reader r, Blackhole bh) {
        int i = r.next(n);
        if (longs) {
            bh.consume(a.get(keys.longProbe[i]));
        } else {
            bh.consume(b.get(keys.strProbe[i]));
        }
    }

    /** @param bh sink for the previous value */
    @Benchmark
    public void update(Blackhole bh) {
        int i = next();
        long c = counter++;
        if (longs) {
            a.put(keys.longProbe[i], c & Long.MAX_VALUE);
            a.afterWrite();
        } else {
            bh.consume(b.put(keys.strProbe[i], keys.value((int) c)));
            b.afterWrite();
        }
    }

    /**
     * Workload C: {@code scans} range scans of {@value #SCAN_LENGTH} entries each.
     *
     * @param bh sink for the scanned entries
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void scan(Blackhole bh) {
        long visited = 0;
        if (longs) {
            TreeUnderTest.LongLong m = a;
            long[] from = keys.longScanFrom;
            long sum = 0;
            for (long f : from) {
                sum += m.scan(f, SCAN_LENGTH);
            }
            bh.consume(sum);
            visited = (long) from.length * SCAN_LENGTH;
        } else {
            TreeUnderTest.StringBytes m = b;
            for (String f : keys.strScanFrom) {
                visited += m.scan(f, SCAN_LENGTH, bh);
            }
            expect(visited == (long) keys.strScanFrom.length * SCAN_LENGTH, "scan shot's entry count");
        }
        bh.consume(visited);
    }

    /** @param bh sink for the removed values */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void remove(Blackhole bh) {
        if (longs) {
            TreeUnderTest.LongLong m = a;
            long[] k = keys.longProbe;
            long sum = 0;
            for (int i = 0; i < k.length; i++) {
                sum += m.remove(k[i]);
                m.afterWrite();
            }
            m.commit();
            bh.consume(sum);
        } else {
            TreeUnderTest.StringBytes m = b;
            String[] k = keys.strProbe;
            for (int i = 0; i < k.length; i++) {
                bh.consume(m.remove(k[i]));
                m.afterWrite();
            }
            m.commit();
        }
        empty = true;
    }
}

package io.regionpm.bench.hash;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

import static io.regionpm.bench.BenchKeys.hex16;
import static io.regionpm.bench.BenchKeys.mix;
import static io.regionpm.bench.BenchKeys.permutation;

/**
 * The hash-map comparison of issue 5, for any {@link MapKind}. A concrete subclass per group
 * of kinds carries the {@code map} and {@code entries} parameters and the JVM flags its
 * libraries need ({@code @Fork(jvmArgsAppend = ...)}); everything else is here.
 *
 * <p>Workloads ({@code workload} parameter): {@code LONG_LONG} (A: random {@code long} keys
 * to {@code long} values) and {@code STRING_BYTES} (B: 16-character ASCII string keys, the hex
 * of a random long, to 100-byte {@code byte[]} values). Keys are {@code entries} distinct
 * values of a bijective 64-bit mix of 0..entries-1, so the load order is a random order of the
 * key space; gets, updates and removes visit them in a separate random permutation.
 *
 * <p>Phases:
 * <ul>
 *   <li>{@link #load}: {@code SingleShotTime}, one invocation = {@code entries} puts of new keys
 *       into a fresh, empty map (opened before each iteration, closed and deleted after it,
 *       neither timed), then {@link MapUnderTest#commit()}. The score is milliseconds per whole
 *       load; puts/s = entries / score ({@code chart.py} converts). A single shot, not a
 *       throughput loop, because a load must start from an empty map and end at
 *       {@code entries}: timing puts of fresh keys into a map that grows for as long as the
 *       iteration lasts would compare maps of different sizes (a fast map would reach tens of
 *       millions of entries, a slow one thousands).</li>
 *   <li>{@link #get}, {@link #getT2} (two threads, JMH reports their sum), {@link #update} (put
 *       of an existing key with a new value, so the size stays {@code entries}):
 *       {@code Throughput}, one op each, on a map filled once per trial (untimed).</li>
 *   <li>{@link #remove}: {@code SingleShotTime}, one invocation = removal of every key (the map
 *       is refilled, untimed, before each iteration), then {@code commit()}; removes/s =
 *       entries / score.</li>
 * </ul>
 * Each timed put and remove is followed by {@link MapUnderTest#afterWrite()} (MapDB's
 * commits). Fills are untimed and commit every 10,000 puts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public abstract class HashMapBenchmark {
    /** Workload A ({@code LONG_LONG}) or B ({@code STRING_BYTES}). */
    @Param({"LONG_LONG", "STRING_BYTES"})
    public String workload;

    /** @return the subclass's {@code map} parameter: a constant of a {@link MapKind} */
    protected abstract String mapName();

    /** @return the subclass's {@code entries} parameter */
    protected abstract int entryCount();

    private static final int VALUE_POOL = 16;
    private static final int FILL_COMMIT_EVERY = 10_000;

    MapKind kind;
    boolean longs;
    int n;
    /** Keys in load order, and the same keys in probe order (A). */
    long[] longKeys;
    long[] longProbe;
    /** Keys in load order, and in probe order (B). */
    String[] strKeys;
    String[] strProbe;
    /** 100-byte values, each different (B). */
    byte[][] values;

    MapUnderTest.LongLong a;
    MapUnderTest<String, byte[]> b;

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
        kind = MapKind.byName(mapName());
        n = entryCount();
        longs = switch (workload) {
            case "LONG_LONG" -> true;
            case "STRING_BYTES" -> false;
            default -> throw new IllegalArgumentException("workload " + workload);
        };
        int[] perm = permutation(n, new SplittableRandom(42));
        if (longs) {
            longKeys = new long[n];
            longProbe = new long[n];
            for (int i = 0; i < n; i++) {
                longKeys[i] = mix(i);
            }
            for (int i = 0; i < n; i++) {
                longProbe[i] = longKeys[perm[i]];
            }
        } else {
            strKeys = new String[n];
            strProbe = new String[n];
            for (int i = 0; i < n; i++) {
                strKeys[i] = hex16(mix(i));
            }
            for (int i = 0; i < n; i++) {
                strProbe[i] = strKeys[perm[i]];
            }
            SplittableRandom r = new SplittableRandom(7);
            values = new byte[VALUE_POOL][];
            for (int v = 0; v < VALUE_POOL; v++) {
                values[v] = new byte[MapKind.VALUE_BYTES];
                for (int j = 0; j < values[v].length; j++) {
                    values[v][j] = (byte) r.nextInt();
                }
            }
        }
        if (!method.equals("load")) {
            open();
            fill();
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
        for (int i = 0; i < n; i++) {
            if (longs) {
                a.put(longKeys[i], i);
            } else {
                b.map.put(strKeys[i], values[i & (VALUE_POOL - 1)]);
            }
            if ((i + 1) % FILL_COMMIT_EVERY == 0) {
                commit();
            }
        }
        commit();
        empty = false;
    }

    private void commit() {
        if (longs) {
            a.commit();
        } else {
            b.commit();
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
            MapUnderTest.LongLong m = a;
            long[] keys = longKeys;
            for (int i = 0; i < keys.length; i++) {
                m.put(keys[i], i);
                m.afterWrite();
            }
            m.commit();
            bh.consume(m);
        } else {
            MapUnderTest<String, byte[]> m = b;
            String[] keys = strKeys;
            for (int i = 0; i < keys.length; i++) {
                m.map.put(keys[i], values[i & (VALUE_POOL - 1)]);
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
            bh.consume(a.get(longProbe[i]));
        } else {
            bh.consume(b.map.get(strProbe[i]));
        }
    }

    /** A reader's own position in the probe order, for {@link #getT2}. */
    @State(Scope.Thread)
    public static class Reader {
        private static final java.util.concurrent.atomic.AtomicInteger STARTS =
                new java.util.concurrent.atomic.AtomicInteger();
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
            bh.consume(a.get(longProbe[i]));
        } else {
            bh.consume(b.map.get(strProbe[i]));
        }
    }

    /** @param bh sink for the previous value */
    @Benchmark
    public void update(Blackhole bh) {
        int i = next();
        long c = counter++;
        if (longs) {
            a.put(longProbe[i], c & Long.MAX_VALUE);
            a.afterWrite();
        } else {
            bh.consume(b.map.put(strProbe[i], values[(int) c & (VALUE_POOL - 1)]));
            b.afterWrite();
        }
    }

    /** @param bh sink for the removed values */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void remove(Blackhole bh) {
        if (longs) {
            MapUnderTest.LongLong m = a;
            long[] keys = longProbe;
            long sum = 0;
            for (int i = 0; i < keys.length; i++) {
                sum += m.remove(keys[i]);
                m.afterWrite();
            }
            m.commit();
            bh.consume(sum);
        } else {
            MapUnderTest<String, byte[]> m = b;
            String[] keys = strProbe;
            for (int i = 0; i < keys.length; i++) {
                bh.consume(m.map.remove(keys[i]));
                m.afterWrite();
            }
            m.commit();
        }
        empty = true;
    }
}

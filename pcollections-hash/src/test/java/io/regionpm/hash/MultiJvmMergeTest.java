package io.regionpm.hash;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.ChildJvm;
import io.regionpm.testkit.ChildMain;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two or three child JVMs count on the same 16 keys of one map at once (each key contended by
 * every child: {@code merge(key, 1L, Long::sum)} or {@code addToValue(key, 1)}), released
 * together by a GO line; meanwhile this JVM reads the keys without locks. Each child reports
 * how many of its increments returned per key. The map's value of every key equals the sum
 * of those counts exactly (no lost, no doubled increment); every value a child got back is
 * above the one it got before for that key; the values this JVM read never went down; the
 * pool checker is clean, before and after a reopen.
 */
class MultiJvmMergeTest {
    private static final int KEYS = 16;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(240);

    @TempDir
    Path diskDir;
    private Path shmDir;

    @BeforeEach
    void setUp() {
        shmDir = TempTrees.newShmDirectory("hash-merge");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(shmDir);
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (CounterMap type : CounterMap.values()) {
            for (UpdateStrategy strategy : List.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)) {
                for (int children : new int[] {2, 3}) {
                    all.add(Arguments.of(type, strategy, children, Durability.NONE, Stress.scale(20_000, 500_000)));
                }
                all.add(Arguments.of(type, strategy, 2, Durability.SYNC, Stress.scale(300, 10_000)));
            }
        }
        return all.stream();
    }

    /**
     * Child: opens the pool and the map, prints READY, waits for a line on standard input, then
     * increments random keys of {@code KEYS} {@code merges} times and prints
     * {@code COUNTS c0 c1 ...} (increments that returned, per key).
     * Arguments: pool, map type, strategy, merges, seed.
     */
    public static final class Merger {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                CounterMap type = CounterMap.valueOf(args[1]);
                UpdateStrategy strategy = UpdateStrategy.valueOf(args[2]);
                int merges = Integer.parseInt(args[3]);
                Random random = new Random(Long.parseLong(args[4]));
                long[] counts = new long[KEYS];
                long[] lastSeen = new long[KEYS];
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    CounterMap.Counters map = type.open(pool, CounterMap.NAME, strategy);
                    System.out.println("READY");
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    for (int i = 0; i < merges; i++) {
                        int key = random.nextInt(KEYS);
                        long v = map.increment(key);
                        if (v <= lastSeen[key]) {
                            throw new AssertionError("key " + key + ": increment " + (counts[key] + 1) + " returned " + v
                                    + " after an earlier one returned " + lastSeen[key]);
                        }
                        lastSeen[key] = v;
                        counts[key]++;
                    }
                    StringBuilder line = new StringBuilder("COUNTS");
                    for (long c : counts) {
                        line.append(' ').append(c);
                    }
                    System.out.println(line);
                }
                System.out.println("CLOSED");
            });
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} JVMs {3} {4} increments each")
    @MethodSource("configurations")
    void everyIncrementThatReturnedIsCountedOnce(CounterMap type, UpdateStrategy strategy, int children,
                                                 Durability durability, int merges) throws Exception {
        String name = type + "-" + strategy + "-" + children + "-" + durability;
        long seed = Seeds.seed("MultiJvmMergeTest " + name);
        Random random = new Random(seed);
        Path file = (durability == Durability.NONE ? shmDir : diskDir).resolve("merge.pool");
        long started = System.nanoTime();
        long[] expected = new long[KEYS];
        try (Pool pool = Pool.open(file, PoolOptions.create(64L << 20).withDurability(durability)
                .withLockTimeout(Duration.ofSeconds(30)))) {
            CounterMap.Counters map = type.open(pool, CounterMap.NAME, strategy);
            List<ChildJvm> jvms = new ArrayList<>();
            try {
                for (int c = 0; c < children; c++) {
                    jvms.add(ChildJvm.start(Merger.class, file.toString(), type.name(), strategy.name(),
                            Integer.toString(merges), Long.toString(random.nextLong())));
                }
                for (ChildJvm jvm : jvms) {
                    jvm.awaitLine("READY", START);
                }
                MonotoneReader reader = new MonotoneReader(map);
                Thread readerThread = Thread.ofPlatform().name("lock-free-reader").start(reader);
                jvms.forEach(jvm -> jvm.send("GO"));
                try {
                    for (ChildJvm jvm : jvms) {
                        long[] counts = parseCounts(jvm.awaitLine("COUNTS", RUN));
                        assertThat(Arrays.stream(counts).sum()).as("increments of child %d", jvm.pid()).isEqualTo(merges);
                        for (int k = 0; k < KEYS; k++) {
                            expected[k] += counts[k];
                        }
                        jvm.awaitLine("CLOSED", START);
                        assertThat(jvm.awaitExit(START)).as("child %d's exit code", jvm.pid()).isZero();
                    }
                } finally {
                    reader.stop.set(true);
                    readerThread.join();
                }
                assertThat(reader.failure).as("what the lock-free reader saw").isNull();
                System.out.println("MultiJvmMergeTest " + name + ": " + reader.reads + " lock-free reads during the run");
            } finally {
                jvms.forEach(ChildJvm::close);
            }
            assertValues(map, expected, name);
            assertThat(map.size()).isEqualTo(KEYS);
            assertClean(pool, name);
        }
        try (Pool pool = Pool.open(file)) {
            assertValues(type.open(pool, CounterMap.NAME, null), expected, name + " reopened");
            assertClean(pool, name + " reopened");
        }
        System.out.printf("MultiJvmMergeTest %s: %d increments in %d ms%n", name, (long) merges * children,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static long[] parseCounts(String line) {
        return Arrays.stream(line.substring("COUNTS ".length()).trim().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private static void assertValues(CounterMap.Counters map, long[] expected, String at) {
        long[] actual = new long[KEYS];
        for (int k = 0; k < KEYS; k++) {
            actual[k] = map.value(k);
        }
        assertThat(actual).as("%s: every key's value against the increments that returned", at).containsExactly(expected);
    }

    private static void assertClean(Pool pool, String at) {
        CheckReport report = pool.check();
        assertThat(report.isClean()).as("%s: checker report %s", at, report).isTrue();
    }

    /** Reads every key over and over without a lock; a value that goes down is a failure. */
    private static final class MonotoneReader implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final CounterMap.Counters map;
        volatile String failure;
        volatile long reads;

        MonotoneReader(CounterMap.Counters map) {
            this.map = map;
        }

        @Override
        public void run() {
            long[] last = new long[KEYS];
            long n = 0;
            try {
                while (!stop.get() && failure == null) {
                    for (int k = 0; k < KEYS; k++) {
                        long v = map.value(k);
                        n++;
                        if (v < last[k]) {
                            failure = "key " + k + " read " + v + " after " + last[k];
                        }
                        last[k] = v;
                    }
                }
            } catch (RuntimeException e) {
                failure = e.toString();
            }
            reads = n;
        }
    }
}

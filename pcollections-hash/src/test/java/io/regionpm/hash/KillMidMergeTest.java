package io.regionpm.hash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * A child JVM increments random keys of 16 (printing {@code TRY k} before each increment and
 * {@code OK k} after it returned) and is killed with SIGKILL at a random moment, again and
 * again; two threads of this JVM increment the same keys throughout (with short pauses, so
 * that the children's start-up gets the CPUs) and take over the
 * stripes the dead child held (robust locks, dead-lane recovery) without a restart.
 *
 * <p>After every kill, with the survivors paused, every key's value is exact: the increments
 * that returned here plus the {@code OK}s of the killed children, plus, for the one key whose
 * {@code TRY} has no {@code OK}, 0 or 1 (the dead child's in-flight increment landed whole or
 * not at all; which one is then part of the expectation). No survivor increment waits long.
 * At the end the checker is clean, and a fresh JVM reopening the pool reads the same values
 * and a clean checker.
 */
class KillMidMergeTest {
    private static final int KEYS = 16;
    private static final int SURVIVORS = 2;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);
    /** Survivors pause this long between increments, leaving the CPUs to the child JVMs' start-up. */
    private static final long SURVIVOR_PAUSE_NANOS = 50_000;
    /**
     * Longest a survivor's increment may take, waiting for a killed child's stripe included (a
     * live child's first increment holds its stripe for up to about a second on a loaded
     * 2-core machine: class loading inside the commit).
     */
    private static final Duration LONGEST_SURVIVOR_WAIT = Duration.ofSeconds(5);

    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("hash-kill");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (CounterMap type : CounterMap.values()) {
            for (UpdateStrategy strategy : List.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)) {
                all.add(Arguments.of(type, strategy, Stress.scale(20, 200)));
            }
        }
        return all.stream();
    }

    /**
     * Child: opens the pool and the map, prints READY, then increments random keys for ever,
     * printing {@code TRY k} before and {@code OK k} after each increment (one write per line).
     * Arguments: pool, map type, strategy, seed.
     */
    public static final class Incrementer {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                Random random = new Random(Long.parseLong(args[3]));
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    CounterMap.Counters map = CounterMap.valueOf(args[1]).open(pool, CounterMap.NAME,
                            UpdateStrategy.valueOf(args[2]));
                    System.out.println("READY");
                    while (true) {
                        int key = random.nextInt(KEYS);
                        System.out.println("TRY " + key);
                        map.increment(key);
                        System.out.println("OK " + key);
                    }
                }
            });
        }
    }

    /**
     * Child: reopens the pool, prints {@code VALUES v0 v1 ...} and {@code CHECK <clean> <report>}.
     * Arguments: pool, map type.
     */
    public static final class Verifier {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    CounterMap.Counters map = CounterMap.valueOf(args[1]).open(pool, CounterMap.NAME, null);
                    StringBuilder line = new StringBuilder("VALUES");
                    for (int k = 0; k < KEYS; k++) {
                        line.append(' ').append(map.value(k));
                    }
                    System.out.println(line);
                    CheckReport report = pool.check();
                    System.out.println("CHECK " + report.isClean() + " " + report);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} kills")
    @MethodSource("configurations")
    void everyIncrementThatReturnedIsCountedOnceAcrossKills(CounterMap type, UpdateStrategy strategy, int kills)
            throws Exception {
        String name = type + "-" + strategy;
        long seed = Seeds.seed("KillMidMergeTest " + name);
        Random random = new Random(seed);
        Path file = dir.resolve("kill.pool");
        long started = System.nanoTime();
        long[] expected = new long[KEYS];
        int inFlight = 0;
        int landed = 0;
        int recovered;
        Survivors survivors;
        try (Pool pool = Pool.open(file, PoolOptions.create(64L << 20).withDurability(Durability.NONE)
                .withLockTimeout(LOCK_TIMEOUT))) {
            CounterMap.Counters map = type.open(pool, CounterMap.NAME, strategy);
            int recoveredBefore = pool.runtime().recoveredLanes();
            survivors = new Survivors(map, random.nextLong());
            try {
                for (int kill = 1; kill <= kills; kill++) {
                    String at = name + ", seed " + seed + ", kill " + kill;
                    Killed killed = runAndKill(file, type, strategy, random);
                    survivors.gate.writeLock().lock();
                    try {
                        assertThat(survivors.failure).as("%s: survivors", at).isNull();
                        for (int k = 0; k < KEYS; k++) {
                            expected[k] += killed.acknowledged[k];
                        }
                        long[] actual = new long[KEYS];
                        long[] want = new long[KEYS];
                        for (int k = 0; k < KEYS; k++) {
                            actual[k] = map.value(k);
                            want[k] = expected[k] + survivors.counts.get(k);
                        }
                        if (killed.inFlightKey >= 0) {
                            inFlight++;
                            long extra = actual[killed.inFlightKey] - want[killed.inFlightKey];
                            assertThat(extra).as("%s: the in-flight increment of key %d landed 0 or 1 times; values %s, "
                                    + "expected %s", at, killed.inFlightKey, Arrays.toString(actual), Arrays.toString(want))
                                    .isBetween(0L, 1L);
                            expected[killed.inFlightKey] += extra;
                            want[killed.inFlightKey] += extra;
                            landed += (int) extra;
                        }
                        assertThat(actual).as("%s: values against acknowledged increments (in flight: key %d)", at,
                                killed.inFlightKey).containsExactly(want);
                    } finally {
                        survivors.gate.writeLock().unlock();
                    }
                }
            } finally {
                survivors.stop();
            }
            assertThat(survivors.failure).as("survivors").isNull();
            for (int k = 0; k < KEYS; k++) {
                expected[k] += survivors.counts.get(k);
                assertThat(map.value(k)).as("%s: key %d at the end", name, k).isEqualTo(expected[k]);
            }
            assertThat(Duration.ofNanos(survivors.longest.get())).as("%s: a survivor's longest increment", name)
                    .isLessThan(LONGEST_SURVIVOR_WAIT);
            CheckReport report = pool.check();
            assertThat(report.isClean()).as("%s: checker report %s", name, report).isTrue();
            recovered = pool.runtime().recoveredLanes() - recoveredBefore;
        }
        verifyInFreshJvm(file, type, expected, name);
        System.out.printf("KillMidMergeTest %s: %d kills, %d with an increment in flight (%d of them landed), "
                        + "%d dead lanes recovered here, %d survivor increments (longest %d ms), %d increments in all, %d ms%n",
                name, kills, inFlight, landed, recovered, survivors.total(), survivors.longest.get() / 1_000_000,
                Arrays.stream(expected).sum(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Starts an incrementing child, lets it acknowledge a random number of increments, kills it. */
    private static Killed runAndKill(Path file, CounterMap type, UpdateStrategy strategy, Random random) {
        try (ChildJvm child = ChildJvm.start(Incrementer.class, file.toString(), type.name(), strategy.name(),
                Long.toString(random.nextLong()))) {
            child.awaitLine("READY", START);
            int acknowledged = random.nextInt(300);
            for (int i = 0; i < acknowledged; i++) {
                child.awaitLine("OK ", START);
            }
            child.killHard();
            child.awaitOutputClosed(START);
            return Killed.parse(child.output());
        }
    }

    /**
     * What a killed child printed.
     *
     * @param acknowledged per key, the increments whose {@code OK} was printed
     * @param inFlightKey  the key of the last {@code TRY} without an {@code OK}, or -1
     */
    private record Killed(long[] acknowledged, int inFlightKey) {
        static Killed parse(String output) {
            long[] ok = new long[KEYS];
            int open = -1;
            for (String line : output.split("\n")) {
                if (line.startsWith("TRY ")) {
                    assertThat(open).as("a TRY follows an OK; output:\n%s", output).isEqualTo(-1);
                    open = Integer.parseInt(line.substring(4));
                } else if (line.startsWith("OK ")) {
                    int key = Integer.parseInt(line.substring(3));
                    assertThat(key).as("an OK closes its TRY; output:\n%s", output).isEqualTo(open);
                    ok[key]++;
                    open = -1;
                } else if (line.startsWith("FAILED")) {
                    throw new AssertionError("the child failed before it was killed; output:\n" + output);
                }
            }
            return new Killed(ok, open);
        }
    }

    /** Re-opens the pool in a new JVM: the same values, a clean checker. */
    private static void verifyInFreshJvm(Path file, CounterMap type, long[] expected, String name) {
        try (ChildJvm verifier = ChildJvm.start(Verifier.class, file.toString(), type.name())) {
            String values = verifier.awaitLine("VALUES", START);
            long[] reread = Arrays.stream(values.substring("VALUES ".length()).split(" ")).mapToLong(Long::parseLong).toArray();
            assertThat(reread).as("%s: values in a fresh JVM", name).containsExactly(expected);
            String check = verifier.awaitLine("CHECK", START);
            assertThat(check).as("%s: checker in a fresh JVM", name).startsWith("CHECK true");
            assertThat(verifier.awaitExit(START)).isZero();
        }
    }

    /**
     * Threads of this JVM incrementing random keys until stopped; each increment holds the read
     * side of {@link #gate}, so whoever holds the write side sees no increment in flight and
     * exact {@link #counts}.
     */
    private static final class Survivors {
        final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
        final AtomicLongArray counts = new AtomicLongArray(KEYS);
        final AtomicLong longest = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        volatile boolean stopped;
        volatile String failure;

        Survivors(CounterMap.Counters map, long seed) {
            for (int t = 0; t < SURVIVORS; t++) {
                Random random = new Random(seed + t);
                threads.add(Thread.ofPlatform().name("survivor-" + t).start(() -> run(map, random)));
            }
        }

        private void run(CounterMap.Counters map, Random random) {
            long[] last = new long[KEYS];
            while (!stopped) {
                LockSupport.parkNanos(SURVIVOR_PAUSE_NANOS);
                gate.readLock().lock();
                try {
                    int key = random.nextInt(KEYS);
                    long t0 = System.nanoTime();
                    long v = map.increment(key);
                    longest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    if (v <= last[key]) {
                        failure = "key " + key + ": increment returned " + v + " after " + last[key];
                        return;
                    }
                    last[key] = v;
                    counts.incrementAndGet(key);
                } catch (RuntimeException | Error e) {
                    failure = e.toString();
                    e.printStackTrace();
                    return;
                } finally {
                    gate.readLock().unlock();
                }
            }
        }

        long total() {
            long n = 0;
            for (int k = 0; k < KEYS; k++) {
                n += counts.get(k);
            }
            return n;
        }

        void stop() throws InterruptedException {
            stopped = true;
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}

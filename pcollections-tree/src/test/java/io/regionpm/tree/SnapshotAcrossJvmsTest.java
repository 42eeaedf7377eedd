package io.regionpm.tree;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
 * A writer JVM applies a seeded history of inserts and deletes to a SHADOW tree, each step one
 * transaction that also stores the step's number under the key {@link #STEP}; meanwhile this
 * JVM takes snapshot after snapshot and iterates each one whole. Every snapshot must be sorted
 * and equal, entry for entry, the writer's state after the step it names (this JVM replays
 * the same seeded history into a {@link TreeMap}), and the steps the snapshots name never go
 * back. A snapshot is also read twice, with writes going on in between: the same entries.
 */
class SnapshotAcrossJvmsTest {
    /** The key holding the number of the last step applied. */
    static final long STEP = Long.MIN_VALUE;
    private static final int KEYS = 3_000;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(300);

    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("tree-snapshots");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static Stream<Arguments> configurations() {
        return Stream.of(TreeKind.values()).map(kind -> Arguments.of(kind, Stress.scale(20_000, 400_000)));
    }

    /** One step of the history: insert or overwrite (true) or delete (false) a key. */
    record Step(boolean put, long key, long value) {
        static Step next(Random random, int step) {
            long key = random.nextInt(KEYS);
            return new Step(random.nextInt(100) < 60, key, step * 1_000_003L + key);
        }

        void apply(Map<Long, Long> map) {
            if (put) {
                map.put(key, value);
            } else {
                map.remove(key);
            }
        }
    }

    /**
     * Child: creates the tree, prints READY, waits for GO, applies the steps, prints DONE.
     * Arguments: pool, tree kind, seed, steps.
     */
    public static final class Writer {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                Random random = new Random(Long.parseLong(args[2]));
                int steps = Integer.parseInt(args[3]);
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    AbstractSortedMap<Long, Long> tree = TreeKind.valueOf(args[1]).longs(pool, "t", UpdateStrategy.SHADOW);
                    tree.put(STEP, 0L);
                    System.out.println("READY");
                    new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
                    for (int i = 1; i <= steps; i++) {
                        Step step = Step.next(random, i);
                        int n = i;
                        pool.transaction(() -> {
                            step.apply(tree);
                            tree.put(STEP, (long) n);
                        });
                    }
                    System.out.println("DONE");
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} {1} steps")
    @MethodSource("configurations")
    void everySnapshotIsSortedAndAStateOfTheWritersHistory(TreeKind kind, int steps) throws Exception {
        long seed = Seeds.seed("SnapshotAcrossJvmsTest " + kind);
        Path file = dir.resolve("snap.pool");
        try (Pool pool = Pool.open(file, PoolOptions.create(256L << 20).withDurability(Durability.NONE))) {
            try (ChildJvm writer = ChildJvm.start(Writer.class, file.toString(), kind.name(), Long.toString(seed),
                    Integer.toString(steps))) {
                writer.awaitLine("READY", START);
                AbstractSortedMap<Long, Long> tree = kind.longs(pool, "t", null);
                Replay replay = new Replay(seed);
                writer.send("GO");
                long deadline = System.nanoTime() + RUN.toNanos();
                int snapshots = 0;
                long lastStep = -1;
                long distinct = 0;
                boolean done = false;
                while (!done) {
                    done = writer.output().contains("DONE");
                    try (SortedSnapshot<Long, Long> snapshot = tree.snapshot()) {
                        long step = snapshot.get(STEP);
                        assertThat(step).as("%s seed %d: steps seen never go back", kind, seed).isGreaterThanOrEqualTo(lastStep);
                        distinct += step > lastStep ? 1 : 0;
                        lastStep = step;
                        TreeMap<Long, Long> expected = replay.upTo((int) step);
                        assertSortedAndEqual(snapshot, expected, kind + " seed " + seed + " step " + step);
                        if (snapshots % 16 == 0) {
                            Thread.sleep(2); // let the writer move on, then read the same snapshot again
                            assertSortedAndEqual(snapshot, expected, kind + " seed " + seed + " step " + step + " (re-read)");
                        }
                    }
                    snapshots++;
                    assertThat(System.nanoTime()).as("%s: the writer finishes in time", kind).isLessThan(deadline);
                }
                assertThat(writer.awaitExit(START)).as("writer exit; output:\n%s", writer.output()).isZero();
                assertThat(tree.get(STEP)).isEqualTo(steps);
                assertSortedAndEqual(tree, replay.upTo(steps), kind + " final state");
                CheckReport report = pool.check();
                assertThat(report.isClean()).as("checker: %s", report).isTrue();
                System.out.printf("SnapshotAcrossJvmsTest %s: %d snapshots over %d steps, %d distinct states seen%n",
                        kind, snapshots, steps, distinct);
                assertThat(distinct).as("snapshots saw the writer move").isGreaterThan(2);
            }
        }
    }

    private static void assertSortedAndEqual(Map<Long, Long> actual, TreeMap<Long, Long> expected, String what) {
        Iterator<Map.Entry<Long, Long>> want = expected.entrySet().iterator();
        long previous = 0;
        boolean first = true;
        int i = 0;
        for (Map.Entry<Long, Long> e : actual.entrySet()) {
            if (!first) {
                assertThat(e.getKey()).as("%s: sorted at entry %d", what, i).isGreaterThan(previous);
            }
            assertThat(want.hasNext()).as("%s: more entries than expected (%d)", what, expected.size()).isTrue();
            Map.Entry<Long, Long> w = want.next();
            assertThat(e.getKey()).as("%s: key of entry %d", what, i).isEqualTo(w.getKey());
            assertThat(e.getValue()).as("%s: value of key %d", what, w.getKey()).isEqualTo(w.getValue());
            previous = e.getKey();
            first = false;
            i++;
        }
        assertThat(want.hasNext()).as("%s: fewer entries (%d) than expected (%d)", what, i, expected.size()).isFalse();
    }

    /** The writer's history replayed in this JVM, forward only. */
    private static final class Replay {
        private final Random random;
        private final TreeMap<Long, Long> state = new TreeMap<>();
        private int at;

        Replay(long seed) {
            random = new Random(seed);
            state.put(STEP, 0L);
        }

        TreeMap<Long, Long> upTo(int step) {
            while (at < step) {
                at++;
                Step.next(random, at).apply(state);
                state.put(STEP, (long) at);
            }
            return state;
        }
    }
}

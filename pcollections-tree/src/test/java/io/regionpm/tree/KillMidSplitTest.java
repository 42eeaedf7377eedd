package io.regionpm.tree;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * A child JVM runs transactions of up to 40 random inserts and deletes on a small-node tree
 * (256-byte B+tree nodes: most such transactions split or merge several nodes; the AVL tree
 * rotates), printing {@code TRY} with the operations before and {@code OK} after each, and is
 * killed with SIGKILL at a random moment, again and again: most kills land inside a
 * transaction, in the middle of its splits, merges or rotations. This JVM keeps the pool open throughout: after each kill it writes to the tree itself
 * (taking over the dead child's writer lock, which recovers its lane), then checks that the
 * tree holds exactly the acknowledged transactions plus the one in flight applied whole or not
 * at all, in order, and that the pool checker (order, fill or balance, leaks) is clean. At
 * the end a fresh JVM reopens the pool and finds the same entries and a clean checker.
 */
class KillMidSplitTest {
    private static final int KEYS = 2_000;
    private static final Duration START = Duration.ofSeconds(60);

    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("tree-kill");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (TreeKind kind : TreeKind.values()) {
            for (UpdateStrategy strategy : List.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)) {
                all.add(Arguments.of(kind, strategy, Stress.scale(30, 200)));
            }
        }
        return all.stream();
    }

    /**
     * Child: opens the pool and the tree, prints READY, then for ever runs transactions of 1
     * to 40 random puts and removes ({@code TRY n}, then n lines {@code P k v} or {@code R k},
     * then {@code OK} when the transaction returned). Most transactions split or merge
     * several nodes (or rotate several times), so a kill mostly lands in the middle of one.
     * Arguments: pool, tree kind, seed.
     */
    public static final class Mutator {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                Random random = new Random(Long.parseLong(args[2]));
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    AbstractSortedMap<Long, Long> tree = TreeKind.valueOf(args[1]).longs(pool, "t", null);
                    System.out.println("READY");
                    while (true) {
                        int n = 1 + random.nextInt(40);
                        StringBuilder ops = new StringBuilder("TRY ").append(n);
                        long[] keys = new long[n];
                        long[] values = new long[n];
                        for (int i = 0; i < n; i++) {
                            keys[i] = random.nextInt(KEYS);
                            values[i] = random.nextInt(100) < 55 ? random.nextLong() & Long.MAX_VALUE : -1;
                            ops.append('\n').append(values[i] < 0 ? "R " + keys[i] : "P " + keys[i] + " " + values[i]);
                        }
                        System.out.println(ops);
                        pool.transaction(() -> {
                            for (int i = 0; i < n; i++) {
                                if (values[i] < 0) {
                                    tree.remove(keys[i]);
                                } else {
                                    tree.put(keys[i], values[i]);
                                }
                            }
                        });
                        System.out.println("OK");
                    }
                }
            });
        }
    }

    /** Child: reopens the pool, prints {@code SUM} of the entries and {@code CHECK <clean> <report>}. Arguments: pool, kind. */
    public static final class Verifier {
        public static void main(String[] args) {
            ChildMain.run(() -> {
                try (Pool pool = Pool.open(Path.of(args[0]))) {
                    AbstractSortedMap<Long, Long> tree = TreeKind.valueOf(args[1]).longs(pool, "t", null);
                    System.out.println("SUM " + tree.size() + " " + fingerprint(tree));
                    CheckReport report = pool.check();
                    System.out.println("CHECK " + report.isClean() + " " + report);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} kills")
    @MethodSource("configurations")
    void everyAcknowledgedOperationSurvivesAndTheTreeStaysValid(TreeKind kind, UpdateStrategy strategy, int kills) {
        String name = kind + "-" + strategy;
        long seed = Seeds.seed("KillMidSplitTest " + name);
        Random random = new Random(seed);
        Path file = dir.resolve("kill.pool");
        TreeMap<Long, Long> model = new TreeMap<>();
        int inFlight = 0;
        int landed = 0;
        long started = System.nanoTime();
        try (Pool pool = Pool.open(file, PoolOptions.create(64L << 20).withDurability(Durability.NONE)
                .withLockTimeout(Duration.ofSeconds(30)))) {
            AbstractSortedMap<Long, Long> tree = kind.longs(pool, "t", strategy);
            int recoveredBefore = pool.runtime().recoveredLanes();
            for (int kill = 1; kill <= kills; kill++) {
                String at = name + ", seed " + seed + ", kill " + kill;
                String output = runAndKill(file, kind, random);
                List<String> open = replayAcknowledged(output, model, at);
                long own = random.nextInt(KEYS);
                long ownValue = random.nextLong();
                tree.put(own, ownValue); // takes the dead child's writer lock over, recovering its lane
                if (open != null) {
                    inFlight++;
                    landed += settleInFlight(open, tree, model, own, ownValue, at) ? 1 : 0;
                }
                model.put(own, ownValue);
                assertThat(tree.size()).as("%s: size", at).isEqualTo(model.size());
                assertThat(fingerprint(tree)).as("%s: entries", at).isEqualTo(fingerprint(model));
                assertThat(new ArrayList<>(tree.entrySet())).as("%s: entries in order", at)
                        .containsExactlyElementsOf(model.entrySet());
                CheckReport report = pool.check();
                assertThat(report.isClean()).as("%s: checker %s", at, report).isTrue();
            }
            int recovered = pool.runtime().recoveredLanes() - recoveredBefore;
            System.out.printf("KillMidSplitTest %s: %d kills, %d with a transaction in flight (%d landed), %d dead lanes"
                    + " recovered here, %d entries, %d ms%n", name, kills, inFlight, landed, recovered, model.size(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        try (ChildJvm verifier = ChildJvm.start(Verifier.class, file.toString(), kind.name())) {
            assertThat(verifier.awaitLine("SUM", START)).as("%s: entries in a fresh JVM", name)
                    .isEqualTo("SUM " + model.size() + " " + fingerprint(model));
            assertThat(verifier.awaitLine("CHECK", START)).as("%s: checker in a fresh JVM", name).startsWith("CHECK true");
            assertThat(verifier.awaitExit(START)).isZero();
        }
    }

    private static String runAndKill(Path file, TreeKind kind, Random random) {
        try (ChildJvm child = ChildJvm.start(Mutator.class, file.toString(), kind.name(), Long.toString(random.nextLong()))) {
            child.awaitLine("READY", START);
            int acknowledged = random.nextInt(60);
            for (int i = 0; i < acknowledged; i++) {
                child.awaitLine("OK", START);
            }
            child.killHard();
            child.awaitOutputClosed(START);
            return child.output();
        }
    }

    /** Applies the child's acknowledged transactions to the model; returns the operations of its unacknowledged one, or null. */
    private static List<String> replayAcknowledged(String output, TreeMap<Long, Long> model, String at) {
        List<String> open = null;
        int expected = 0;
        for (String line : output.split("\n")) {
            if (line.startsWith("TRY ")) {
                assertThat(open).as("%s: a TRY follows an OK; output:\n%s", at, output).isNull();
                open = new ArrayList<>();
                expected = Integer.parseInt(line.substring(4));
            } else if (line.startsWith("P ") || line.startsWith("R ")) {
                assertThat(open).as("%s: operations follow a TRY", at).isNotNull();
                open.add(line);
            } else if (line.equals("OK")) {
                assertThat(open).as("%s: an OK closes a whole TRY", at).isNotNull().hasSize(expected);
                open.forEach(op -> apply(op, model));
                open = null;
            } else if (line.startsWith("FAILED")) {
                throw new AssertionError(at + ": the child failed before it was killed; output:\n" + output);
            }
        }
        return open;
    }

    private static void apply(String op, Map<Long, Long> model) {
        String[] f = op.split(" ");
        long key = Long.parseLong(f[1]);
        if (f[0].equals("P")) {
            model.put(key, Long.parseLong(f[2]));
        } else {
            model.remove(key);
        }
    }

    /**
     * The killed child's transaction in flight landed whole or not at all: the tree (with this
     * JVM's put after it) equals the model without it or with all of it. Applies it to the
     * model if it landed.
     */
    private static boolean settleInFlight(List<String> ops, AbstractSortedMap<Long, Long> tree, TreeMap<Long, Long> model,
                                          long own, long ownValue, String at) {
        TreeMap<Long, Long> with = new TreeMap<>(model);
        ops.forEach(op -> apply(op, with));
        with.put(own, ownValue);
        TreeMap<Long, Long> without = new TreeMap<>(model);
        without.put(own, ownValue);
        long actual = fingerprint(tree);
        boolean landed = actual == fingerprint(with);
        assertThat(landed || actual == fingerprint(without)).as("%s: the in-flight transaction of %d operations landed"
                + " whole or not at all", at, ops.size()).isTrue();
        if (landed) {
            ops.forEach(op -> apply(op, model));
        }
        return landed;
    }

    private static long fingerprint(Map<Long, Long> map) {
        long h = 0;
        for (Map.Entry<Long, Long> e : map.entrySet()) {
            h = h * 31 + e.getKey() * 0x9E3779B97F4A7C15L + e.getValue();
        }
        return h;
    }
}

package io.regionpm.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;
import io.regionpm.testkit.TempTrees;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random operations on a {@link PersistentAvlTree}'s engine against a {@link TreeMap} oracle:
 * get, put, remove, find with every {@link Relation} (and null keys), bounded scans in both
 * directions, size and the occasional clear, with string keys of varying length (so that the
 * word-at-a-time comparison meets every tail length) and values of mixed sizes, some out of
 * line. In phases with the pool closed and reopened between them; after each phase the tree
 * equals the oracle and the pool checker (which verifies order, heights and balance) is clean.
 */
class AvlModelTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("avl-model");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static Stream<Arguments> configurations() {
        return Stream.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)
                .flatMap(s -> Stream.of(Arguments.of(s, Durability.NONE, Stress.scale(10_000, 1_000_000)),
                        Arguments.of(s, Durability.SYNC, Stress.scale(500, 50_000))));
    }

    private Path file(Durability durability) {
        return durability == Durability.NONE ? dir.resolve("t.pool")
                : Path.of("target", "avl-model-" + ProcessHandle.current().pid() + ".pool");
    }

    @ParameterizedTest(name = "{0} {1} {2} ops")
    @MethodSource("configurations")
    void treeMatchesTreeMap(UpdateStrategy strategy, Durability durability, int ops) throws IOException {
        long seed = Seeds.seed("AvlModelTest." + strategy + "." + durability);
        Random random = new Random(seed);
        NavigableMap<String, byte[]> oracle = new TreeMap<>();
        int phases = 5;
        try {
            for (int phase = 0; phase < phases; phase++) {
                try (Pool pool = Pool.open(file(durability), PoolOptions.create(64L << 20).withDurability(durability))) {
                    PersistentAvlTree<String, byte[]> tree = PersistentAvlTree.open(pool, "t", Codecs.STRING_ORDERED,
                            Codecs.BYTES, phase == 0 ? strategy : null);
                    OrderedStore<String, byte[]> store = tree.engine();
                    assertThat(store.strategy()).isEqualTo(strategy);
                    String where = "seed " + seed + " phase " + phase;
                    assertSame(where + " start", store, oracle);
                    for (int i = 0; i < ops / phases; i++) {
                        step(random, store, oracle, where + " op " + i);
                    }
                    assertSame(where + " end", store, oracle);
                    assertThat(tree.size()).isEqualTo(oracle.size());
                    CheckReport report = pool.check();
                    assertThat(report.isClean()).as("%s: checker: %s", where, report).isTrue();
                }
            }
        } finally {
            if (durability != Durability.NONE) {
                Files.deleteIfExists(file(durability));
            }
        }
    }

    static String key(Random random) {
        String alphabet = "abcz\u00e9\u4e2d";
        int n = random.nextInt(random.nextInt(8) == 0 ? 40 : 12);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(random.nextInt(4) == 0 ? alphabet.length() : 3)));
        }
        return b.toString();
    }

    static byte[] value(Random random) {
        int n = switch (random.nextInt(20)) {
            case 0 -> 1000 + random.nextInt(3000);
            case 1 -> 0;
            default -> 8 * (1 + random.nextInt(4));
        };
        byte[] v = new byte[n];
        random.nextBytes(v);
        return v;
    }

    private static void step(Random random, OrderedStore<String, byte[]> store, NavigableMap<String, byte[]> oracle,
                             String where) {
        String key = key(random);
        switch (random.nextInt(20)) {
            case 0, 1, 2, 3, 4, 5 -> {
                byte[] v = value(random);
                assertThat(show(store.put(key, v))).as(where + " put " + key).isEqualTo(show(oracle.put(key, v)));
            }
            case 6, 7, 8 -> assertThat(show(store.remove(key))).as(where + " remove " + key).isEqualTo(show(oracle.remove(key)));
            case 9, 10 -> assertThat(show(store.get(key))).as(where + " get " + key).isEqualTo(show(oracle.get(key)));
            case 11, 12, 13, 14 -> {
                Relation r = Relation.values()[random.nextInt(Relation.values().length)];
                String k = random.nextInt(10) == 0 ? null : key;
                assertThat(show(store.find(k, r))).as(where + " find " + r + " " + k).isEqualTo(show(expectedFind(oracle, k, r)));
            }
            case 15, 16, 17 -> scan(random, store, oracle, where);
            case 18 -> assertThat(store.size()).as(where + " size").isEqualTo(oracle.size());
            default -> {
                if (random.nextInt(500) == 0) {
                    store.clear();
                    oracle.clear();
                    assertThat(store.size()).as(where + " size after clear").isZero();
                } else {
                    assertThat(show(store.get(key))).as(where + " get " + key).isEqualTo(show(oracle.get(key)));
                }
            }
        }
    }

    static Map.Entry<String, byte[]> expectedFind(NavigableMap<String, byte[]> oracle, String k, Relation r) {
        if (k == null) {
            return switch (r) {
                case EQUAL -> null;
                case CEILING, HIGHER -> oracle.firstEntry();
                case FLOOR, LOWER -> oracle.lastEntry();
            };
        }
        return switch (r) {
            case EQUAL -> oracle.containsKey(k) ? Map.entry(k, oracle.get(k)) : null;
            case CEILING -> oracle.ceilingEntry(k);
            case FLOOR -> oracle.floorEntry(k);
            case HIGHER -> oracle.higherEntry(k);
            case LOWER -> oracle.lowerEntry(k);
        };
    }

    private static void scan(Random random, OrderedStore<String, byte[]> store, NavigableMap<String, byte[]> oracle,
                             String where) {
        String from = random.nextInt(5) == 0 ? null : key(random);
        String to = random.nextInt(5) == 0 ? null : key(random);
        boolean fi = random.nextBoolean();
        boolean ti = random.nextBoolean();
        boolean desc = random.nextBoolean();
        int max = 1 + random.nextInt(40);
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        int n = store.scan(from, fi, to, ti, desc, max, out);
        List<String> expected = expectedScan(oracle, from, fi, to, ti, desc, max);
        assertThat(out.stream().map(AvlModelTest::show).toList()).as(where + " scan " + from + (fi ? "[" : "(") + " " + to
                + (ti ? "]" : ")") + (desc ? " desc" : " asc") + " max " + max).isEqualTo(expected);
        assertThat(n).isEqualTo(out.size());
    }

    static List<String> expectedScan(NavigableMap<String, byte[]> oracle, String from, boolean fi, String to, boolean ti,
                                     boolean desc, int max) {
        int sign = desc ? -1 : 1;
        return (desc ? oracle.descendingMap() : oracle).entrySet().stream()
                .filter(e -> from == null || Integer.signum(e.getKey().compareTo(from)) * sign > 0
                        || fi && e.getKey().equals(from))
                .filter(e -> to == null || Integer.signum(e.getKey().compareTo(to)) * sign < 0 || ti && e.getKey().equals(to))
                .limit(max).map(AvlModelTest::show).toList();
    }

    /** The whole tree, read in scans of 100, equals the oracle. */
    static void assertSame(String where, OrderedStore<String, byte[]> store, NavigableMap<String, byte[]> oracle) {
        List<Map.Entry<String, byte[]>> all = new ArrayList<>();
        String from = null;
        while (true) {
            List<Map.Entry<String, byte[]>> chunk = new ArrayList<>();
            int n = store.scan(from, false, null, false, false, 100, chunk);
            all.addAll(chunk);
            if (n < 100) {
                break;
            }
            from = chunk.getLast().getKey();
        }
        assertThat(all.stream().map(AvlModelTest::show).toList()).as(where + ": contents")
                .isEqualTo(oracle.entrySet().stream().map(AvlModelTest::show).toList());
        assertThat(store.size()).as(where + ": size").isEqualTo(oracle.size());
    }

    static String show(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Map.Entry<?, ?> e) {
            return show(e.getKey()) + "=" + show(e.getValue());
        }
        return o instanceof byte[] b ? b.length + ":" + HexFormat.of().formatHex(Arrays.copyOf(b, Math.min(b.length, 16)))
                + Arrays.hashCode(b) : o.toString();
    }
}

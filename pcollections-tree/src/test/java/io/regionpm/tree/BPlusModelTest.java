package io.regionpm.tree;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

import io.regionpm.core.Codec;
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
 * Random operations on a {@link PersistentBPlusTree}'s engine against a {@link TreeMap}:
 * get, put, remove, find with every relation, bounded scans in both directions, size and
 * clear, with values of mixed sizes (some out of line) and 256-byte nodes so that splits,
 * merges and several levels happen with few keys; in phases with the pool closed and
 * reopened between them, the checker clean after each phase. Long and string keys (the
 * latter longer than a slot's 8-byte head), SHADOW and IN_PLACE, on /dev/shm (NONE) and a
 * file (SYNC).
 */
class BPlusModelTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("bplus-model");
    }

    @AfterEach
    void tearDown() throws Exception {
        TempTrees.deleteTree(dir);
        Files.deleteIfExists(syncFile());
    }

    private static Path syncFile() {
        return Path.of("target", "bplus-model-" + ProcessHandle.current().pid() + ".pool");
    }

    static Stream<Arguments> configurations() {
        return Stream.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)
                .flatMap(s -> Stream.of(Arguments.of(s, Durability.NONE, Stress.scale(40_000, 1_000_000)),
                        Arguments.of(s, Durability.SYNC, Stress.scale(2_000, 60_000))));
    }

    private Pool open(Durability durability) {
        Path file = durability == Durability.NONE ? dir.resolve("m.pool") : syncFile();
        return Pool.open(file, PoolOptions.create(64L << 20).withDurability(durability));
    }

    @ParameterizedTest(name = "{0} {1} {2} ops")
    @MethodSource("configurations")
    void longKeysMatchTreeMap(UpdateStrategy strategy, Durability durability, int ops) {
        run("long", strategy, durability, ops, Codecs.LONG, r -> (long) r.nextInt(4000) - 2000);
    }

    @ParameterizedTest(name = "{0} {1} {2} ops")
    @MethodSource("configurations")
    void stringKeysMatchTreeMap(UpdateStrategy strategy, Durability durability, int ops) {
        run("string", strategy, durability, ops, Codecs.STRING_ORDERED,
                r -> "key-" + "x".repeat(r.nextInt(3) * 4) + r.nextInt(3000));
    }

    private <K extends Comparable<K>> void run(String kind, UpdateStrategy strategy, Durability durability, int ops,
                                               Codec<K> codec, java.util.function.Function<Random, K> keys) {
        long seed = Seeds.seed("BPlusModelTest." + kind + "." + strategy + "." + durability);
        Random random = new Random(seed);
        NavigableMap<K, byte[]> oracle = new TreeMap<>();
        int phases = 4;
        for (int phase = 0; phase < phases; phase++) {
            String where = "seed " + seed + " phase " + phase;
            try (Pool pool = open(durability)) {
                PersistentBPlusTree<K, byte[]> tree = PersistentBPlusTree.open(pool, "t", codec, Codecs.BYTES, strategy, 256);
                OrderedStore<K, byte[]> store = tree.engine();
                checkEquals(where + " start", store, oracle);
                for (int i = 0; i < ops / phases; i++) {
                    step(random, store, oracle, keys, where + " op " + i);
                }
                checkEquals(where + " end", store, oracle);
                CheckReport report = pool.check();
                assertThat(report.isClean()).as("%s: checker: %s", where, report).isTrue();
            }
        }
    }

    static byte[] value(Random random) {
        int n = switch (random.nextInt(16)) {
            case 0 -> 60 + random.nextInt(300);
            case 1 -> 0;
            default -> 1 + random.nextInt(12);
        };
        byte[] v = new byte[n];
        random.nextBytes(v);
        return v;
    }

    private static <K extends Comparable<K>> void step(Random random, OrderedStore<K, byte[]> store,
                                                       NavigableMap<K, byte[]> oracle,
                                                       java.util.function.Function<Random, K> keys, String where) {
        K key = keys.apply(random);
        int op = random.nextInt(100);
        if (op < 40) {
            byte[] v = value(random);
            assertThat(store.put(key, v)).as(where + " put " + key).isEqualTo(oracle.put(key, v));
        } else if (op < 65) {
            assertThat(store.remove(key)).as(where + " remove " + key).isEqualTo(oracle.remove(key));
        } else if (op < 75) {
            assertThat(store.get(key)).as(where + " get " + key).isEqualTo(oracle.get(key));
        } else if (op < 90) {
            Relation r = Relation.values()[random.nextInt(Relation.values().length)];
            K probe = random.nextInt(10) == 0 ? null : key;
            if (probe == null && r == Relation.EQUAL) {
                return;
            }
            assertEntry(where + " find " + r + " " + probe, store.find(probe, r), expected(oracle, probe, r));
        } else if (op < 99) {
            scan(random, store, oracle, keys, where);
        } else if (random.nextInt(20) == 0) {
            store.clear();
            oracle.clear();
            assertThat(store.size()).as(where + " size after clear").isZero();
        } else {
            assertThat(store.size()).as(where + " size").isEqualTo(oracle.size());
        }
    }

    private static <K extends Comparable<K>> void scan(Random random, OrderedStore<K, byte[]> store,
                                                       NavigableMap<K, byte[]> oracle,
                                                       java.util.function.Function<Random, K> keys, String where) {
        K from = random.nextInt(5) == 0 ? null : keys.apply(random);
        K to = random.nextInt(5) == 0 ? null : keys.apply(random);
        boolean fromInc = random.nextBoolean();
        boolean toInc = random.nextBoolean();
        boolean descending = random.nextBoolean();
        int max = 1 + random.nextInt(random.nextBoolean() ? 10 : 500);
        List<Map.Entry<K, byte[]>> out = new ArrayList<>();
        int n = store.scan(from, fromInc, to, toInc, descending, max, out);
        NavigableMap<K, byte[]> view = descending ? oracle.descendingMap() : oracle;
        if (from != null) {
            view = view.tailMap(from, fromInc);
        }
        if (to != null) {
            int cmp = from == null ? 0 : from.compareTo(to);
            boolean empty = from != null && ((descending ? cmp < 0 : cmp > 0) || cmp == 0 && !(fromInc && toInc));
            view = empty ? new TreeMap<>() : view.headMap(to, toInc);
        }
        List<Map.Entry<K, byte[]>> expected = view.entrySet().stream().limit(max).toList();
        String what = where + " scan " + from + (fromInc ? "[" : "(") + " .. " + to + (toInc ? "]" : ")")
                + (descending ? " desc" : "") + " max " + max;
        assertThat(n).as(what + ": count").isEqualTo(expected.size()).isEqualTo(out.size());
        for (int i = 0; i < n; i++) {
            assertEntry(what + " #" + i, out.get(i), expected.get(i));
        }
    }

    private static <K> Map.Entry<K, byte[]> expected(NavigableMap<K, byte[]> oracle, K key, Relation r) {
        if (key == null) {
            return r == Relation.CEILING || r == Relation.HIGHER ? oracle.firstEntry() : oracle.lastEntry();
        }
        return switch (r) {
            case EQUAL -> oracle.containsKey(key) ? Map.entry(key, oracle.get(key)) : null;
            case CEILING -> oracle.ceilingEntry(key);
            case FLOOR -> oracle.floorEntry(key);
            case HIGHER -> oracle.higherEntry(key);
            case LOWER -> oracle.lowerEntry(key);
        };
    }

    private static <K> void assertEntry(String where, Map.Entry<K, byte[]> actual, Map.Entry<K, byte[]> expected) {
        if (expected == null) {
            assertThat(actual).as(where).isNull();
            return;
        }
        assertThat(actual).as(where).isNotNull();
        assertThat(actual.getKey()).as(where + " key").isEqualTo(expected.getKey());
        assertThat(actual.getValue()).as(where + " value of " + expected.getKey()).isEqualTo(expected.getValue());
    }

    static <K> void checkEquals(String where, OrderedStore<K, byte[]> store, NavigableMap<K, byte[]> oracle) {
        assertThat(store.size()).as(where + " size").isEqualTo(oracle.size());
        List<Map.Entry<K, byte[]>> all = new ArrayList<>();
        K from = null;
        while (true) {
            int n = store.scan(from, false, null, false, false, 97, all);
            if (n < 97) {
                break;
            }
            from = all.getLast().getKey();
        }
        assertThat(all.stream().map(Map.Entry::getKey).toList()).as(where + " keys").isEqualTo(new ArrayList<>(oracle.keySet()));
        int i = 0;
        for (Map.Entry<K, byte[]> e : oracle.entrySet()) {
            assertThat(Arrays.equals(all.get(i++).getValue(), e.getValue())).as(where + " value of " + e.getKey()).isTrue();
            assertThat(store.get(e.getKey())).as(where + " get " + e.getKey()).isEqualTo(e.getValue());
        }
    }
}

package io.regionpm.hash;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random operations on {@link PersistentHashMap} and {@link PersistentLongLongHashMap} against a
 * {@link HashMap} oracle, in phases with the pool closed and reopened between them; after each
 * phase the map equals the oracle (entry set, size, iteration) and the pool checker is clean.
 * Values vary in size (same-size rewrites exercise IN_PLACE's in-place path; a few exceed the
 * inline limit and go out of line). About 100,000 operations per configuration by default.
 */
class HashMapModelTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("hash-model");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static Stream<Arguments> configurations() {
        return Stream.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)
                .flatMap(s -> Stream.of(Arguments.of(s, Durability.NONE, Stress.scale(100_000, 3_000_000)),
                        Arguments.of(s, Durability.SYNC, Stress.scale(3_000, 100_000))));
    }

    private Pool open(Durability durability) {
        Path file = durability == Durability.NONE ? dir.resolve("m.pool") : Path.of("target", "hash-model-" + ProcessHandle.current().pid() + ".pool");
        return Pool.open(file, PoolOptions.create(256L << 20).withDurability(durability));
    }

    @ParameterizedTest(name = "{0} {1} {2} ops")
    @MethodSource("configurations")
    void encodedMapMatchesHashMap(UpdateStrategy strategy, Durability durability, int ops) {
        long seed = Seeds.seed("HashMapModelTest.encoded." + strategy + "." + durability);
        Random random = new Random(seed);
        Map<String, byte[]> oracle = new HashMap<>();
        int phases = 5;
        try {
            for (int phase = 0; phase < phases; phase++) {
                try (Pool pool = open(durability)) {
                    PersistentHashMap<String, byte[]> map = PersistentHashMap.open(pool, "m", Codecs.STRING, Codecs.BYTES, strategy);
                    assertThat(map.strategy()).isEqualTo(strategy);
                    checkEquals("seed " + seed + " phase " + phase + " start", map, oracle);
                    for (int i = 0; i < ops / phases; i++) {
                        step(random, map, oracle, "seed " + seed + " phase " + phase + " op " + i);
                    }
                    checkEquals("seed " + seed + " phase " + phase + " end", map, oracle);
                    CheckReport report = pool.check();
                    assertThat(report.isClean()).as("seed %d: checker after phase %d: %s", seed, phase, report).isTrue();
                }
            }
        } finally {
            deleteSync(durability);
        }
    }

    private void deleteSync(Durability durability) {
        if (durability != Durability.NONE) {
            try {
                java.nio.file.Files.deleteIfExists(Path.of("target", "hash-model-" + ProcessHandle.current().pid() + ".pool"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static byte[] value(Random random) {
        int n = switch (random.nextInt(20)) {
            case 0 -> 2000 + random.nextInt(3000);
            case 1 -> 0;
            default -> 8 * (1 + random.nextInt(4));
        };
        byte[] v = new byte[n];
        random.nextBytes(v);
        return v;
    }

    private static void step(Random random, PersistentHashMap<String, byte[]> map, Map<String, byte[]> oracle, String where) {
        String key = "k" + random.nextInt(3000);
        byte[] v = value(random);
        switch (random.nextInt(12)) {
            case 0, 1, 2 -> assertBytes(where + " put", map.put(key, v), oracle.put(key, v));
            case 3 -> assertBytes(where + " get", map.get(key), oracle.get(key));
            case 4, 5 -> assertBytes(where + " remove", map.remove(key), oracle.remove(key));
            case 6 -> assertBytes(where + " putIfAbsent", map.putIfAbsent(key, v), oracle.putIfAbsent(key, v));
            case 7 -> assertBytes(where + " replace", map.replace(key, v), oracle.replace(key, v));
            case 8 -> {
                byte[] r = random.nextInt(4) == 0 ? null : v;
                assertBytes(where + " compute", map.compute(key, (k, old) -> r), oracle.compute(key, (k, old) -> r));
            }
            case 9 -> {
                byte[] r = random.nextInt(4) == 0 ? null : v;
                assertBytes(where + " merge", map.merge(key, v, (a, b) -> r), oracle.merge(key, v, (a, b) -> r));
            }
            case 10 -> assertThat(map.containsKey(key)).as(where + " containsKey").isEqualTo(oracle.containsKey(key));
            default -> {
                byte[] r = random.nextBoolean() ? null : v;
                assertBytes(where + " computeIfPresent", map.computeIfPresent(key, (k, old) -> r),
                        oracle.computeIfPresent(key, (k, old) -> r));
            }
        }
    }

    private static void assertBytes(String where, byte[] actual, byte[] expected) {
        assertThat(actual).as(where).isEqualTo(expected);
    }

    private static void checkEquals(String where, PersistentHashMap<String, byte[]> map, Map<String, byte[]> oracle) {
        assertThat(map.size()).as(where + " size").isEqualTo(oracle.size());
        Map<String, byte[]> seen = new HashMap<>();
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
            assertThat(seen.put(e.getKey(), e.getValue())).as(where + ": iterated twice: " + e.getKey()).isNull();
        }
        assertThat(seen.keySet()).as(where + " keys").isEqualTo(oracle.keySet());
        oracle.forEach((k, v) -> assertThat(seen.get(k)).as(where + " value of " + k).isEqualTo(v));
        oracle.forEach((k, v) -> assertThat(map.get(k)).as(where + " get " + k).isEqualTo(v));
    }

    @ParameterizedTest(name = "{0} {1} {2} ops")
    @MethodSource("configurations")
    void longLongMapMatchesHashMap(UpdateStrategy strategy, Durability durability, int ops) {
        long seed = Seeds.seed("HashMapModelTest.longLong." + strategy + "." + durability);
        Random random = new Random(seed);
        Map<Long, Long> oracle = new HashMap<>();
        int phases = 5;
        try {
            for (int phase = 0; phase < phases; phase++) {
                try (Pool pool = open(durability)) {
                    PersistentLongLongHashMap map = PersistentLongLongHashMap.open(pool, "ll", strategy);
                    String where = "seed " + seed + " phase " + phase;
                    assertThat(map).as(where + " start").isEqualTo(oracle);
                    for (int i = 0; i < ops / phases; i++) {
                        long key = random.nextInt(5000) - 2500L;
                        long v = random.nextLong();
                        switch (random.nextInt(8)) {
                            case 0, 1 -> {
                                map.put(key, v);
                                oracle.put(key, v);
                            }
                            case 2 -> assertThat(map.getIfAbsent(key, -7)).as(where).isEqualTo(oracle.getOrDefault(key, -7L));
                            case 3 -> {
                                long expected = oracle.containsKey(key) ? oracle.remove(key) : -7L;
                                assertThat(map.removeKeyIfAbsent(key, -7)).as(where).isEqualTo(expected);
                            }
                            case 4 -> assertThat(map.addToValue(key, 3)).as(where).isEqualTo(oracle.merge(key, 3L, Long::sum).longValue());
                            case 5 -> assertThat(map.merge(key, 1L, Long::sum)).as(where).isEqualTo(oracle.merge(key, 1L, Long::sum));
                            case 6 -> assertThat(map.remove(key)).as(where).isEqualTo(oracle.remove(key));
                            default -> assertThat(map.containsKey(key)).as(where).isEqualTo(oracle.containsKey(key));
                        }
                        if (oracle.containsKey(key) && random.nextInt(3) == 0) {
                            map.remove(key);
                            oracle.remove(key);
                        }
                    }
                    assertThat(map).as(where + " end").isEqualTo(oracle);
                    assertThat(map.hashCode()).isEqualTo(oracle.hashCode());
                    CheckReport report = pool.check();
                    assertThat(report.isClean()).as("seed %d: checker after phase %d: %s", seed, phase, report).isTrue();
                }
            }
        } finally {
            deleteSync(durability);
        }
    }
}

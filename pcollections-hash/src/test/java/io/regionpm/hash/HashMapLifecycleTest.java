package io.regionpm.hash;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Transactions across two maps, the primitive API of {@link PersistentLongLongHashMap} against
 * its boxed view, {@code clear} and {@code drop}: the maps' contents and the pool checker.
 */
class HashMapLifecycleTest {
    private Path dir;
    private Pool pool;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("hash-lifecycle");
        pool = Pool.open(dir.resolve("l.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
    }

    @AfterEach
    void tearDown() {
        pool.close();
        TempTrees.deleteTree(dir);
    }

    private void assertCheckerClean() {
        CheckReport report = pool.check();
        assertThat(report.isClean()).as("checker: %s", report).isTrue();
        assertThat(report.leaks().isEmpty()).as("leaks: %s", report).isTrue();
    }

    /** Thrown by a transaction body, to check it is rethrown as is. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void aTransactionThatThrowsLeavesBothMapsUnchanged(UpdateStrategy strategy) {
        PersistentHashMap<String, String> strings = PersistentHashMap.open(pool, "s", Codecs.STRING, Codecs.STRING, strategy);
        PersistentLongLongHashMap longs = PersistentLongLongHashMap.open(pool, "l", strategy);
        strings.put("kept", "1");
        strings.put("changed", "2");
        longs.put(1L, 10L);
        longs.put(2L, 20L);
        Map<String, String> stringsBefore = new HashMap<>(strings);
        Map<Long, Long> longsBefore = new HashMap<>(longs);
        long allocated = pool.check().allocatedBytes();
        Abort abort = new Abort();
        Throwable thrown = catchThrowable(() -> pool.transaction(() -> {
            strings.put("changed", "same size");
            strings.put("new", "x");
            strings.remove("kept");
            longs.put(1L, 11L);
            longs.addToValue(3L, 30L);
            longs.removeKeyIfAbsent(2L, -1L);
            for (int i = 0; i < 200; i++) {
                strings.put("grow" + i, "g");
            }
            throw abort;
        }));
        assertThat(thrown).isSameAs(abort);
        assertThat(strings).isEqualTo(stringsBefore);
        assertThat(longs).isEqualTo(longsBefore);
        assertThat(pool.check().allocatedBytes()).isEqualTo(allocated);
        assertCheckerClean();

        String result = pool.transaction(() -> {
            strings.put("changed", "3");
            longs.put(1L, 12L);
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(strings).isEqualTo(Map.of("kept", "1", "changed", "3"));
        assertThat(longs).isEqualTo(Map.of(1L, 12L, 2L, 20L));
        assertCheckerClean();
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void readsInsideATransactionSeeItsOwnWrites(UpdateStrategy strategy) {
        PersistentHashMap<String, String> strings = PersistentHashMap.open(pool, "s", Codecs.STRING, Codecs.STRING, strategy);
        PersistentLongLongHashMap longs = PersistentLongLongHashMap.open(pool, "l", strategy);
        strings.put("old", "0");
        pool.transaction(() -> {
            strings.put("a", "1");
            strings.put("old", "changed");
            strings.remove("gone");
            longs.put(5L, 50L);
            assertThat(strings.get("a")).isEqualTo("1");
            assertThat(strings.get("old")).isEqualTo("changed");
            assertThat(strings.containsKey("a")).isTrue();
            assertThat(strings).hasSize(2).containsEntry("a", "1").containsEntry("old", "changed");
            assertThat(longs.getIfAbsent(5L, -1L)).isEqualTo(50L);
            assertThat(longs.get(5L)).isEqualTo(50L);
            assertThat(longs.addToValue(5L, 1L)).isEqualTo(51L);
            strings.remove("a");
            assertThat(strings.get("a")).isNull();
            assertThat(strings.merge("old", "+", String::concat)).isEqualTo("changed+");
        });
        assertThat(strings).isEqualTo(Map.of("old", "changed+"));
        assertThat(longs).isEqualTo(Map.of(5L, 51L));
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void primitiveMethodsAgreeWithTheBoxedView(UpdateStrategy strategy) {
        PersistentLongLongHashMap map = PersistentLongLongHashMap.open(pool, "l", strategy);
        Map<Long, Long> oracle = new HashMap<>();
        long seed = Seeds.seed("HashMapLifecycleTest.primitive." + strategy);
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long key = random.nextInt(500) - 250L;
            long value = random.nextLong();
            String where = "seed " + seed + " op " + i;
            switch (random.nextInt(6)) {
                case 0 -> {
                    map.put(key, value);
                    oracle.put(key, value);
                }
                case 1 -> assertThat(map.put((Long) key, (Long) value)).as(where).isEqualTo(oracle.put(key, value));
                case 2 -> assertThat(map.addToValue(key, value)).as(where).isEqualTo(oracle.merge(key, value, Long::sum));
                case 3 -> {
                    Long old = oracle.remove(key);
                    assertThat(map.removeKeyIfAbsent(key, Long.MIN_VALUE)).as(where).isEqualTo(old == null ? Long.MIN_VALUE : old);
                }
                case 4 -> assertThat(map.remove((Long) key)).as(where).isEqualTo(oracle.remove(key));
                default -> {
                    assertThat(map.getIfAbsent(key, 7L)).as(where).isEqualTo(oracle.getOrDefault(key, 7L));
                    assertThat(map.containsKey(key)).as(where).isEqualTo(oracle.containsKey(key));
                    assertThat(map.get(key)).as(where).isEqualTo(oracle.get(key));
                    assertThat(map.containsKey((Object) key)).as(where).isEqualTo(oracle.containsKey(key));
                }
            }
        }
        Map<Long, Long> visited = new HashMap<>();
        map.forEachKeyValue((k, v) -> assertThat(visited.put(k, v)).as("visited twice: %d", k).isNull());
        assertThat(visited).isEqualTo(oracle);
        assertThat(map).isEqualTo(oracle);
        assertThat(map.mappingCount()).isEqualTo(oracle.size());
        assertCheckerClean();
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void clearEmptiesTheMapAndTheCheckerStaysClean(UpdateStrategy strategy) {
        PersistentHashMap<Long, byte[]> map = PersistentHashMap.open(pool, "c", Codecs.LONG, Codecs.BYTES, strategy);
        long empty = pool.check().allocatedBytes();
        for (long k = 0; k < 20_000; k++) {
            map.put(k, new byte[(int) (k % 50) == 0 ? 5_000 : 16]);
        }
        map.clear();
        assertThat(map).isEmpty();
        assertThat(map.size()).isZero();
        assertThat(map.entrySet().iterator().hasNext()).isFalse();
        assertThat(map.get(7L)).isNull();
        assertCheckerClean();
        assertThat(pool.check().allocatedBytes()).as("entries freed (buckets grown may stay)").isGreaterThanOrEqualTo(empty);
        map.put(1L, new byte[] {1});
        assertThat(map).hasSize(1);
        pool.transaction(map::clear);
        assertThat(map).isEmpty();
        assertCheckerClean();
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void droppingAMapWithEntriesFreesEverything(UpdateStrategy strategy) {
        long baseline = pool.check().allocatedBytes();
        PersistentHashMap<String, byte[]> map = PersistentHashMap.open(pool, "d", Codecs.STRING, Codecs.BYTES, strategy);
        PersistentLongLongHashMap longs = PersistentLongLongHashMap.open(pool, "dl", strategy);
        for (int i = 0; i < 5_000; i++) {
            map.put("k" + i, new byte[i % 100 == 0 ? 10_000 : i % 64]);
            longs.put(i, i);
        }
        assertThat(pool.drop("d")).isTrue();
        assertThat(pool.drop("dl")).isTrue();
        assertThat(pool.drop("d")).isFalse();
        assertThat(pool.names()).doesNotContain("d", "dl");
        assertCheckerClean();
        assertThat(pool.check().allocatedBytes()).isEqualTo(baseline);
        PersistentHashMap<String, byte[]> again = PersistentHashMap.open(pool, "d", Codecs.STRING, Codecs.BYTES, strategy);
        assertThat(again).isEmpty();
    }
}

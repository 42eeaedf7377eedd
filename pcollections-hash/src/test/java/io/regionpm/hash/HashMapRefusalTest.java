package io.regionpm.hash;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolFullException;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Refused operations (DESIGN 7, bad input): a clear exception and nothing changed, in the map
 * and in the pool's allocator. Reopening with another type, codecs or strategy; APPEND; a value
 * the pool cannot hold; a value the codec refuses; any call on a closed pool.
 */
class HashMapRefusalTest {
    private static final String UNPAIRED = "bad \uD800 surrogate";
    private Path dir;
    private Pool pool;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("hash-refusal");
        pool = Pool.open(dir.resolve("r.pool"), PoolOptions.create(16L << 20).withDurability(Durability.NONE));
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

    // ---- reopening -------------------------------------------------------------------------

    @Test
    void reopeningWithOtherCodecsOrTypeIsRefusedAndChangesNothing() {
        PersistentHashMap<String, String> strings = PersistentHashMap.open(pool, "s", Codecs.STRING, Codecs.STRING);
        strings.put("k", "v");
        PersistentLongLongHashMap longs = PersistentLongLongHashMap.open(pool, "l", UpdateStrategy.IN_PLACE);
        longs.put(1L, 2L);
        long allocated = pool.check().allocatedBytes();
        Set<String> names = pool.names();

        List<Runnable> reopens = List.of(
                () -> PersistentHashMap.open(pool, "s", Codecs.STRING, Codecs.LONG),
                () -> PersistentHashMap.open(pool, "s", Codecs.LONG, Codecs.STRING),
                () -> PersistentHashMap.open(pool, "s", Codecs.STRING, Codecs.BYTES),
                () -> PersistentHashMap.open(pool, "s", Codecs.STRING, Codecs.STRING, UpdateStrategy.IN_PLACE),
                () -> PersistentLongLongHashMap.open(pool, "s"),
                () -> PersistentHashMap.open(pool, "l", Codecs.LONG, Codecs.LONG),
                () -> PersistentLongLongHashMap.open(pool, "l", UpdateStrategy.SHADOW));
        for (int i = 0; i < reopens.size(); i++) {
            assertThatThrownBy(reopens.get(i)::run).as("reopen %d", i).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(i < 5 ? "s" : "l");
        }
        assertThat(pool.names()).isEqualTo(names);
        assertThat(pool.check().allocatedBytes()).isEqualTo(allocated);
        assertThat(strings).isEqualTo(Map.of("k", "v"));
        assertThat(longs).isEqualTo(Map.of(1L, 2L));
        assertThat(PersistentHashMap.open(pool, "s", Codecs.STRING, Codecs.STRING)).isEqualTo(Map.of("k", "v"));
        assertThat(PersistentLongLongHashMap.open(pool, "l").strategy()).isEqualTo(UpdateStrategy.IN_PLACE);
        assertCheckerClean();
    }

    @Test
    void appendIsRefusedWithIllegalArgumentAndCreatesNothing() {
        Set<String> names = pool.names();
        assertThatThrownBy(() -> PersistentHashMap.open(pool, "a", Codecs.STRING, Codecs.STRING, UpdateStrategy.APPEND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("APPEND");
        assertThatThrownBy(() -> PersistentLongLongHashMap.open(pool, "a", UpdateStrategy.APPEND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("APPEND");
        assertThat(pool.names()).isEqualTo(names);
        assertCheckerClean();
    }

    // ---- full pool ---------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void valueLargerThanThePoolIsRefusedAndChangesNothing(UpdateStrategy strategy) {
        PersistentHashMap<String, byte[]> map = PersistentHashMap.open(pool, "b", Codecs.STRING, Codecs.BYTES, strategy);
        map.put("small", new byte[] {1, 2, 3});
        map.put("medium", new byte[10_000]);
        CheckReport before = pool.check();
        byte[] huge = new byte[64 << 20];
        List<Consumer<PersistentHashMap<String, byte[]>>> calls = List.of(
                m -> m.put("huge", huge), m -> m.put("small", huge), m -> m.putIfAbsent("huge", huge),
                m -> m.replace("medium", huge), m -> m.compute("small", (k, v) -> huge),
                m -> m.computeIfAbsent("huge", k -> huge), m -> m.merge("medium", huge, (o, n) -> n));
        for (int i = 0; i < calls.size(); i++) {
            int call = i;
            assertThatThrownBy(() -> calls.get(call).accept(map)).as("call %d", i).isInstanceOf(PoolFullException.class);
            assertThat(map.keySet()).containsExactlyInAnyOrder("small", "medium");
            assertThat(map.get("small")).containsExactly(1, 2, 3);
            assertThat(map.get("medium")).hasSize(10_000);
            CheckReport after = pool.check();
            assertThat(after.isClean()).as("call %d: %s", i, after).isTrue();
            assertThat(after.allocatedBytes()).as("call %d", i).isEqualTo(before.allocatedBytes());
        }
        map.put("after", new byte[] {9});
        assertThat(map).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void fillingThePoolStopsWithPoolFullAndKeepsEveryAcknowledgedPut(UpdateStrategy strategy) {
        PersistentHashMap<Long, byte[]> map = PersistentHashMap.open(pool, "f", Codecs.LONG, Codecs.BYTES, strategy);
        long n = 0;
        PoolFullException full = null;
        while (full == null) {
            try {
                map.put(n, new byte[(int) (n % 7_000) + 1]);
                n++;
            } catch (PoolFullException e) {
                full = e;
            }
            assertThat(n).as("a 16 MiB pool must fill up").isLessThan(100_000);
        }
        assertThat(map).hasSize((int) n);
        assertThat(map.containsKey(n)).isFalse();
        for (long k = 0; k < n; k++) {
            assertThat(map.get(k)).as("key %d", k).hasSize((int) (k % 7_000) + 1);
        }
        assertCheckerClean();
        for (long k = 0; k < n; k += 2) {
            map.remove(k);
        }
        map.put(n, new byte[100]);
        assertThat(map.get(n)).hasSize(100);
        assertCheckerClean();
    }

    // ---- codec refusal -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void valueOrKeyTheCodecRefusesIsIllegalArgumentAndChangesNothing(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = PersistentHashMap.open(pool, "c", Codecs.STRING, Codecs.STRING, strategy);
        map.put("a", "1");
        map.put("b", "2");
        Map<String, String> before = new HashMap<>(map);
        long allocated = pool.check().allocatedBytes();
        List<Runnable> calls = List.of(
                () -> map.put("a", UNPAIRED), () -> map.put("new", UNPAIRED), () -> map.put(UNPAIRED, "v"),
                () -> map.putIfAbsent("new", UNPAIRED), () -> map.putIfAbsent(UNPAIRED, "v"),
                () -> map.replace("a", UNPAIRED), () -> map.replace("a", "1", UNPAIRED),
                () -> map.compute("a", (k, v) -> UNPAIRED), () -> map.compute("new", (k, v) -> UNPAIRED),
                () -> map.computeIfAbsent("new", k -> UNPAIRED), () -> map.computeIfPresent("b", (k, v) -> UNPAIRED),
                () -> map.merge("a", UNPAIRED, (o, n) -> n), () -> map.merge("a", "ok", (o, n) -> UNPAIRED),
                () -> map.merge("new", UNPAIRED, (o, n) -> n), () -> map.putAll(Map.of("z", UNPAIRED)),
                () -> map.entrySet().iterator().next().setValue(UNPAIRED));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)::run).as("call %d", i).isInstanceOf(IllegalArgumentException.class);
            assertThat(map).as("after call %d", i).isEqualTo(before);
        }
        assertThat(pool.check().allocatedBytes()).isEqualTo(allocated);
        assertCheckerClean();
    }

    // ---- closed pool ---------------------------------------------------------------------------

    @Test
    @SuppressWarnings("unchecked")
    void everyMethodOnAClosedPoolThrowsPoolClosed() {
        PersistentHashMap<String, String> map = PersistentHashMap.open(pool, "m", Codecs.STRING, Codecs.STRING);
        PersistentLongLongHashMap longs = PersistentLongLongHashMap.open(pool, "l");
        for (int i = 0; i < 100; i++) {
            map.put("k" + i, "v");
            longs.put(i, i);
        }
        var openIterator = map.entrySet().iterator();
        openIterator.next();
        var keys = map.keySet();
        var values = map.values();
        var entries = map.entrySet();
        pool.close();
        List<Runnable> calls = List.of(
                map::size, map::isEmpty, map::mappingCount, () -> map.get("k1"), () -> map.containsKey("k1"),
                () -> map.containsValue("v"), () -> map.getOrDefault("k1", "d"), () -> map.put("k1", "w"),
                () -> map.putIfAbsent("n", "w"), () -> map.remove("k1"), () -> map.remove("k1", "v"),
                () -> map.replace("k1", "w"), () -> map.replace("k1", "v", "w"),
                () -> map.compute("k1", (k, v) -> "w"), () -> map.computeIfAbsent("n", k -> "w"),
                () -> map.computeIfPresent("k1", (k, v) -> "w"), () -> map.merge("k1", "w", (o, n) -> n),
                () -> map.putAll(Map.of("n", "w")), () -> map.replaceAll((k, v) -> "w"), () -> map.forEach((k, v) -> { }),
                map::clear, map::hashCode, map::toString, () -> map.equals(Map.of()),
                keys::iterator, values::iterator, entries::iterator, keys::size, () -> keys.contains("k1"),
                () -> keys.remove("k1"), () -> values.contains("v"), () -> entries.contains(Map.entry("k1", "v")),
                openIterator::hasNext, openIterator::next, openIterator::remove,
                longs::size, () -> longs.getIfAbsent(1, -1), () -> longs.containsKey(1L), () -> longs.put(1L, 5L),
                () -> longs.addToValue(1, 1), () -> longs.removeKeyIfAbsent(1, -1),
                () -> longs.forEachKeyValue((k, v) -> { }), () -> longs.get(1L), () -> longs.put((Long) 1L, (Long) 2L));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)::run).as("call %d", i).isInstanceOf(PoolClosedException.class);
        }
        assertThatThrownBy(() -> PersistentHashMap.open(pool, "m", Codecs.STRING, Codecs.STRING))
                .isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> PersistentLongLongHashMap.open(pool, "new")).isInstanceOf(PoolClosedException.class);
    }
}

package io.regionpm.hash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The parts of the {@code ConcurrentMap} contract that Guava's suite does not pin down for a
 * persistent map: live writable views, the compute family with null-returning and throwing
 * functions, null rejection on every method, equality with {@code HashMap} in both directions,
 * foreign key types, and weakly consistent iteration under concurrent writers.
 */
class HashMapContractTest {
    private Path dir;
    private Pool pool;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("hash-contract");
        pool = Pool.open(dir.resolve("c.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
    }

    @AfterEach
    void tearDown() {
        try {
            assertThat(pool.check().isClean()).as("checker after the test").isTrue();
        } finally {
            pool.close();
            TempTrees.deleteTree(dir);
        }
    }

    private PersistentHashMap<String, String> abc(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = PersistentHashMap.open(pool, "m", Codecs.STRING, Codecs.STRING, strategy);
        map.put("a", "1");
        map.put("b", "2");
        map.put("c", "3");
        return map;
    }

    private static Map<String, String> hashMap(String... keysAndValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // ---- views -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void keySetIsLiveAndRemovalsWriteThrough(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        Set<String> keys = map.keySet();
        map.put("d", "4");
        assertThat(keys).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(keys.remove("a")).isTrue();
        assertThat(keys.remove("a")).isFalse();
        assertThat(map).isEqualTo(hashMap("b", "2", "c", "3", "d", "4"));
        assertThat(keys.removeAll(List.of("b", "zz"))).isTrue();
        assertThat(map).isEqualTo(hashMap("c", "3", "d", "4"));
        assertThat(keys.retainAll(List.of("d"))).isTrue();
        assertThat(map).isEqualTo(hashMap("d", "4"));
        map.put("e", "5");
        for (Iterator<String> it = keys.iterator(); it.hasNext();) {
            if (it.next().equals("e")) {
                it.remove();
            }
        }
        assertThat(map).isEqualTo(hashMap("d", "4"));
        assertThatThrownBy(() -> keys.add("x")).isInstanceOf(UnsupportedOperationException.class);
        keys.clear();
        assertThat(map).isEmpty();
        assertThat(keys).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void valuesAreLiveAndRemovalsWriteThrough(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        map.put("d", "2");
        var values = map.values();
        assertThat(values).containsExactlyInAnyOrder("1", "2", "3", "2");
        assertThat(values.remove("2")).isTrue();
        assertThat(map).hasSize(3).containsValue("2");
        assertThat(values.removeIf("3"::equals)).isTrue();
        assertThat(map).doesNotContainKey("c").hasSize(2);
        Iterator<String> it = values.iterator();
        it.next();
        it.remove();
        assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
        assertThat(map).hasSize(1);
        assertThatThrownBy(() -> values.add("x")).isInstanceOf(UnsupportedOperationException.class);
        map.put("z", "26");
        assertThat(values).contains("26");
        values.clear();
        assertThat(map).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void entrySetIsLiveAndSetValueWritesThrough(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        Set<Map.Entry<String, String>> entries = map.entrySet();
        for (Map.Entry<String, String> e : entries) {
            String old = e.getValue();
            assertThat(e.setValue(old + "0")).isEqualTo(old);
            assertThat(e.getValue()).isEqualTo(old + "0");
        }
        assertThat(map).isEqualTo(hashMap("a", "10", "b", "20", "c", "30"));
        assertThat(entries).contains(Map.entry("a", "10")).doesNotContain(Map.entry("a", "1"));
        assertThat(entries.remove(Map.entry("a", "wrong"))).isFalse();
        assertThat(entries.remove(Map.entry("a", "10"))).isTrue();
        assertThat(map).isEqualTo(hashMap("b", "20", "c", "30"));
        for (Iterator<Map.Entry<String, String>> it = entries.iterator(); it.hasNext();) {
            if (it.next().getKey().equals("b")) {
                it.remove();
            }
        }
        assertThat(map).isEqualTo(hashMap("c", "30"));
        Map.Entry<String, String> e = entries.iterator().next();
        assertThatThrownBy(() -> e.setValue(null)).isInstanceOf(NullPointerException.class);
        assertThat(map).isEqualTo(hashMap("c", "30"));
        assertThat(entries.removeIf(x -> x.getValue().equals("30"))).isTrue();
        assertThat(map).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void iteratorRemoveBeforeNextIsRefused(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        Iterator<Map.Entry<String, String>> it = map.entrySet().iterator();
        assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
        assertThat(map).hasSize(3);
        while (it.hasNext()) {
            it.next();
        }
        assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
    }

    // ---- compute family ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void remappingToNullRemovesOrDoesNotInsert(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        assertThat(map.compute("x", (k, v) -> null)).isNull();
        assertThat(map.compute("a", (k, v) -> null)).isNull();
        assertThat(map.computeIfAbsent("y", k -> null)).isNull();
        assertThat(map.computeIfPresent("b", (k, v) -> null)).isNull();
        assertThat(map.computeIfPresent("absent", (k, v) -> "never")).isNull();
        assertThat(map.merge("c", "x", (o, n) -> null)).isNull();
        assertThat(map).isEqualTo(Map.of());
        assertThat(map.merge("m", "1", (o, n) -> "never")).isEqualTo("1");
        assertThat(map.merge("m", "2", (o, n) -> o + n)).isEqualTo("12");
        assertThat(map.compute("m", (k, v) -> v + "3")).isEqualTo("123");
        assertThat(map.computeIfAbsent("m", k -> "never")).isEqualTo("123");
        assertThat(map.computeIfPresent("m", (k, v) -> k + v)).isEqualTo("m123");
        assertThat(map).isEqualTo(Map.of("m", "m123"));
    }

    /** A throwable no map code could create, to check it is rethrown as is. */
    private static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** An Error, which must also abort and pass through unchanged. */
    private static final class BoomError extends Error {
        private static final long serialVersionUID = 1L;
    }

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void throwingFunctionLeavesMapUnchangedAndIsRethrown(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        Map<String, String> before = new HashMap<>(map);
        List<Consumer<RuntimeException>> throwers = List.of(
                x -> map.compute("a", (k, v) -> { throw x; }),
                x -> map.compute("new", (k, v) -> { throw x; }),
                x -> map.computeIfAbsent("new", k -> { throw x; }),
                x -> map.computeIfPresent("b", (k, v) -> { throw x; }),
                x -> map.merge("c", "z", (o, n) -> { throw x; }),
                x -> map.replaceAll((k, v) -> { throw x; }));
        for (Consumer<RuntimeException> thrower : throwers) {
            Boom boom = new Boom();
            assertThat(catchThrowable(() -> thrower.accept(boom))).isSameAs(boom);
            assertThat(map).isEqualTo(before);
        }
        BoomError error = new BoomError();
        assertThat(catchThrowable(() -> map.compute("a", (k, v) -> { throw error; }))).isSameAs(error);
        assertThat(map).isEqualTo(before);
    }

    // ---- nulls ---------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    @SuppressWarnings("DataFlowIssue")
    void nullKeysValuesAndFunctionsAreRefusedWithNpe(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        Map<String, String> before = new HashMap<>(map);
        Map<String, String> withNullValue = new HashMap<>();
        withNullValue.put("n", null);
        Map<String, String> withNullKey = new HashMap<>();
        withNullKey.put(null, "n");
        List<Runnable> calls = List.of(
                () -> map.get(null), () -> map.containsKey(null), () -> map.containsValue(null),
                () -> map.getOrDefault(null, "d"),
                () -> map.put(null, "v"), () -> map.put("a", null), () -> map.put("new", null),
                () -> map.putIfAbsent(null, "v"), () -> map.putIfAbsent("new", null),
                () -> map.remove(null), () -> map.remove(null, "1"),
                () -> map.replace(null, "v"), () -> map.replace("a", null),
                () -> map.replace(null, "1", "v"), () -> map.replace("a", null, "v"), () -> map.replace("a", "1", null),
                () -> map.computeIfAbsent(null, k -> "v"), () -> map.computeIfAbsent("new", null),
                () -> map.computeIfAbsent("a", null),
                () -> map.computeIfPresent(null, (k, v) -> "v"), () -> map.computeIfPresent("a", null),
                () -> map.compute(null, (k, v) -> "v"), () -> map.compute("a", null),
                () -> map.merge(null, "v", (o, n) -> n), () -> map.merge("a", null, (o, n) -> n),
                () -> map.merge("a", "v", null), () -> map.merge("new", "v", null),
                () -> map.putAll(null), () -> map.putAll(withNullValue), () -> map.putAll(withNullKey),
                () -> map.replaceAll(null), () -> map.replaceAll((k, v) -> null),
                () -> map.forEach(null));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)::run).as("call %d", i).isInstanceOf(NullPointerException.class);
            assertThat(map).as("after call %d", i).isEqualTo(before);
        }
        assertThat(map.remove("a", null)).isFalse();
        assertThat(map).isEqualTo(before);
    }

    // ---- equality ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void equalsHashCodeAndToStringAgreeWithHashMap(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = PersistentHashMap.open(pool, "m", Codecs.STRING, Codecs.STRING, strategy);
        Map<String, String> oracle = new HashMap<>();
        assertThat(map.toString()).isEqualTo(oracle.toString());
        assertThat(map.equals(oracle)).isTrue();
        assertThat(oracle.equals(map)).isTrue();
        assertThat(map.hashCode()).isEqualTo(oracle.hashCode());
        map.put("only", "one");
        oracle.put("only", "one");
        assertThat(map.toString()).isEqualTo(oracle.toString());
        for (int i = 0; i < 500; i++) {
            map.put("k" + i, "v" + (i * 7));
            oracle.put("k" + i, "v" + (i * 7));
        }
        assertThat(map.equals(oracle)).isTrue();
        assertThat(oracle.equals(map)).isTrue();
        assertThat(map.hashCode()).isEqualTo(oracle.hashCode());
        assertThat(map.keySet()).isEqualTo(oracle.keySet());
        assertThat(oracle.keySet()).isEqualTo(map.keySet());
        assertThat(map.keySet().hashCode()).isEqualTo(oracle.keySet().hashCode());
        assertThat(map.entrySet()).isEqualTo(oracle.entrySet());
        assertThat(oracle.entrySet()).isEqualTo(map.entrySet());
        assertThat(map.entrySet().hashCode()).isEqualTo(oracle.entrySet().hashCode());
        Map<String, String> inIterationOrder = new LinkedHashMap<>();
        map.forEach(inIterationOrder::put);
        assertThat(map.toString()).isEqualTo(inIterationOrder.toString());

        oracle.put("k1", "different");
        assertThat(map.equals(oracle)).isFalse();
        assertThat(oracle.equals(map)).isFalse();
        oracle.put("k1", "v7");
        oracle.put("extra", "x");
        assertThat(map.equals(oracle)).isFalse();
        assertThat(oracle.equals(map)).isFalse();
        assertThat(map.equals(null)).isFalse();
        assertThat(map.equals("a string")).isFalse();
    }

    // ---- foreign key types ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    @SuppressWarnings({"unchecked", "rawtypes"})
    void keysOfAnotherTypeAreAbsentAndNeverThrow(UpdateStrategy strategy) {
        PersistentHashMap<String, String> map = abc(strategy);
        Map<String, String> before = new HashMap<>(map);
        Map raw = map;
        assertThat(raw.get(42)).isNull();
        assertThat(raw.containsKey(42)).isFalse();
        assertThat(raw.remove(42)).isNull();
        assertThat(raw.remove(42, "1")).isFalse();
        assertThat(raw.getOrDefault(42, "d")).isEqualTo("d");
        assertThat(raw.containsValue(42)).isFalse();
        assertThat(raw.keySet().contains(42L)).isFalse();
        assertThat(raw.keySet().remove(42L)).isFalse();
        assertThat(raw.values().contains(42)).isFalse();
        assertThat(raw.entrySet().contains(Map.entry(42, "1"))).isFalse();
        assertThat(raw.entrySet().remove(Map.entry(42, "1"))).isFalse();
        assertThat(raw.entrySet().contains("not an entry")).isFalse();
        assertThat(map.get("\uD800 unpaired")).isNull();
        assertThat(map.containsKey("\uD800 unpaired")).isFalse();
        assertThat(map.remove("\uD800 unpaired")).isNull();
        assertThat(map).isEqualTo(before);

        PersistentLongLongHashMap longs = PersistentLongLongHashMap.open(pool, "ll", strategy);
        longs.put(1L, 2L);
        Map rawLongs = longs;
        assertThat(rawLongs.get("1")).isNull();
        assertThat(rawLongs.get(1)).isNull();
        assertThat(rawLongs.containsKey(1)).isFalse();
        assertThat(rawLongs.remove(1)).isNull();
        assertThat(rawLongs.remove(1, 2L)).isFalse();
        assertThat(rawLongs.containsValue(2)).isFalse();
        assertThat(longs).isEqualTo(Map.of(1L, 2L));
    }

    // ---- weakly consistent iteration --------------------------------------------------------

    @ParameterizedTest
    @EnumSource(names = {"SHADOW", "IN_PLACE"})
    void iteratorUnderConcurrentWritersReturnsStableEntriesExactlyOnce(UpdateStrategy strategy) throws Exception {
        ConcurrentMap<Long, Long> map = PersistentLongLongHashMap.open(pool, "ll", strategy);
        int stable = 2_000;
        for (long k = 0; k < stable; k++) {
            map.put(k, -k);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("churn").start(() -> {
            try {
                long next = 1_000_000;
                int window = 8_000; // the table grows (splits) while the first rounds iterate
                while (!stop.get()) {
                    for (int i = 0; i < 100; i++) {
                        map.put(next + i, next);
                        map.remove(next + i - window);
                    }
                    next += 100;
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        try {
            for (int round = 0; round < 20; round++) {
                Set<Long> seen = new HashSet<>();
                List<Long> duplicates = new ArrayList<>();
                for (Map.Entry<Long, Long> e : map.entrySet()) {
                    if (!seen.add(e.getKey())) {
                        duplicates.add(e.getKey());
                    }
                    if (e.getKey() < stable) {
                        assertThat(e.getValue()).isEqualTo(-e.getKey());
                    }
                }
                assertThat(duplicates).as("round %d: keys returned twice", round).isEmpty();
                for (long k = 0; k < stable; k++) {
                    assertThat(seen).as("round %d", round).contains(k);
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).isNull();
    }
}

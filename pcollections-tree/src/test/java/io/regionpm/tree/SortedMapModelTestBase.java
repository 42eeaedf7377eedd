package io.regionpm.tree;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiFunction;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.regionpm.testkit.Seeds;
import io.regionpm.testkit.Stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random operations applied at once to a sorted map under test and to a
 * {@link ConcurrentSkipListMap} oracle (whose {@code ConcurrentNavigableMap} semantics the
 * layer copies: out-of-range {@code replace} throws, where {@code TreeMap}'s sub-maps return
 * null), each through the same random view: the map itself, or up to three derivations of
 * sub-, head-, tail- and descending maps (views of views), including bounds outside the view
 * (both must refuse alike). Every navigation method, the key/value/entry views and their
 * iterators (with removal), {@code setValue}, {@code poll*}, the atomic methods,
 * {@code putAll}, {@code replaceAll}, {@code clear}, {@code equals/hashCode/toString} and streams
 * are compared result by result (or exception class by exception class); after each batch the
 * whole map, its descending map and the view are compared in full, with every navigation
 * result for every key of the key space.
 *
 * <p>Subclasses give the map ({@link #newMap()}, called once per test method, on a new
 * instance of the test class each time) and may reopen it between batches ({@link #reopen})
 * and check its storage ({@link #check}, after each reopen and at the end); the real trees
 * reuse this test. The other tests here (nulls, wrong key types, weak consistency, atomicity
 * across threads) apply to every implementation as well.
 */
abstract class SortedMapModelTestBase {
    /** Keys are drawn from [-KEYS, KEYS]: small, so that navigation finds neighbours. */
    private static final int KEYS = 100;
    private static final int OPS_PER_BATCH = 100;

    /** @return a new, empty map under test */
    protected abstract ConcurrentNavigableMap<Long, String> newMap();

    /**
     * Called every few batches: e.g. closes and reopens the pool.
     *
     * @param map the map under test
     * @return the map to go on with (the same entries)
     */
    protected ConcurrentNavigableMap<Long, String> reopen(ConcurrentNavigableMap<Long, String> map) {
        return map;
    }

    /**
     * Called after each reopen: e.g. runs the pool checker.
     *
     * @param map the map under test
     */
    protected void check(ConcurrentNavigableMap<Long, String> map) {
    }

    /** @return the number of random operations (more under the stress profile) */
    protected int operations() {
        return Stress.scale(20_000, 1_000_000);
    }

    @Test
    void randomOperationsThroughRandomViewsMatchConcurrentSkipListMap() {
        long seed = Seeds.seed(getClass().getSimpleName() + ".model");
        Random random = new Random(seed);
        ConcurrentNavigableMap<Long, String> map = newMap();
        ConcurrentNavigableMap<Long, String> oracle = new ConcurrentSkipListMap<>();
        int batches = Math.max(1, operations() / OPS_PER_BATCH);
        for (int batch = 0; batch < batches; batch++) {
            String context = "seed " + seed + " batch " + batch;
            MapTwin view = randomView(random, new MapTwin(map, oracle, "map"), context);
            for (int i = 0; i < OPS_PER_BATCH; i++) {
                step(random, view, context + " op " + i);
            }
            compareFully(new MapTwin(map, oracle, "map"), context + " end");
            compareFully(view, context + " end");
            if (batch % 25 == 24) {
                map = reopen(map);
                check(map);
                compareFully(new MapTwin(map, oracle, "map"), context + " reopened");
            }
        }
        check(map);
    }

    private static long key(Random random) {
        return random.nextInt(2 * KEYS + 1) - KEYS;
    }

    private static String value(Random random) {
        return "v" + random.nextInt(1000);
    }

    @Test
    void nullKeysAndValuesAreRefusedAsConcurrentSkipListMapDoes() {
        ConcurrentNavigableMap<Long, String> map = newMap();
        map.put(1L, "a");
        for (ConcurrentNavigableMap<Long, String> m : List.of(map, map.headMap(5L), map.descendingMap())) {
            assertThatThrownBy(() -> m.put(null, "x")).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.put(2L, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.get(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.containsKey(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.containsValue(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.remove(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.ceilingKey(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.subMap(null, 3L)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.putIfAbsent(3L, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.merge(1L, null, (a, b) -> a)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.replace(1L, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.entrySet().iterator().next().setValue(null)).isInstanceOf(NullPointerException.class);
        }
        assertThat(map).containsExactly(Map.entry(1L, "a"));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void keysOfTheWrongTypeThrowClassCastExceptionAndChangeNothing() {
        ConcurrentNavigableMap<Long, String> map = newMap();
        map.put(1L, "a");
        Map raw = map;
        assertThatThrownBy(() -> raw.put("one", "b")).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> raw.get("one")).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> raw.remove("one")).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> ((Map) map.headMap(5L)).put("one", "b")).isInstanceOf(ClassCastException.class);
        assertThat(map).containsExactly(Map.entry(1L, "a"));
    }

    @Test
    void iteratorsAreWeaklyConsistentUnderChanges() {
        ConcurrentNavigableMap<Long, String> map = newMap();
        int n = 1000;
        for (long k = 0; k < n; k++) {
            map.put(2 * k, "v");
        }
        List<Long> seen = new ArrayList<>();
        Iterator<Long> it = map.keySet().iterator();
        for (int i = 0; it.hasNext(); i++) {
            long k = it.next();
            seen.add(k);
            if (i % 10 == 0) {
                map.remove(k + 2);
                map.put(k + 301, "added far ahead");
                it.remove();
            }
        }
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("ascending, no key twice").isGreaterThan(seen.get(i - 1));
        }
        assertThat(seen).as("added beyond the fetched batch: seen").contains(301L);
        assertThat(map).doesNotContainKey(0L).containsKey(4L);
    }

    @Test
    void checkThenActMethodsAreAtomicAcrossThreads() throws Exception {
        ConcurrentNavigableMap<Long, String> map = newMap();
        int threads = 4;
        int rounds = 500;
        AtomicInteger computedAbsent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        map.merge(-1L, "1", (a, b) -> String.valueOf(Long.parseLong(a) + 1));
                        map.compute((long) (i % 7), (k, v) -> v == null ? "1" : String.valueOf(Long.parseLong(v) + 1));
                        map.computeIfAbsent(1000L + i, k -> {
                            computedAbsent.incrementAndGet();
                            return "once";
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(map.get(-1L)).isEqualTo(String.valueOf(threads * rounds));
        long total = 0;
        for (long k = 0; k < 7; k++) {
            total += Long.parseLong(map.get(k));
        }
        assertThat(total).isEqualTo((long) threads * rounds);
        assertThat(computedAbsent.get()).as("computeIfAbsent ran once per key").isEqualTo(rounds);
    }

    /** Up to three random derivations; bounds usually in the view's order, sometimes not. */
    private static MapTwin randomView(Random random, MapTwin twin, String context) {
        int depth = random.nextInt(4);
        for (int d = 0; d < depth; d++) {
            boolean descending = twin.oracle().comparator() != null;
            long a = key(random);
            long b = key(random);
            if (random.nextInt(5) != 0 && (a > b) != descending) {
                long t = a;
                a = b;
                b = t;
            }
            boolean ai = random.nextBoolean();
            boolean bi = random.nextBoolean();
            long from = a;
            long to = b;
            MapTwin next = switch (random.nextInt(7)) {
                case 0 -> twin.derive(context, "descendingMap()", ConcurrentNavigableMap::descendingMap);
                case 1 -> twin.derive(context, "headMap(" + to + ", " + bi + ")", m -> m.headMap(to, bi));
                case 2 -> twin.derive(context, "tailMap(" + from + ", " + ai + ")", m -> m.tailMap(from, ai));
                case 3 -> twin.derive(context, "subMap(" + from + ", " + ai + ", " + to + ", " + bi + ")",
                        m -> m.subMap(from, ai, to, bi));
                case 4 -> twin.derive(context, "subMap(" + from + ", " + to + ")", m -> m.subMap(from, to));
                case 5 -> twin.derive(context, "headMap(" + to + ")", m -> m.headMap(to));
                default -> twin.derive(context, "tailMap(" + from + ")", m -> m.tailMap(from));
            };
            if (next == null) {
                return twin;
            }
            twin = next;
        }
        return twin;
    }

    private static void step(Random random, MapTwin t, String context) {
        int kind = random.nextInt(100);
        if (kind < 30) {
            pointOperation(random, t, context);
        } else if (kind < 55) {
            atomicOperation(random, t, context);
        } else if (kind < 80) {
            navigation(random, t, context);
        } else if (kind < 97) {
            viewOperation(random, t, context);
        } else {
            bulkOperation(random, t, context);
        }
    }

    private static void pointOperation(Random random, MapTwin t, String context) {
        long k = key(random);
        String v = value(random);
        switch (random.nextInt(8)) {
            case 0 -> t.same(context, "get(" + k + ")", m -> m.get(k));
            case 1 -> t.same(context, "containsKey(" + k + ")", m -> m.containsKey(k));
            case 2, 3, 4 -> t.same(context, "put(" + k + ", " + v + ")", m -> m.put(k, v));
            case 5, 6 -> t.same(context, "remove(" + k + ")", m -> m.remove(k));
            default -> t.same(context, "getOrDefault(" + k + ")", m -> m.getOrDefault(k, "none"));
        }
    }

    private static void atomicOperation(Random random, MapTwin t, String context) {
        long k = key(random);
        String v = value(random);
        boolean toNull = random.nextInt(4) == 0;
        String present = t.oracle().get(k);
        String old = present != null && random.nextBoolean() ? present : v;
        BiFunction<Long, String, String> remap = (key, cur) -> toNull ? null : cur == null ? v : shorten(cur + "+");
        switch (random.nextInt(9)) {
            case 0 -> t.same(context, "putIfAbsent(" + k + ")", m -> m.putIfAbsent(k, v));
            case 1 -> t.same(context, "replace(" + k + ")", m -> m.replace(k, v));
            case 2 -> t.same(context, "replace(" + k + ", " + old + ")", m -> m.replace(k, old, v));
            case 3 -> t.same(context, "remove(" + k + ", " + old + ")", m -> m.remove(k, old));
            case 4 -> t.same(context, "compute(" + k + ", null? " + toNull + ")", m -> m.compute(k, remap));
            case 5 -> t.same(context, "computeIfAbsent(" + k + ")", m -> m.computeIfAbsent(k, key -> toNull ? null : v));
            case 6 -> t.same(context, "computeIfPresent(" + k + ")", m -> m.computeIfPresent(k, remap));
            case 7 -> t.same(context, "merge(" + k + ")", m -> m.merge(k, v, (a, b) -> toNull ? null : shorten(a + b)));
            default -> t.same(context, random.nextBoolean() ? "pollFirstEntry" : "pollLastEntry",
                    random.nextBoolean() ? ConcurrentNavigableMap::pollFirstEntry : ConcurrentNavigableMap::pollLastEntry);
        }
    }

    private static String shorten(String s) {
        return s.length() > 12 ? s.substring(0, 4) : s;
    }

    private static void navigation(Random random, MapTwin t, String context) {
        long k = key(random);
        switch (random.nextInt(12)) {
            case 0 -> t.same(context, "ceilingEntry(" + k + ")", m -> m.ceilingEntry(k));
            case 1 -> t.same(context, "floorEntry(" + k + ")", m -> m.floorEntry(k));
            case 2 -> t.same(context, "higherEntry(" + k + ")", m -> m.higherEntry(k));
            case 3 -> t.same(context, "lowerEntry(" + k + ")", m -> m.lowerEntry(k));
            case 4 -> t.same(context, "ceilingKey(" + k + ")", m -> m.ceilingKey(k));
            case 5 -> t.same(context, "floorKey(" + k + ")", m -> m.floorKey(k));
            case 6 -> t.same(context, "higherKey(" + k + ")", m -> m.higherKey(k));
            case 7 -> t.same(context, "lowerKey(" + k + ")", m -> m.lowerKey(k));
            case 8 -> t.same(context, "firstEntry/lastEntry", m -> List.of(String.valueOf(m.firstEntry()), String.valueOf(m.lastEntry())));
            case 9 -> t.same(context, "firstKey", ConcurrentNavigableMap::firstKey);
            case 10 -> t.same(context, "lastKey", ConcurrentNavigableMap::lastKey);
            default -> t.same(context, "size/isEmpty", m -> m.size() + "/" + m.isEmpty());
        }
    }

    private static void viewOperation(Random random, MapTwin t, String context) {
        long k = key(random);
        long mod = 2 + random.nextInt(4);
        long rest = random.nextInt((int) mod);
        switch (random.nextInt(12)) {
            case 0 -> t.same(context, "keySet().pollFirst", m -> m.navigableKeySet().pollFirst());
            case 1 -> t.same(context, "descendingKeySet().pollFirst", m -> m.descendingKeySet().pollFirst());
            case 2 -> t.same(context, "keySet().remove(" + k + ")", m -> m.keySet().remove(k));
            case 3 -> t.same(context, "keySet() navigation " + k, m -> List.of(String.valueOf(m.navigableKeySet().ceiling(k)),
                    String.valueOf(m.descendingKeySet().ceiling(k)), String.valueOf(m.navigableKeySet().lower(k))));
            case 4 -> t.same(context, "iterator removal of keys = " + rest + " mod " + mod, m -> removeByIterator(m, mod, rest));
            case 5 -> setValues(t, context, mod, rest);
            case 6 -> t.same(context, "values().removeIf", m -> m.values().removeIf(v -> v.hashCode() % mod == rest));
            case 7 -> t.same(context, "entrySet().remove(" + k + ")", m -> m.entrySet().remove(Map.entry(k, String.valueOf(t.oracle().get(k)))));
            case 8 -> t.same(context, "headMap(" + k + ").keySet()", m -> m.headMap(k, true).keySet());
            case 9 -> t.same(context, "tailMap(" + k + ").descendingMap()", m -> m.tailMap(k, false).descendingMap());
            case 10 -> t.same(context, "keySet().headSet(" + k + ")", m -> m.navigableKeySet().headSet(k, false).descendingSet());
            default -> t.same(context, "streams", m -> List.of(m.keySet().stream().toList(), m.values().stream().toList(),
                    m.entrySet().stream().map(Map.Entry::getKey).toList()));
        }
    }

    private static List<Long> removeByIterator(ConcurrentNavigableMap<Long, String> m, long mod, long rest) {
        List<Long> seen = new ArrayList<>();
        for (Iterator<Map.Entry<Long, String>> it = m.entrySet().iterator(); it.hasNext(); ) {
            long key = it.next().getKey();
            seen.add(key);
            if (Math.floorMod(key, mod) == rest) {
                it.remove();
            }
        }
        return seen;
    }

    /** setValue through the map's entry set; the oracle (immutable entries) gets the same puts. */
    private static void setValues(MapTwin t, String context, long mod, long rest) {
        Iterator<Map.Entry<Long, String>> it = t.map().entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, String> e = it.next();
            if (Math.floorMod(e.getKey(), mod) == rest) {
                String old = e.getValue();
                String now = shorten(old + "s");
                assertThat(e.setValue(now)).as("%s: setValue", context).isEqualTo(old);
                assertThat(e.getValue()).as("%s: the entry after setValue", context).isEqualTo(now);
                t.oracle().put(e.getKey(), now);
            }
        }
        t.same(context, "after setValue", m -> m);
    }

    private static void bulkOperation(Random random, MapTwin t, String context) {
        switch (random.nextInt(6)) {
            case 0 -> {
                if (random.nextInt(5) == 0) {
                    t.same(context, "clear", m -> {
                        m.clear();
                        return m.size();
                    });
                }
            }
            case 1 -> {
                TreeMap<Long, String> more = new TreeMap<>();
                for (int i = 0; i < 4; i++) {
                    more.put(key(random), value(random));
                }
                t.same(context, "putAll(" + more + ")", m -> {
                    m.putAll(more);
                    return m;
                });
            }
            case 2 -> t.same(context, "replaceAll", m -> {
                m.replaceAll((k, v) -> shorten(v + "r"));
                return m;
            });
            case 3 -> t.same(context, "forEach", m -> {
                List<String> seen = new ArrayList<>();
                m.forEach((k, v) -> seen.add(k + "=" + v));
                return seen;
            });
            case 4 -> t.same(context, "equals/hashCode/toString", m -> {
                ConcurrentNavigableMap<Long, String> other = m == t.map() ? t.oracle() : t.map();
                return List.of(m.equals(other), other.equals(m), m.hashCode(), m.toString(), m.keySet().equals(other.keySet()));
            });
            default -> t.same(context, "descending iteration", m -> List.of(normaliseAll(m.descendingMap()),
                    new ArrayList<>(m.descendingKeySet()), List.copyOf(m.descendingMap().values())));
        }
    }

    private static Object normaliseAll(Object o) {
        return MapTwin.normalise(o);
    }

    /** The view in full: entries both ways, sizes, ends, and every navigation for every key. */
    private static void compareFully(MapTwin t, String context) {
        t.same(context, "entries", m -> m);
        t.same(context, "descending entries", ConcurrentNavigableMap::descendingMap);
        t.same(context, "keys", ConcurrentNavigableMap::navigableKeySet);
        t.same(context, "size", m -> m.size() + "/" + m.isEmpty() + "/" + m.values().size() + "/" + m.entrySet().size());
        t.same(context, "ends", m -> String.valueOf(m.firstEntry()) + m.lastEntry());
        t.same(context, "comparator", m -> String.valueOf(m.comparator()));
        for (long k = -KEYS - 2; k <= KEYS + 2; k++) {
            long key = k;
            t.same(context, "navigation " + key, m -> List.of(String.valueOf(m.ceilingEntry(key)), String.valueOf(m.floorEntry(key)),
                    String.valueOf(m.higherKey(key)), String.valueOf(m.lowerKey(key)), String.valueOf(m.get(key))));
        }
    }
}

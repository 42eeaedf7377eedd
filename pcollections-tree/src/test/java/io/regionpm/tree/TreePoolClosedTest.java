package io.regionpm.tree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.testkit.TempTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both trees after their pool is closed: every method of the map, of views and iterators made
 * before, throws {@link PoolClosedException}; and a pool closed by one thread while others are
 * inside calls (gets, navigation, puts, atomic updates, iteration of views): those calls and
 * every later one end with {@link PoolClosedException}, never the memory API's "already
 * closed" {@link IllegalStateException} or anything else.
 */
class TreePoolClosedTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("tree-closed");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static Stream<Arguments> trees() {
        return Stream.of(TreeKind.values()).flatMap(k -> Stream.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)
                .map(s -> Arguments.of(k, s)));
    }

    static Stream<Arguments> treesRepeated() {
        return trees().flatMap(a -> Stream.of(1, 2, 3).map(i -> Arguments.of(a.get()[0], a.get()[1], i)));
    }

    private Pool openPool() {
        return Pool.open(dir.resolve("c.pool"), PoolOptions.create(32L << 20).withDurability(Durability.NONE));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("trees")
    void everyMethodOfAClosedPoolsTreeThrowsPoolClosedException(TreeKind kind, UpdateStrategy strategy) {
        Pool pool = openPool();
        AbstractSortedMap<Long, String> map = kind.open(pool, "m", Codecs.LONG, Codecs.STRING, strategy);
        for (long i = 0; i < 500; i++) {
            map.put(i, "v" + i);
        }
        ConcurrentNavigableMap<Long, String> sub = map.subMap(10L, 400L).descendingMap();
        Iterator<Map.Entry<Long, String>> it = map.entrySet().iterator();
        Iterator<Long> subKeys = sub.keySet().iterator();
        it.next();
        subKeys.next();
        pool.close();
        List<Consumer<ConcurrentNavigableMap<Long, String>>> calls = List.of(m -> m.get(1L), m -> m.containsKey(1L),
                m -> m.put(1L, "x"), m -> m.remove(1L), Map::size, Map::isEmpty, Map::clear, m -> m.ceilingEntry(5L),
                ConcurrentNavigableMap::firstKey, ConcurrentNavigableMap::lastEntry, ConcurrentNavigableMap::pollFirstEntry,
                m -> m.putIfAbsent(1L, "x"), m -> m.compute(1L, (k, v) -> "x"), m -> m.merge(1L, "x", String::concat),
                m -> m.replaceAll((k, v) -> v), m -> m.headMap(3L), ConcurrentNavigableMap::descendingMap,
                ConcurrentNavigableMap::keySet, Map::values, Map::entrySet, Map::toString, Map::hashCode,
                m -> m.containsValue("v1"), m -> m.forEach((k, v) -> { }));
        for (ConcurrentNavigableMap<Long, String> m : List.of(map, sub)) {
            for (Consumer<ConcurrentNavigableMap<Long, String>> call : calls) {
                assertThatThrownBy(() -> call.accept(m)).isInstanceOf(PoolClosedException.class);
            }
        }
        assertThatThrownBy(it::hasNext).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(subKeys::next).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(it::remove).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(map::snapshot).isInstanceOf(PoolClosedException.class);
    }

    @ParameterizedTest(name = "{0} {1} #{2}")
    @MethodSource("treesRepeated")
    void callsInProgressWhenThePoolClosesFailWithPoolClosedException(TreeKind kind, UpdateStrategy strategy, int round)
            throws Exception {
        Pool pool = openPool();
        AbstractSortedMap<Long, String> map = kind.open(pool, "m", Codecs.LONG, Codecs.STRING, strategy);
        for (long i = 0; i < 2_000; i++) {
            map.put(i, "v" + i);
        }
        AtomicReference<Throwable> wrong = new AtomicReference<>();
        int kinds = 4;
        CountDownLatch running = new CountDownLatch(kinds);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < kinds; t++) {
            int job = t;
            threads.add(Thread.ofPlatform().start(() -> {
                running.countDown();
                try {
                    for (long i = 0; ; i++) {
                        call(map, job, i);
                    }
                } catch (PoolClosedException expected) {
                    // the only way out
                } catch (Throwable e) {
                    wrong.compareAndSet(null, e);
                }
            }));
        }
        running.await();
        Thread.sleep(50 + 20 * round);
        pool.close();
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(wrong.get()).as("a call in progress ended with %s", wrong.get()).isNull();
    }

    private static void call(AbstractSortedMap<Long, String> map, int job, long i) {
        switch (job) {
            case 0 -> {
                map.get(i % 2_000);
                map.ceilingEntry(i % 2_100);
            }
            case 1 -> {
                map.put(i % 3_000, "w" + i);
                map.remove((i * 7) % 3_000);
            }
            case 2 -> map.merge(i % 50, "m", (a, b) -> a.length() > 20 ? b : a + b);
            default -> {
                for (Map.Entry<Long, String> e : map.entrySet()) {
                    e.getValue();
                }
                for (Long k : map.descendingMap().headMap(1_500L).keySet()) {
                    k.hashCode();
                }
            }
        }
    }
}

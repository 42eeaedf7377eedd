package io.regionpm.tree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.regionpm.alloc.PoolException;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both trees in a pool opened read-only ({@link PoolOptions#forReading()}), beside a
 * read-write {@link Pool} instance of the same file in this JVM: reads (get, navigation,
 * iteration, views) see the writer's changes; every mutator throws {@link PoolException}
 * naming read-only, and snapshots are refused. A read-only process takes no reader epoch, so
 * SHADOW nodes a writer retires may be freed and reused under its readers: the concurrent
 * test churns keys (nodes freed and reused all the time) while read-only readers check that
 * every state they see is one the writer committed (a constant sum over all keys, read in one
 * scan) and that no read fails.
 */
class TreeReadOnlyPoolTest {
    /** Keys of the concurrent test: fewer than a batch of the iterator, so one scan reads them all. */
    private static final int KEYS = 48;
    private static final long TOTAL = 1_000_000;
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempTrees.newShmDirectory("tree-readonly");
    }

    @AfterEach
    void tearDown() {
        TempTrees.deleteTree(dir);
    }

    static Stream<Arguments> trees() {
        return Stream.of(TreeKind.values()).flatMap(k -> Stream.of(UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE)
                .map(s -> Arguments.of(k, s)));
    }

    private Pool writerPool() {
        return Pool.open(dir.resolve("ro.pool"), PoolOptions.create(32L << 20).withDurability(Durability.NONE));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("trees")
    void aReadOnlyPoolReadsTheTreeAndRefusesEveryChange(TreeKind kind, UpdateStrategy strategy) {
        try (Pool writer = writerPool()) {
            AbstractSortedMap<Long, String> w = kind.open(writer, "t", Codecs.LONG, Codecs.STRING, strategy);
            TreeMap<Long, String> expected = new TreeMap<>();
            for (long k = 0; k < 600; k += 3) {
                w.put(k, "v" + k);
                expected.put(k, "v" + k);
            }
            try (Pool reader = Pool.open(dir.resolve("ro.pool"), PoolOptions.forReading())) {
                AbstractSortedMap<Long, String> r = kind.open(reader, "t", Codecs.LONG, Codecs.STRING, null);
                assertThat(r.strategy()).isEqualTo(strategy);
                assertSameReads(r, expected);
                for (long k = 1; k < 900; k += 3) {
                    w.put(k, "w" + k);
                    expected.put(k, "w" + k);
                }
                w.remove(3L);
                expected.remove(3L);
                assertSameReads(r, expected);
                ConcurrentNavigableMap<Long, String> sub = r.subMap(10L, true, 200L, false).descendingMap();
                for (ConcurrentNavigableMap<Long, String> m : List.of(r, sub)) {
                    for (Consumer<ConcurrentNavigableMap<Long, String>> change : changes()) {
                        assertThatThrownBy(() -> change.accept(m)).isInstanceOf(PoolException.class)
                                .hasMessageContaining("read-only");
                    }
                }
                assertThatThrownBy(r::snapshot).isInstanceOf(UnsupportedOperationException.class);
                assertThat(w).isEqualTo(expected);
            }
            CheckReport report = writer.check();
            assertThat(report.isClean()).as("checker: %s", report).isTrue();
        }
    }

    private static void assertSameReads(AbstractSortedMap<Long, String> r, TreeMap<Long, String> expected) {
        assertThat(r).isEqualTo(expected);
        assertThat(new ArrayList<>(r.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
        assertThat(new ArrayList<>(r.descendingKeySet())).isEqualTo(new ArrayList<>(expected.descendingKeySet()));
        assertThat(r.size()).isEqualTo(expected.size());
        for (long k = -2; k < 905; k += 7) {
            assertThat(r.get(k)).isEqualTo(expected.get(k));
            assertThat(r.ceilingEntry(k)).isEqualTo(expected.ceilingEntry(k));
            assertThat(r.floorKey(k)).isEqualTo(expected.floorKey(k));
            assertThat(r.higherKey(k)).isEqualTo(expected.higherKey(k));
            assertThat(r.lowerEntry(k)).isEqualTo(expected.lowerEntry(k));
        }
        assertThat(r.firstEntry()).isEqualTo(expected.firstEntry());
        assertThat(r.lastKey()).isEqualTo(expected.lastKey());
        assertThat(new ArrayList<>(r.subMap(100L, 300L).descendingMap().keySet()))
                .isEqualTo(new ArrayList<>(expected.subMap(100L, true, 300L, false).descendingMap().keySet()));
        assertThat(r.headMap(250L, true).size()).isEqualTo(expected.headMap(250L, true).size());
    }

    private static List<Consumer<ConcurrentNavigableMap<Long, String>>> changes() {
        return List.of(m -> m.put(12L, "x"), m -> m.remove(12L), m -> m.remove(-5L), Map::clear,
                ConcurrentNavigableMap::pollFirstEntry, ConcurrentNavigableMap::pollLastEntry,
                m -> m.putAll(Map.of(12L, "x")), m -> m.putIfAbsent(12L, "x"), m -> m.putIfAbsent(11L, "x"),
                m -> m.replace(12L, "x"), m -> m.replace(12L, "v12", "x"), m -> m.remove(12L, "v12"),
                m -> m.compute(12L, (k, v) -> "x"), m -> m.computeIfAbsent(11L, k -> "x"),
                m -> m.computeIfPresent(12L, (k, v) -> "x"), m -> m.computeIfPresent(11L, (k, v) -> "x"),
                m -> m.merge(12L, "x", String::concat), m -> m.replaceAll((k, v) -> "x"),
                m -> m.navigableKeySet().pollFirst(), m -> m.keySet().remove(12L), m -> m.values().clear(),
                m -> {
                    Iterator<Map.Entry<Long, String>> it = m.entrySet().iterator();
                    it.next();
                    it.remove();
                },
                m -> m.entrySet().iterator().next().setValue("x"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("trees")
    void readOnlyReadersSeeOnlyCommittedStatesWhileAWriterChurns(TreeKind kind, UpdateStrategy strategy) throws Exception {
        long seed = Seeds.seed("TreeReadOnlyPoolTest.churn." + kind + "." + strategy);
        long millis = Stress.scale(1_500, 60_000);
        try (Pool writer = writerPool()) {
            AbstractSortedMap<Long, Long> w = kind.open(writer, "t", Codecs.LONG, Codecs.LONG, strategy);
            w.put(0L, TOTAL);
            try (Pool reader = Pool.open(dir.resolve("ro.pool"), PoolOptions.forReading())) {
                AbstractSortedMap<Long, Long> r = kind.open(reader, "t", Codecs.LONG, Codecs.LONG, null);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicLong reads = new AtomicLong();
                List<Thread> readers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    readers.add(Thread.ofPlatform().start(() -> readUntil(r, stop, failure, reads)));
                }
                long transfers = churn(writer, w, new Random(seed), millis, failure);
                stop.set(true);
                for (Thread t : readers) {
                    t.join(30_000);
                }
                assertThat(failure.get()).as("seed %d: a read-only reader failed (%d transfers, %d reads)", seed,
                        transfers, reads.get()).isNull();
                assertThat(reads.get()).isPositive();
                assertThat(r.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(TOTAL);
            }
            CheckReport report = writer.check();
            assertThat(report.isClean()).as("checker: %s", report).isTrue();
        }
    }

    /** Transfers between random keys, each one transaction; a key whose amount reaches 0 is removed. */
    private static long churn(Pool pool, AbstractSortedMap<Long, Long> w, Random random, long millis,
                              AtomicReference<Throwable> failure) {
        long deadline = System.currentTimeMillis() + millis;
        long n = 0;
        while (System.currentTimeMillis() < deadline && failure.get() == null) {
            Long ceiling = w.ceilingKey((long) random.nextInt(KEYS));
            long from = ceiling != null ? ceiling : w.firstKey();
            long to = random.nextInt(KEYS);
            pool.transaction(() -> {
                long have = w.get(from);
                long amount = random.nextBoolean() ? have : 1 + random.nextLong(have);
                if (amount == have) {
                    w.remove(from);
                } else {
                    w.put(from, have - amount);
                }
                w.merge(to, amount, Long::sum);
            });
            n++;
        }
        return n;
    }

    private static void readUntil(AbstractSortedMap<Long, Long> r, AtomicBoolean stop, AtomicReference<Throwable> failure,
                                  AtomicLong reads) {
        try {
            while (!stop.get()) {
                long sum = 0;
                long previous = -1;
                for (Map.Entry<Long, Long> e : r.entrySet()) { // one scan: fewer keys than a batch
                    assertThat(e.getKey()).isGreaterThan(previous).isLessThan(KEYS);
                    assertThat(e.getValue()).isPositive();
                    previous = e.getKey();
                    sum += e.getValue();
                }
                assertThat(sum).as("the sum over all keys in one read").isEqualTo(TOTAL);
                Long v = r.get(reads.get() % KEYS);
                assertThat(v == null || v > 0 && v <= TOTAL).as("get: %s", v).isTrue();
                Map.Entry<Long, Long> c = r.ceilingEntry(reads.get() % KEYS);
                assertThat(c == null || c.getValue() > 0 && c.getValue() <= TOTAL).as("ceiling: %s", c).isTrue();
                reads.incrementAndGet();
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }
}

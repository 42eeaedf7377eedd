package io.regionpm.hash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.Helpers;
import com.google.common.collect.testing.SampleElements;
import com.google.common.collect.testing.TestMapGenerator;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;

import io.regionpm.core.Codecs;
import io.regionpm.core.Durability;
import io.regionpm.core.Pool;
import io.regionpm.core.PoolOptions;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.CheckReport;
import io.regionpm.testkit.TempTrees;
import junit.extensions.TestSetup;
import junit.framework.Test;
import junit.framework.TestSuite;

/**
 * Guava's {@code ConcurrentMap} contract suite (testlib: every {@code Map} and
 * {@code ConcurrentMap} method, the three views, their iterators, {@code equals},
 * {@code hashCode}, {@code toString}, null rejection) for {@link PersistentHashMap} and
 * {@link PersistentLongLongHashMap} under each
 * update strategy. One pool per strategy; every generated test gets a new map name, dropped
 * after the test, and the pool checker must be clean when the suite ends. Runs on the JUnit
 * Platform through the vintage engine.
 */
public final class HashMapGuavaContractTest {
    private HashMapGuavaContractTest() {
    }

    /** @return the generated suites, one per strategy (JUnit 3 types, from the class path: "exports" lint) */
    @SuppressWarnings("exports")
    public static Test suite() {
        TestSuite all = new TestSuite("PersistentHashMap ConcurrentMap contract");
        for (UpdateStrategy strategy : new UpdateStrategy[] {UpdateStrategy.SHADOW, UpdateStrategy.IN_PLACE}) {
            all.addTest(strategySuite(strategy));
        }
        return all;
    }

    private static Test strategySuite(UpdateStrategy strategy) {
        PoolHolder holder = new PoolHolder(strategy);
        TestSuite both = new TestSuite(strategy.name());
        both.addTest(ConcurrentMapTestSuiteBuilder.using(holder)
                .named("PersistentHashMap " + strategy)
                .withFeatures(CollectionSize.ANY, MapFeature.GENERAL_PURPOSE, CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
                .withTearDown(holder::dropCreated)
                .createTestSuite());
        both.addTest(ConcurrentMapTestSuiteBuilder.using(new LongLongGenerator(holder))
                .named("PersistentLongLongHashMap " + strategy)
                .withFeatures(CollectionSize.ANY, MapFeature.GENERAL_PURPOSE, CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
                .withTearDown(holder::dropCreated)
                .createTestSuite());
        return new TestSetup(both) {
            @Override
            protected void setUp() {
                holder.openPool();
            }

            @Override
            protected void tearDown() {
                holder.closePool();
            }
        };
    }

    /** The generator: a fresh map in the suite's pool for each {@code create}. */
    private static final class PoolHolder extends TestStringMapGenerator {
        private final UpdateStrategy strategy;
        private final AtomicInteger counter = new AtomicInteger();
        private Path dir;
        private Pool pool;
        private final List<String> live = new ArrayList<>();

        PoolHolder(UpdateStrategy strategy) {
            this.strategy = strategy;
        }

        void openPool() {
            dir = TempTrees.newShmDirectory("hash-guava");
            pool = Pool.open(dir.resolve("guava.pool"), PoolOptions.create(64L << 20).withDurability(Durability.NONE));
        }

        void closePool() {
            try {
                CheckReport report = pool.check();
                if (!report.isClean()) {
                    throw new AssertionError(strategy + ": checker after the suite: " + report);
                }
                if (!pool.names().isEmpty()) {
                    throw new AssertionError(strategy + ": maps left behind: " + pool.names());
                }
            } finally {
                pool.close();
                TempTrees.deleteTree(dir);
            }
        }

        /** Drops the maps the last test created (some tests create several). */
        void dropCreated() {
            for (String name : live) {
                pool.drop(name);
            }
            live.clear();
        }

        /** @return a new map name, dropped after the current test */
        String newName() {
            String name = "m" + counter.incrementAndGet();
            live.add(name);
            return name;
        }

        @Override
        protected Map<String, String> create(Map.Entry<String, String>[] entries) {
            String name = newName();
            PersistentHashMap<String, String> map = PersistentHashMap.open(pool, name, Codecs.STRING, Codecs.STRING, strategy);
            for (Map.Entry<String, String> e : entries) {
                map.put(e.getKey(), e.getValue());
            }
            return map;
        }
    }

    /** Long keys and values, for {@link PersistentLongLongHashMap}. */
    private static final class LongLongGenerator implements TestMapGenerator<Long, Long> {
        private final PoolHolder holder;

        LongLongGenerator(PoolHolder holder) {
            this.holder = holder;
        }

        @Override
        public SampleElements<Map.Entry<Long, Long>> samples() {
            return new SampleElements<>(Helpers.mapEntry(1L, -1L), Helpers.mapEntry(Long.MIN_VALUE, 0L),
                    Helpers.mapEntry(0L, Long.MAX_VALUE), Helpers.mapEntry(Long.MAX_VALUE, 7L), Helpers.mapEntry(-5L, 5L));
        }

        @Override
        public Map<Long, Long> create(Object... entries) {
            PersistentLongLongHashMap map = PersistentLongLongHashMap.open(holder.pool, holder.newName(), holder.strategy);
            for (Object o : entries) {
                @SuppressWarnings("unchecked")
                Map.Entry<Long, Long> e = (Map.Entry<Long, Long>) o;
                map.put(e.getKey(), e.getValue());
            }
            return map;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map.Entry<Long, Long>[] createArray(int length) {
            return (Map.Entry<Long, Long>[]) new Map.Entry<?, ?>[length];
        }

        @Override
        public Iterable<Map.Entry<Long, Long>> order(List<Map.Entry<Long, Long>> insertionOrder) {
            return insertionOrder;
        }

        @Override
        public Long[] createKeyArray(int length) {
            return new Long[length];
        }

        @Override
        public Long[] createValueArray(int length) {
            return new Long[length];
        }
    }
}

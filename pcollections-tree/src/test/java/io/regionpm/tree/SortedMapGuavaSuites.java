package io.regionpm.tree;

import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.function.Supplier;

import com.google.common.collect.testing.ConcurrentNavigableMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringSortedMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;

import junit.framework.Test;

/**
 * Guava testlib's {@code ConcurrentNavigableMap} contract suite (every {@code Map},
 * {@code ConcurrentMap}, {@code SortedMap} and {@code NavigableMap} method, the views and their
 * iterators, and the derived suites of the descending map and of the sub-, head- and tail-maps,
 * null rejection) for any sorted map of strings: the heap fake here, the real trees in their
 * own tests. Runs on the JUnit Platform through the vintage engine.
 */
final class SortedMapGuavaSuites {
    private SortedMapGuavaSuites() {
    }

    /**
     * @param name    the suite's name
     * @param factory a new, empty map for each generated test
     * @param tearDown run after each generated test (e.g. drop the maps it created)
     * @return the suite
     */
    static Test suite(String name, Supplier<? extends ConcurrentNavigableMap<String, String>> factory, Runnable tearDown) {
        return ConcurrentNavigableMapTestSuiteBuilder.using(generator(factory))
                .named(name)
                .withFeatures(CollectionSize.ANY, MapFeature.GENERAL_PURPOSE,
                        CollectionFeature.SUPPORTS_ITERATOR_REMOVE, CollectionFeature.KNOWN_ORDER)
                .withTearDown(tearDown::run)
                .createTestSuite();
    }

    /**
     * @param factory a new, empty map for each {@code create}
     * @return a generator filling it with the test's entries
     */
    static TestStringSortedMapGenerator generator(Supplier<? extends ConcurrentNavigableMap<String, String>> factory) {
        return new TestStringSortedMapGenerator() {
            @Override
            protected SortedMap<String, String> create(Map.Entry<String, String>[] entries) {
                ConcurrentNavigableMap<String, String> map = factory.get();
                for (Map.Entry<String, String> e : entries) {
                    map.put(e.getKey(), e.getValue());
                }
                return map;
            }
        };
    }
}

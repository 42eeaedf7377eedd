package io.regionpm.tree;

import java.util.concurrent.ConcurrentNavigableMap;

import io.regionpm.core.Codecs;

/** {@link SortedMapModelTestBase} over the heap fake store: the navigable layer alone. */
class HeapSortedMapModelTest extends SortedMapModelTestBase {
    @Override
    protected ConcurrentNavigableMap<Long, String> newMap() {
        return new HeapSortedMap<>(Codecs.LONG, Codecs.STRING);
    }
}

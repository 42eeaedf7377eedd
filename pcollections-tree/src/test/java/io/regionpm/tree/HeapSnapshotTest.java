package io.regionpm.tree;

import io.regionpm.core.Codecs;

/** {@link SortedSnapshotTestBase} over the heap fake store (its pin copies the map). */
class HeapSnapshotTest extends SortedSnapshotTestBase {
    @Override
    protected AbstractSortedMap<Long, String> newMap() {
        return new HeapSortedMap<>(Codecs.LONG, Codecs.STRING);
    }
}

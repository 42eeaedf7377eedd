package io.regionpm.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AbstractSortedMap#snapshot()}: a read-only map of the state when it was taken, which
 * later writes do not change, whose views are read-only too, and which refuses everything once
 * closed. Subclasses give the map (the real trees reuse this test with a SHADOW tree).
 */
abstract class SortedSnapshotTestBase {

    /** @return a new, empty map that can take snapshots */
    protected abstract AbstractSortedMap<Long, String> newMap();

    private static TreeMap<Long, String> fill(AbstractSortedMap<Long, String> map) {
        TreeMap<Long, String> expected = new TreeMap<>();
        for (long k = -300; k < 300; k += 3) {
            map.put(k, "v" + k);
            expected.put(k, "v" + k);
        }
        return expected;
    }

    @Test
    void aSnapshotKeepsTheStateItWasTakenInWhileTheMapChanges() {
        AbstractSortedMap<Long, String> map = newMap();
        TreeMap<Long, String> expected = fill(map);
        try (SortedSnapshot<Long, String> snap = map.snapshot()) {
            map.clear();
            map.put(1L, "later");
            assertThat(snap).isEqualTo(expected);
            assertThat(new ArrayList<>(snap.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
            assertThat(snap.size()).isEqualTo(expected.size());
            assertThat(snap.firstKey()).isEqualTo(expected.firstKey());
            assertThat(snap.ceilingEntry(1L)).isEqualTo(expected.ceilingEntry(1L));
            assertThat(snap.floorKey(-1L)).isEqualTo(expected.floorKey(-1L));
            assertThat(new ArrayList<>(snap.descendingMap().subMap(100L, true, -100L, false).keySet()))
                    .isEqualTo(new ArrayList<>(expected.descendingMap().subMap(100L, true, -100L, false).keySet()));
            assertThat(snap.headMap(0L).size()).isEqualTo(expected.headMap(0L).size());
            assertThat(snap.tailMap(0L, false).descendingKeySet().first()).isEqualTo(expected.lastKey());
            assertThat(snap.values().stream().toList()).isEqualTo(List.copyOf(expected.values()));
            assertThat(snap.toString()).isEqualTo(expected.toString());
            assertThat(snap.hashCode()).isEqualTo(expected.hashCode());
        }
        assertThat(map).containsExactly(Map.entry(1L, "later"));
    }

    @Test
    void aSnapshotAndEveryViewOfItRefuseWrites() {
        AbstractSortedMap<Long, String> map = newMap();
        TreeMap<Long, String> expected = fill(map);
        try (SortedSnapshot<Long, String> snap = map.snapshot()) {
            List<NavigableMap<Long, String>> views = List.of(snap, snap.descendingMap(), snap.subMap(-50L, true, 50L, true),
                    snap.headMap(0L, true).descendingMap().tailMap(-30L, false));
            for (NavigableMap<Long, String> v : views) {
                for (Consumer<NavigableMap<Long, String>> write : writes()) {
                    assertThatThrownBy(() -> write.accept(v)).isInstanceOf(UnsupportedOperationException.class);
                }
            }
            assertThat(snap).isEqualTo(expected);
        }
        assertThat(map).isEqualTo(expected);
    }

    private static List<Consumer<NavigableMap<Long, String>>> writes() {
        return List.of(m -> m.put(0L, "x"), m -> m.remove(0L), m -> m.remove(12345L), NavigableMap::clear,
                NavigableMap::pollFirstEntry, NavigableMap::pollLastEntry, m -> m.putAll(Map.of(0L, "x")),
                m -> m.putIfAbsent(0L, "x"), m -> m.replace(0L, "x"), m -> m.replace(0L, "v0", "x"), m -> m.remove(0L, "v0"),
                m -> m.compute(0L, (k, v) -> "x"), m -> m.computeIfAbsent(1L, k -> "x"), m -> m.computeIfPresent(0L, (k, v) -> "x"),
                m -> m.merge(0L, "x", (a, b) -> a + b), m -> m.replaceAll((k, v) -> "x"),
                m -> m.navigableKeySet().pollFirst(), m -> m.keySet().remove(0L), m -> m.values().clear(),
                m -> {
                    var it = m.entrySet().iterator();
                    it.next();
                    it.remove();
                },
                m -> m.entrySet().iterator().next().setValue("x"));
    }

    @Test
    void aClosedSnapshotAndItsViewsThrowIllegalStateException() {
        AbstractSortedMap<Long, String> map = newMap();
        fill(map);
        SortedSnapshot<Long, String> snap = map.snapshot();
        NavigableMap<Long, String> sub = snap.subMap(-50L, true, 50L, true);
        var keys = snap.navigableKeySet();
        var it = snap.values().iterator();
        snap.close();
        snap.close();
        List<Consumer<NavigableMap<Long, String>>> calls = new ArrayList<>(writes());
        calls.addAll(List.of(m -> m.get(0L), NavigableMap::size, NavigableMap::isEmpty, NavigableMap::firstKey,
                m -> m.ceilingEntry(0L), NavigableMap::comparator, NavigableMap::descendingMap, m -> m.headMap(0L),
                NavigableMap::keySet, NavigableMap::entrySet, NavigableMap::toString, NavigableMap::hashCode, m -> m.equals(m)));
        for (NavigableMap<Long, String> v : List.of(snap, sub)) {
            for (Consumer<NavigableMap<Long, String>> call : calls) {
                assertThatThrownBy(() -> call.accept(v)).isInstanceOf(IllegalStateException.class);
            }
        }
        assertThatThrownBy(() -> keys.first()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                it.next();
            }
        }).isInstanceOf(IllegalStateException.class);
        assertThat(map.size()).isEqualTo(200);
    }
}

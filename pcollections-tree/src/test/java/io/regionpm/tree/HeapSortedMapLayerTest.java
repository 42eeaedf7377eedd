package io.regionpm.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;

import org.junit.jupiter.api.Test;

import io.regionpm.core.Codecs;
import io.regionpm.core.UpdateStrategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the layer asks of its store, seen through a counting heap store: iteration and counting
 * read in bounded scans (heap use independent of the map's size), the whole map's size is the
 * store's counter; and the layer's own accessors.
 */
class HeapSortedMapLayerTest {

    /** Counts scans and remembers the largest batch asked for. */
    private static final class CountingStore extends HeapOrderedStore<Long, String> {
        int scans;
        int largestMax;

        CountingStore() {
            super(Codecs.LONG, Codecs.STRING);
        }

        @Override
        public synchronized int scan(Long from, boolean fromInclusive, Long to, boolean toInclusive, boolean descending,
                                     int max, List<Map.Entry<Long, String>> out) {
            scans++;
            largestMax = Math.max(largestMax, max);
            return super.scan(from, fromInclusive, to, toInclusive, descending, max, out);
        }
    }

    private static HeapSortedMap<Long, String> filled(CountingStore store, int n) {
        HeapSortedMap<Long, String> map = new HeapSortedMap<>(store);
        for (long k = 0; k < n; k++) {
            map.put(k, "v");
        }
        return map;
    }

    @Test
    void iterationReadsInBoundedBatches() {
        CountingStore store = new CountingStore();
        HeapSortedMap<Long, String> map = filled(store, 10_000);
        int n = 0;
        for (Map.Entry<Long, String> e : map.descendingMap().subMap(9_000L, 1_000L).entrySet()) {
            assertThat(e.getKey()).isEqualTo(9_000L - n++);
        }
        assertThat(n).isEqualTo(8_000);
        assertThat(store.largestMax).isEqualTo(BatchIterator.BATCH);
        assertThat(store.scans).isBetween(8_000 / BatchIterator.BATCH, 8_000 / BatchIterator.BATCH + 2);
    }

    @Test
    void theWholeMapsSizeIsTheStoresCounterAndASubMapsIsCountedInBoundedScans() {
        CountingStore store = new CountingStore();
        HeapSortedMap<Long, String> map = filled(store, 10_000);
        assertThat(map.size()).isEqualTo(10_000);
        assertThat(map.isEmpty()).isFalse();
        assertThat(store.scans).isZero();
        assertThat(map.tailMap(2_500L).size()).isEqualTo(7_500);
        assertThat(store.largestMax).isLessThanOrEqualTo(256);
        map.headMap(5_000L).clear();
        assertThat(map.size()).isEqualTo(5_000);
        assertThat(map.firstKey()).isEqualTo(5_000L);
        assertThat(store.largestMax).isLessThanOrEqualTo(256);
    }

    @Test
    void accessorsAndComparators() {
        HeapSortedMap<Long, String> map = new HeapSortedMap<>(Codecs.LONG, Codecs.STRING);
        assertThat(map.keyCodec()).isSameAs(Codecs.LONG);
        assertThat(map.valueCodec()).isSameAs(Codecs.STRING);
        assertThat(map.strategy()).isEqualTo(UpdateStrategy.SHADOW);
        assertThat(map.name()).isEqualTo("heap");
        assertThat(map.comparator()).isNull();
        assertThat(map.descendingMap().comparator()).isEqualTo(Collections.reverseOrder());
        assertThat(map.descendingMap().descendingMap().comparator()).isNull();
        assertThat(map.descendingKeySet().comparator()).isEqualTo(Collections.reverseOrder());
    }

    @Test
    void viewsOfViewsWriteThroughAndRefuseKeysOutsideTheirRange() {
        HeapSortedMap<Long, String> map = new HeapSortedMap<>(Codecs.LONG, Codecs.STRING);
        for (long k = -10; k <= 10; k++) {
            map.put(k, "v" + k);
        }
        ConcurrentNavigableMap<Long, String> view = map.subMap(-5L, true, 5L, false).descendingMap().headMap(3L, true);
        assertThat(new ArrayList<>(view.keySet())).containsExactly(4L, 3L);
        assertThatThrownBy(() -> view.put(2L, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.put(5L, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.headMap(6L)).isInstanceOf(IllegalArgumentException.class);
        view.entrySet().iterator().next().setValue("four");
        assertThat(map.get(4L)).isEqualTo("four");
        assertThat(view.pollLastEntry()).isEqualTo(Map.entry(3L, "v3"));
        assertThat(map).doesNotContainKey(3L).hasSize(20);
        view.clear();
        assertThat(map).doesNotContainKey(4L).hasSize(19);
        assertThat(view).isEmpty();
    }
}

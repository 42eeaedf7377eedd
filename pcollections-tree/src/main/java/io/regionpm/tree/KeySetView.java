package io.regionpm.tree;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Spliterator;
import java.util.Spliterators;

/**
 * The keys of a {@link RangeView} as a live {@link NavigableSet}: reads and removals
 * ({@code remove}, {@code pollFirst}, iterator removal, {@code clear}...) go to the map;
 * {@code add} is unsupported. Sub-sets and the descending set are the key sets of the
 * corresponding sub-maps.
 *
 * <p>Thread-safety, process-safety and crash behaviour: those of the map.
 *
 * @param <K> keys
 */
final class KeySetView<K> extends AbstractSet<K> implements NavigableSet<K> {
    private final RangeView<K, ?> map;

    KeySetView(RangeView<K, ?> map) {
        this.map = map;
    }

    @Override
    public Iterator<K> iterator() {
        return map.keyIterator();
    }

    @Override
    public Spliterator<K> spliterator() {
        int sorted = map.comparator() == null ? Spliterator.SORTED : 0;
        return Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL | Spliterator.CONCURRENT | sorted);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public boolean contains(Object o) {
        return map.containsKey(o);
    }

    @Override
    public boolean remove(Object o) {
        return map.remove(o) != null;
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        boolean changed = false;
        for (Object o : c) {
            changed |= remove(o);
        }
        return changed;
    }

    @Override
    public void clear() {
        map.clear();
    }

    @Override
    public K lower(K k) {
        return map.lowerKey(k);
    }

    @Override
    public K floor(K k) {
        return map.floorKey(k);
    }

    @Override
    public K ceiling(K k) {
        return map.ceilingKey(k);
    }

    @Override
    public K higher(K k) {
        return map.higherKey(k);
    }

    @Override
    public Comparator<? super K> comparator() {
        return map.comparator();
    }

    @Override
    public K first() {
        return map.firstKey();
    }

    @Override
    public K last() {
        return map.lastKey();
    }

    @Override
    public K pollFirst() {
        return keyOrNull(map.pollFirstEntry());
    }

    @Override
    public K pollLast() {
        return keyOrNull(map.pollLastEntry());
    }

    private static <K> K keyOrNull(Map.Entry<K, ?> e) {
        return e == null ? null : e.getKey();
    }

    @Override
    public NavigableSet<K> descendingSet() {
        return map.descendingMap().navigableKeySet();
    }

    @Override
    public Iterator<K> descendingIterator() {
        return descendingSet().iterator();
    }

    @Override
    public NavigableSet<K> subSet(K fromElement, boolean fromInclusive, K toElement, boolean toInclusive) {
        return map.subMap(fromElement, fromInclusive, toElement, toInclusive).navigableKeySet();
    }

    @Override
    public NavigableSet<K> headSet(K toElement, boolean inclusive) {
        return map.headMap(toElement, inclusive).navigableKeySet();
    }

    @Override
    public NavigableSet<K> tailSet(K fromElement, boolean inclusive) {
        return map.tailMap(fromElement, inclusive).navigableKeySet();
    }

    @Override
    public NavigableSet<K> subSet(K fromElement, K toElement) {
        return subSet(fromElement, true, toElement, false);
    }

    @Override
    public NavigableSet<K> headSet(K toElement) {
        return headSet(toElement, false);
    }

    @Override
    public NavigableSet<K> tailSet(K fromElement) {
        return tailSet(fromElement, true);
    }
}

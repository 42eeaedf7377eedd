package io.regionpm.tree;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;

/**
 * The entries of a {@link RangeView}, in its order, as a live set: iterator removal,
 * {@code remove(entry)} (atomic: {@code map.remove(key, value)}), {@code clear} and
 * {@link WriteThroughEntry#setValue} go to the map; {@code add} is unsupported.
 *
 * <p>Thread-safety, process-safety and crash behaviour: those of the map.
 *
 * @param <K> keys
 * @param <V> values
 */
final class EntrySetView<K, V> extends AbstractSet<Map.Entry<K, V>> {
    private final RangeView<K, V> map;

    EntrySetView(RangeView<K, V> map) {
        this.map = map;
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
        return map.entryIterator();
    }

    @Override
    public Spliterator<Map.Entry<K, V>> spliterator() {
        return Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL | Spliterator.CONCURRENT);
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
        if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
            return false;
        }
        Object v = map.get(e.getKey());
        return v != null && v.equals(e.getValue());
    }

    @Override
    public boolean remove(Object o) {
        if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
            return false;
        }
        return map.remove(e.getKey(), e.getValue());
    }

    @Override
    public void clear() {
        map.clear();
    }
}

package io.regionpm.tree;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;

/**
 * The values of a {@link RangeView}, in key order, as a live collection: iterator removal and
 * {@code clear} go to the map; {@code add} is unsupported.
 *
 * <p>Thread-safety, process-safety and crash behaviour: those of the map.
 *
 * @param <V> values
 */
final class ValuesView<V> extends AbstractCollection<V> {
    private final RangeView<?, V> map;

    ValuesView(RangeView<?, V> map) {
        this.map = map;
    }

    @Override
    public Iterator<V> iterator() {
        return map.valueIterator();
    }

    @Override
    public Spliterator<V> spliterator() {
        return Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.CONCURRENT);
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
        return map.containsValue(o);
    }

    @Override
    public void clear() {
        map.clear();
    }
}

package io.regionpm.tree;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Objects;

/**
 * An entry handed out by a {@link RangeView}'s entry set: a copy of the key and value whose
 * {@link #setValue} also puts the new value in the map (one transaction), as
 * {@link java.util.Map.Entry} allows. It does not follow later changes of the map.
 *
 * <p>Thread-safety: as the entry's owner uses it; {@code setValue} is atomic on the map.
 *
 * @param <K> keys
 * @param <V> values
 */
final class WriteThroughEntry<K, V> extends AbstractMap.SimpleEntry<K, V> {
    private static final long serialVersionUID = 1L;

    private final transient RangeView<K, V> view;

    WriteThroughEntry(RangeView<K, V> view, Map.Entry<K, V> copy) {
        super(copy);
        this.view = view;
    }

    /**
     * Puts the value in the map under this entry's key, then in this entry.
     *
     * @return the value this entry held
     * @throws NullPointerException          if {@code value} is null
     * @throws UnsupportedOperationException if the map is read-only (a snapshot)
     */
    @Override
    public V setValue(V value) {
        Objects.requireNonNull(value, "value");
        view.put(getKey(), value);
        return super.setValue(value);
    }
}

package io.regionpm.tree;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.regionpm.core.Pool;
import io.regionpm.tree.internal.OrderedStore;

/**
 * The {@link java.util.concurrent.ConcurrentNavigableMap} behaviour both persistent trees
 * share, built on an engine's {@link OrderedStore}.
 *
 * <p>PLACEHOLDER (to be completed): only get/put/remove/size and a read-only entry set so far.
 *
 * @param <K> keys
 * @param <V> values
 */
abstract class AbstractSortedMap<K, V> extends AbstractMap<K, V> {
    final Pool pool;
    final String name;
    final OrderedStore<K, V> store;

    AbstractSortedMap(Pool pool, String name, OrderedStore<K, V> store) {
        this.pool = pool;
        this.name = name;
        this.store = store;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        return store.get((K) Objects.requireNonNull(key));
    }

    @Override
    public V put(K key, V value) {
        return store.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        return store.remove((K) Objects.requireNonNull(key));
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, store.size());
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        List<Map.Entry<K, V>> all = new ArrayList<>();
        store.scan(null, true, null, true, false, Integer.MAX_VALUE, all);
        return Set.copyOf(all);
    }
}

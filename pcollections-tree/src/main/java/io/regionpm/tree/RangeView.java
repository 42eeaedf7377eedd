package io.regionpm.tree;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

/**
 * A {@link ConcurrentNavigableMap} over a range of keys of an {@link OrderedStore}, ascending
 * or descending: the whole map (an {@link AbstractSortedMap} is the view of its full range),
 * its sub-, head- and tail-maps, its descending map, and the views of views, all live and
 * writable (or, reached through a {@link StoreAccess} that refuses writes, all read-only: a
 * snapshot). It behaves as {@code ConcurrentSkipListMap} and its {@code SubMap} do: null keys
 * and values are refused with {@link NullPointerException}; keys outside the range are absent
 * for reads and removals and refused with {@link IllegalArgumentException} by {@code put},
 * {@code putIfAbsent}, {@code replace}, {@code merge} and (unless the function returns null)
 * {@code compute} and {@code computeIfAbsent}; iterators are weakly consistent
 * ({@link BatchIterator}); {@code size()} of a bounded range counts its entries (in bounded
 * scans, weakly consistent as well).
 *
 * <p>Every check-then-act method ({@code putIfAbsent}, {@code replace}, {@code remove(k, v)},
 * {@code compute*}, {@code merge}, {@code poll*}) runs in one {@link OrderedStore#atomically}
 * transaction holding the tree's writer lock, so it is atomic for every thread of every JVM
 * mapping the pool; the functions given run once, inside it (do not block in them, nor touch
 * another collection's lock in an order that could deadlock). {@code replaceAll} and a bounded
 * {@code clear} are atomic per entry or per batch, not as a whole.
 *
 * @param <K> keys
 * @param <V> values
 */
class RangeView<K, V> extends AbstractMap<K, V> implements ConcurrentNavigableMap<K, V> {
    /** Entries a bounded {@code size()} or {@code clear()} handles per scan. */
    private static final int BATCH = 256;

    final StoreAccess<K, V> access;
    final KeyRange<K> range;
    final boolean descending;
    private RangeView<K, V> descendingView;
    private KeySetView<K> keySetView;
    private ValuesView<V> valuesView;
    private EntrySetView<K, V> entrySetView;

    RangeView(StoreAccess<K, V> access, KeyRange<K> range, boolean descending) {
        this.access = access;
        this.range = range;
        this.descending = descending;
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Relation flip(Relation r) {
        return switch (r) {
            case CEILING -> Relation.FLOOR;
            case FLOOR -> Relation.CEILING;
            case HIGHER -> Relation.LOWER;
            case LOWER -> Relation.HIGHER;
            case EQUAL -> Relation.EQUAL;
        };
    }

    private Map.Entry<K, V> near(K key, Relation relation) {
        return range.near(access.reader(), key, descending ? flip(relation) : relation);
    }

    private static <K> K keyOrNull(Map.Entry<K, ?> e) {
        return e == null ? null : e.getKey();
    }

    private Map.Entry<K, V> first(OrderedStore<K, V> store) {
        return descending ? range.highest(store) : range.lowest(store);
    }

    private Map.Entry<K, V> last(OrderedStore<K, V> store) {
        return descending ? range.lowest(store) : range.highest(store);
    }

    /** One batch of this view's entries, in its order, after {@code after} (null: from the start). */
    int scan(K after, int max, List<Map.Entry<K, V>> out) {
        return range.scan(access.reader(), after, false, descending, max, out);
    }

    Iterator<K> keyIterator() {
        return new BatchIterator<K, V, K>(this, Map.Entry::getKey);
    }

    Iterator<V> valueIterator() {
        return new BatchIterator<K, V, V>(this, Map.Entry::getValue);
    }

    Iterator<Map.Entry<K, V>> entryIterator() {
        return new BatchIterator<K, V, Map.Entry<K, V>>(this, e -> new WriteThroughEntry<>(this, e));
    }

    /** Checks a key for a write: not null, in the range. */
    private void checkKey(K key) {
        range.check(key);
    }

    @SuppressWarnings("unchecked")
    private static <K> K cast(Object key) {
        return (K) key;
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public V get(Object key) {
        OrderedStore<K, V> r = access.reader();
        return range.contains(key) ? r.get(cast(key)) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public V getOrDefault(Object key, V defaultValue) {
        V v = get(key);
        return v != null ? v : defaultValue;
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        Iterator<V> it = valueIterator();
        while (it.hasNext()) {
            if (value.equals(it.next())) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The whole map: the tree's counter (O(1)). A bounded view: counted in bounded scans,
     * O(n) and weakly consistent under concurrent changes.
     */
    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, count());
    }

    private long count() {
        OrderedStore<K, V> r = access.reader();
        if (range.isFull()) {
            return r.size();
        }
        List<Map.Entry<K, V>> batch = new ArrayList<>(BATCH);
        long n = 0;
        K after = null;
        while (true) {
            batch.clear();
            int got = range.scan(r, after, false, false, BATCH, batch);
            n += got;
            if (got < BATCH) {
                return n;
            }
            after = batch.get(got - 1).getKey();
        }
    }

    @Override
    public boolean isEmpty() {
        OrderedStore<K, V> r = access.reader();
        return range.isFull() ? r.size() == 0 : range.lowest(r) == null;
    }

    @Override
    public void forEach(BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        Iterator<Map.Entry<K, V>> it = new BatchIterator<K, V, Map.Entry<K, V>>(this, e -> e);
        while (it.hasNext()) {
            Map.Entry<K, V> e = it.next();
            action.accept(e.getKey(), e.getValue());
        }
    }

    @Override
    public boolean equals(Object o) {
        access.reader();
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        access.reader();
        return super.hashCode();
    }

    // ---- plain writes ------------------------------------------------------------------------

    @Override
    public V put(K key, V value) {
        OrderedStore<K, V> w = access.writer();
        checkKey(key);
        return w.put(key, Objects.requireNonNull(value, "value"));
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        access.writer();
        for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
            put(e.getKey(), e.getValue());
        }
    }

    @Override
    public V remove(Object key) {
        OrderedStore<K, V> w = access.writer();
        return range.contains(key) ? w.remove(cast(key)) : null;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The whole map: {@link OrderedStore#clear()} (atomic per batch of the engine). A bounded
     * view: its entries are removed in batches, each batch one transaction.
     */
    @Override
    public void clear() {
        OrderedStore<K, V> w = access.writer();
        if (range.isFull()) {
            w.clear();
            return;
        }
        List<Map.Entry<K, V>> batch = new ArrayList<>(BATCH);
        int got;
        do {
            got = w.atomically(() -> {
                batch.clear();
                int n = range.scan(w, null, false, false, BATCH, batch);
                for (Map.Entry<K, V> e : batch) {
                    w.remove(e.getKey());
                }
                return n;
            });
        } while (got == BATCH);
    }

    // ---- atomic check-then-act ---------------------------------------------------------------

    @Override
    public V putIfAbsent(K key, V value) {
        OrderedStore<K, V> w = access.writer();
        checkKey(key);
        Objects.requireNonNull(value, "value");
        V seen = w.get(key);
        if (seen != null) {
            return seen;
        }
        return w.atomically(() -> {
            V old = w.get(key);
            if (old == null) {
                w.put(key, value);
            }
            return old;
        });
    }

    @Override
    public boolean remove(Object key, Object value) {
        OrderedStore<K, V> w = access.writer();
        Objects.requireNonNull(key, "key");
        if (value == null || !range.contains(key)) {
            return false;
        }
        K k = cast(key);
        return w.atomically(() -> {
            V old = w.get(k);
            if (old != null && old.equals(value)) {
                w.remove(k);
                return true;
            }
            return false;
        });
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        OrderedStore<K, V> w = access.writer();
        checkKey(key);
        Objects.requireNonNull(oldValue, "oldValue");
        Objects.requireNonNull(newValue, "newValue");
        return w.atomically(() -> {
            V old = w.get(key);
            if (old != null && old.equals(oldValue)) {
                w.put(key, newValue);
                return true;
            }
            return false;
        });
    }

    @Override
    public V replace(K key, V value) {
        OrderedStore<K, V> w = access.writer();
        checkKey(key);
        Objects.requireNonNull(value, "value");
        return w.atomically(() -> {
            V old = w.get(key);
            if (old != null) {
                w.put(key, value);
            }
            return old;
        });
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        OrderedStore<K, V> w = access.writer();
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        if (!range.contains(key)) {
            if (mappingFunction.apply(key) == null) {
                return null;
            }
            throw new IllegalArgumentException("key out of range: " + key);
        }
        V seen = w.get(key);
        if (seen != null) {
            return seen;
        }
        return w.atomically(() -> {
            V old = w.get(key);
            if (old != null) {
                return old;
            }
            V v = mappingFunction.apply(key);
            if (v != null) {
                w.put(key, v);
            }
            return v;
        });
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        OrderedStore<K, V> w = access.writer();
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        if (!range.contains(key) || w.get(key) == null) {
            return null;
        }
        return w.atomically(() -> {
            V old = w.get(key);
            return old == null ? null : set(w, key, old, remappingFunction.apply(key, old));
        });
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        OrderedStore<K, V> w = access.writer();
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        if (!range.contains(key)) {
            if (remappingFunction.apply(key, null) == null) {
                return null;
            }
            throw new IllegalArgumentException("key out of range: " + key);
        }
        return w.atomically(() -> {
            V old = w.get(key);
            return set(w, key, old, remappingFunction.apply(key, old));
        });
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        OrderedStore<K, V> w = access.writer();
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        checkKey(key);
        return w.atomically(() -> {
            V old = w.get(key);
            return set(w, key, old, old == null ? value : remappingFunction.apply(old, value));
        });
    }

    /** Inside a transaction: the key's value becomes {@code v} (null: removed); returns {@code v}. */
    private V set(OrderedStore<K, V> w, K key, V old, V v) {
        if (v != null) {
            w.put(key, v);
        } else if (old != null) {
            w.remove(key);
        }
        return v;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Atomic per entry (each replacement is one transaction, its function run inside it),
     * not as a whole; entries added meanwhile may or may not be replaced.
     */
    @Override
    public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
        OrderedStore<K, V> w = access.writer();
        Objects.requireNonNull(function, "function");
        Iterator<K> keys = keyIterator();
        while (keys.hasNext()) {
            K key = keys.next();
            w.atomically(() -> {
                V old = w.get(key);
                if (old != null) {
                    w.put(key, Objects.requireNonNull(function.apply(key, old), "the function returned null"));
                }
                return null;
            });
        }
    }

    // ---- navigation --------------------------------------------------------------------------

    @Override
    public Comparator<? super K> comparator() {
        access.reader();
        return descending ? Collections.reverseOrder() : null;
    }

    @Override
    public Map.Entry<K, V> firstEntry() {
        return first(access.reader());
    }

    @Override
    public Map.Entry<K, V> lastEntry() {
        return last(access.reader());
    }

    @Override
    public K firstKey() {
        Map.Entry<K, V> e = firstEntry();
        if (e == null) {
            throw new NoSuchElementException();
        }
        return e.getKey();
    }

    @Override
    public K lastKey() {
        Map.Entry<K, V> e = lastEntry();
        if (e == null) {
            throw new NoSuchElementException();
        }
        return e.getKey();
    }

    @Override
    public Map.Entry<K, V> pollFirstEntry() {
        OrderedStore<K, V> w = access.writer();
        return w.atomically(() -> removed(w, first(w)));
    }

    @Override
    public Map.Entry<K, V> pollLastEntry() {
        OrderedStore<K, V> w = access.writer();
        return w.atomically(() -> removed(w, last(w)));
    }

    private Map.Entry<K, V> removed(OrderedStore<K, V> w, Map.Entry<K, V> e) {
        if (e != null) {
            w.remove(e.getKey());
        }
        return e;
    }

    @Override
    public Map.Entry<K, V> lowerEntry(K key) {
        return near(key, Relation.LOWER);
    }

    @Override
    public K lowerKey(K key) {
        return keyOrNull(lowerEntry(key));
    }

    @Override
    public Map.Entry<K, V> floorEntry(K key) {
        return near(key, Relation.FLOOR);
    }

    @Override
    public K floorKey(K key) {
        return keyOrNull(floorEntry(key));
    }

    @Override
    public Map.Entry<K, V> ceilingEntry(K key) {
        return near(key, Relation.CEILING);
    }

    @Override
    public K ceilingKey(K key) {
        return keyOrNull(ceilingEntry(key));
    }

    @Override
    public Map.Entry<K, V> higherEntry(K key) {
        return near(key, Relation.HIGHER);
    }

    @Override
    public K higherKey(K key) {
        return keyOrNull(higherEntry(key));
    }

    // ---- views -------------------------------------------------------------------------------

    /** A narrower view, bounds given in this view's order (null: this view's bound). */
    private RangeView<K, V> narrowed(K from, boolean fromInclusive, K to, boolean toInclusive) {
        access.reader();
        KeyRange<K> r = descending ? range.narrow(to, toInclusive, from, fromInclusive)
                : range.narrow(from, fromInclusive, to, toInclusive);
        return new RangeView<>(access, r, descending);
    }

    @Override
    public ConcurrentNavigableMap<K, V> subMap(K fromKey, boolean fromInclusive, K toKey, boolean toInclusive) {
        Objects.requireNonNull(fromKey, "fromKey");
        Objects.requireNonNull(toKey, "toKey");
        return narrowed(fromKey, fromInclusive, toKey, toInclusive);
    }

    @Override
    public ConcurrentNavigableMap<K, V> headMap(K toKey, boolean inclusive) {
        Objects.requireNonNull(toKey, "toKey");
        return narrowed(null, false, toKey, inclusive);
    }

    @Override
    public ConcurrentNavigableMap<K, V> tailMap(K fromKey, boolean inclusive) {
        Objects.requireNonNull(fromKey, "fromKey");
        return narrowed(fromKey, inclusive, null, false);
    }

    @Override
    public ConcurrentNavigableMap<K, V> subMap(K fromKey, K toKey) {
        return subMap(fromKey, true, toKey, false);
    }

    @Override
    public ConcurrentNavigableMap<K, V> headMap(K toKey) {
        return headMap(toKey, false);
    }

    @Override
    public ConcurrentNavigableMap<K, V> tailMap(K fromKey) {
        return tailMap(fromKey, true);
    }

    @Override
    public ConcurrentNavigableMap<K, V> descendingMap() {
        access.reader();
        RangeView<K, V> d = descendingView;
        if (d == null) {
            descendingView = d = new RangeView<>(access, range, !descending);
        }
        return d;
    }

    @Override
    public NavigableSet<K> keySet() {
        return navigableKeySet();
    }

    @Override
    public NavigableSet<K> navigableKeySet() {
        access.reader();
        KeySetView<K> ks = keySetView;
        if (ks == null) {
            keySetView = ks = new KeySetView<>(this);
        }
        return ks;
    }

    @Override
    public NavigableSet<K> descendingKeySet() {
        return descendingMap().navigableKeySet();
    }

    @Override
    public Collection<V> values() {
        access.reader();
        ValuesView<V> vs = valuesView;
        if (vs == null) {
            valuesView = vs = new ValuesView<>(this);
        }
        return vs;
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        access.reader();
        EntrySetView<K, V> es = entrySetView;
        if (es == null) {
            entrySetView = es = new EntrySetView<>(this);
        }
        return es;
    }
}

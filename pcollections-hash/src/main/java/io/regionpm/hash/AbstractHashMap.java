package io.regionpm.hash;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.hash.internal.EntryReader;
import io.regionpm.hash.internal.HashEngine;
import io.regionpm.hash.internal.KeyProbe;
import io.regionpm.hash.internal.Position;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;

/**
 * The {@link ConcurrentMap} behaviour both hash maps share: every method atomic through one
 * transaction on the key's stripe (functions run while the stripe is locked, as in
 * {@code ConcurrentHashMap}), lock-free gets, live views and weakly consistent iterators.
 * Subclasses say how keys and values are encoded.
 *
 * @param <K> keys
 * @param <V> values
 */
abstract sealed class AbstractHashMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V>
        permits PersistentHashMap, PersistentLongLongHashMap {
    private static final int CLEAR_BATCH = 128;
    private static final EntryReader<Boolean> PRESENCE = new EntryReader<>() {
        @Override
        public Boolean found(HashEngine engine, long entry) {
            return Boolean.TRUE;
        }

        @Override
        public Boolean absent() {
            return Boolean.FALSE;
        }
    };

    final Pool pool;
    final String name;
    final HashEngine engine;
    private final EntryReader<Object> valueReader = new EntryReader<>() {
        @Override
        public Object found(HashEngine e, long entry) {
            return copyValue(entry);
        }

        @Override
        public Object absent() {
            return null;
        }
    };
    private Set<Map.Entry<K, V>> entrySet;
    private Set<K> keySet;
    private Collection<V> values;

    AbstractHashMap(Pool pool, String name, HashEngine engine) {
        this.pool = pool;
        this.name = name;
        this.engine = engine;
    }

    // ---- what subclasses define ------------------------------------------------------------

    /** @return the key's probe, or null if {@code key} cannot be a key of this map (absent) */
    abstract KeyProbe probeOrNull(Object key);

    /**
     * @return the key's probe
     * @throws NullPointerException     if null
     * @throws IllegalArgumentException if its codec refuses it
     */
    abstract KeyProbe probe(K key);

    /** @return the value's encoded form for {@link #insert} and {@link #update}; refuses bad values */
    abstract Object encode(V value);

    /** Copies an entry's value (maybe unvalidated: copy only). */
    abstract Object copyValue(long entry);

    /** Copies an entry's key (maybe unvalidated: copy only). */
    abstract Object copyKey(long entry);

    abstract V decodeValue(Object copy);

    abstract K decodeKey(Object copy);

    abstract void insert(Transaction tx, Position at, KeyProbe k, Object encoded);

    abstract void update(Transaction tx, Position at, KeyProbe k, Object encoded);

    // ---- identity ----------------------------------------------------------------------------

    /** @return the map's name in its pool */
    public String name() {
        return name;
    }

    /** @return the pool holding the map */
    public Pool pool() {
        return pool;
    }

    /** @return the update strategy the map was created with */
    public UpdateStrategy strategy() {
        return engine.strategy();
    }

    final PoolRuntime rt() {
        return pool.runtime();
    }

    /** A change as one transaction (joining the caller's), see {@link #closedDuring}. */
    final <T> T transaction(Supplier<T> body) {
        PoolRuntime rt = rt();
        try {
            return rt.transaction(body);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    /** A lock-free lookup, see {@link #closedDuring}. */
    final <R> R read(KeyProbe k, EntryReader<R> reader) {
        try {
            return engine.read(k, reader);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    /**
     * A call in progress while another thread closes the pool fails inside the memory API
     * ("already closed"); that becomes {@link PoolClosedException}. Any other
     * {@code IllegalStateException} (a user's function included) is rethrown as it is.
     */
    final RuntimeException closedDuring(IllegalStateException e) {
        if (!pool.isClosed()) {
            return e;
        }
        return new PoolClosedException(pool.path() + ": the pool was closed during the call", e);
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public int size() {
        rt();
        return (int) Math.min(Integer.MAX_VALUE, engine.size());
    }

    /** @return the number of entries as a long (maps may hold more than {@code Integer.MAX_VALUE}) */
    public long mappingCount() {
        rt();
        return engine.size();
    }

    @Override
    public boolean isEmpty() {
        return mappingCount() == 0;
    }

    @Override
    public V get(Object key) {
        Objects.requireNonNull(key, "key");
        rt();
        KeyProbe k = probeOrNull(key);
        if (k == null) {
            return null;
        }
        Object copy = read(k, valueReader);
        return copy == null ? null : decodeValue(copy);
    }

    @Override
    public boolean containsKey(Object key) {
        Objects.requireNonNull(key, "key");
        rt();
        KeyProbe k = probeOrNull(key);
        return k != null && read(k, PRESENCE);
    }

    final boolean present(KeyProbe k) {
        return read(k, PRESENCE);
    }

    @Override
    public V getOrDefault(Object key, V defaultValue) {
        V v = get(key);
        return v != null ? v : defaultValue;
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        for (V v : values()) {
            if (value.equals(v)) {
                return true;
            }
        }
        return false;
    }

    // ---- atomic changes ----------------------------------------------------------------------

    private V current(Position at) {
        return at.found() ? decodeValue(copyValue(at.entry())) : null;
    }

    /** Sets the key's value to {@code v} (null: removes it); returns nothing. */
    private void set(Transaction tx, Position at, KeyProbe k, V v) {
        if (v == null) {
            if (at.found()) {
                engine.remove(tx, at);
            }
        } else if (at.found()) {
            update(tx, at, k, encode(v));
        } else {
            insert(tx, at, k, encode(v));
        }
    }

    @Override
    public V put(K key, V value) {
        KeyProbe k = probe(key);
        Object encoded = encode(Objects.requireNonNull(value, "value"));
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            V old = current(at);
            if (at.found()) {
                update(tx, at, k, encoded);
            } else {
                insert(tx, at, k, encoded);
            }
            return old;
        });
    }

    @Override
    public V putIfAbsent(K key, V value) {
        KeyProbe k = probe(key);
        Object encoded = encode(Objects.requireNonNull(value, "value"));
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (at.found()) {
                return current(at);
            }
            insert(tx, at, k, encoded);
            return null;
        });
    }

    @Override
    public V remove(Object key) {
        Objects.requireNonNull(key, "key");
        KeyProbe k = probeOrNull(key);
        if (k == null) {
            rt();
            return null;
        }
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            V old = current(at);
            if (at.found()) {
                engine.remove(tx, at);
            }
            return old;
        });
    }

    @Override
    public boolean remove(Object key, Object value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            return false;
        }
        KeyProbe k = probeOrNull(key);
        if (k == null) {
            rt();
            return false;
        }
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (at.found() && value.equals(current(at))) {
                engine.remove(tx, at);
                return true;
            }
            return false;
        });
    }

    @Override
    public V replace(K key, V value) {
        KeyProbe k = probe(key);
        Object encoded = encode(Objects.requireNonNull(value, "value"));
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            V old = current(at);
            if (at.found()) {
                update(tx, at, k, encoded);
            }
            return old;
        });
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        KeyProbe k = probe(key);
        Objects.requireNonNull(oldValue, "oldValue");
        Object encoded = encode(Objects.requireNonNull(newValue, "newValue"));
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (at.found() && oldValue.equals(current(at))) {
                update(tx, at, k, encoded);
                return true;
            }
            return false;
        });
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mapping) {
        KeyProbe k = probe(key);
        Objects.requireNonNull(mapping, "mappingFunction");
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (at.found()) {
                return current(at);
            }
            V v = mapping.apply(key);
            set(tx, at, k, v);
            return v;
        });
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
        KeyProbe k = probe(key);
        Objects.requireNonNull(remapping, "remappingFunction");
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            if (!at.found()) {
                return null;
            }
            V v = remapping.apply(key, current(at));
            set(tx, at, k, v);
            return v;
        });
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
        KeyProbe k = probe(key);
        Objects.requireNonNull(remapping, "remappingFunction");
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            V v = remapping.apply(key, current(at));
            set(tx, at, k, v);
            return v;
        });
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remapping) {
        KeyProbe k = probe(key);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remapping, "remappingFunction");
        encode(value);
        return transaction(() -> {
            Transaction tx = rt().current();
            Position at = engine.locate(tx, k);
            V old = current(at);
            V v = old == null ? value : remapping.apply(old, value);
            set(tx, at, k, v);
            return v;
        });
    }

    @Override
    public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
        Objects.requireNonNull(function, "function");
        for (K key : keySet()) {
            computeIfPresent(key, (k, v) -> Objects.requireNonNull(function.apply(k, v), "replaceAll's function returned null"));
        }
    }

    /**
     * Removes every entry: one transaction per batch of entries of a stripe, so not atomic as a
     * whole (like {@code ConcurrentHashMap.clear}) unless called inside a transaction, where it
     * is part of that transaction (and must fit in its lane's log).
     */
    @Override
    public void clear() {
        PoolRuntime rt = rt();
        for (int s = 0; s < engine.stripes(); s++) {
            int stripe = s;
            while (!rt.transaction(() -> engine.clearSome(rt.current(), stripe, CLEAR_BATCH))) {
                Thread.onSpinWait();
            }
        }
    }

    // ---- views -------------------------------------------------------------------------------

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        Set<Map.Entry<K, V>> es = entrySet;
        return es != null ? es : (entrySet = new EntrySetView());
    }

    @Override
    public Set<K> keySet() {
        Set<K> ks = keySet;
        return ks != null ? ks : (keySet = new KeySetView());
    }

    @Override
    public Collection<V> values() {
        Collection<V> vs = values;
        return vs != null ? vs : (values = new ValuesView());
    }

    /** The live entry set. */
    private final class EntrySetView extends AbstractSet<Map.Entry<K, V>> {
        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return new EntryIterator();
        }

        @Override
        public int size() {
            return AbstractHashMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return AbstractHashMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
                return false;
            }
            Object v = get(e.getKey());
            return v != null && v.equals(e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Map.Entry<?, ?> e && e.getKey() != null && e.getValue() != null
                    && AbstractHashMap.this.remove(e.getKey(), e.getValue());
        }

        @Override
        public void clear() {
            AbstractHashMap.this.clear();
        }
    }

    /** The live key set. */
    private final class KeySetView extends AbstractSet<K> {
        @Override
        public Iterator<K> iterator() {
            return new Projection<>(Map.Entry::getKey);
        }

        @Override
        public int size() {
            return AbstractHashMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return AbstractHashMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return AbstractHashMap.this.remove(o) != null;
        }

        @Override
        public void clear() {
            AbstractHashMap.this.clear();
        }
    }

    /** The live values collection. */
    private final class ValuesView extends AbstractCollection<V> {
        @Override
        public Iterator<V> iterator() {
            return new Projection<>(Map.Entry::getValue);
        }

        @Override
        public int size() {
            return AbstractHashMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return AbstractHashMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsValue(o);
        }

        @Override
        public void clear() {
            AbstractHashMap.this.clear();
        }
    }

    /** The entry iterator seen through one part of each entry (keys or values); remove writes through. */
    private final class Projection<T> implements Iterator<T> {
        private final Iterator<Map.Entry<K, V>> entries = new EntryIterator();
        private final Function<Map.Entry<K, V>, T> part;

        Projection(Function<Map.Entry<K, V>, T> part) {
            this.part = part;
        }

        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public T next() {
            return part.apply(entries.next());
        }

        @Override
        public void remove() {
            entries.remove();
        }
    }

    /** An iterated entry: {@code setValue} writes through with {@code put}. */
    private final class WriteThroughEntry extends AbstractMap.SimpleEntry<K, V> {
        private static final long serialVersionUID = 1L;

        WriteThroughEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            Objects.requireNonNull(value, "value");
            put(getKey(), value);
            return super.setValue(value);
        }
    }

    /**
     * Weakly consistent: visits the stripes one hash class at a time (each class copied as of
     * one consistent moment), so every entry present throughout the iteration is returned
     * exactly once, and changes made meanwhile may or may not be seen. Heap use: one class's
     * entries (a chain or two).
     */
    private final class EntryIterator implements Iterator<Map.Entry<K, V>>, HashEngine.ClassSink {
        private final List<Object[]> buffer = new ArrayList<>();
        private int index;
        private int stripe = -1;
        private long modulus;
        private long cls;
        private K last;

        EntryIterator() {
            rt();
        }

        @Override
        public void reset() {
            buffer.clear();
        }

        @Override
        public void accept(HashEngine e, long entry) {
            buffer.add(new Object[] {copyKey(entry), copyValue(entry)});
        }

        @Override
        public boolean hasNext() {
            rt(); // a closed pool: PoolClosedException, not the unmapped segment's IllegalStateException
            while (index >= buffer.size()) {
                if (stripe >= 0 && cls < modulus) {
                    buffer.clear();
                    index = 0;
                    try {
                        engine.visitClass(stripe, modulus, cls++, this);
                    } catch (IllegalStateException e) {
                        throw closedDuring(e);
                    }
                } else if (stripe + 1 < engine.stripes()) {
                    stripe++;
                    modulus = engine.modulus(stripe);
                    cls = 0;
                } else {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Map.Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object[] copy = buffer.get(index++);
            K key = decodeKey(copy[0]);
            last = key;
            return new WriteThroughEntry(key, decodeValue(copy[1]));
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            AbstractHashMap.this.remove(last);
            last = null;
        }
    }
}

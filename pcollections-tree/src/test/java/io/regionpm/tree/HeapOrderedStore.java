package io.regionpm.tree;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.regionpm.core.Codec;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

/**
 * A heap fake of {@link OrderedStore} for testing the navigable layer without a pool: a
 * {@link TreeMap} of encoded keys (unsigned byte order, as the engines order them) to encoded
 * values. Every call is synchronized; {@link #atomically} holds the lock for its body (no
 * rollback: the layer's bodies throw before writing). {@link #pin()} copies the map.
 *
 * @param <K> keys
 * @param <V> values
 */
class HeapOrderedStore<K, V> implements OrderedStore<K, V> {
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final TreeMap<byte[], byte[]> map;

    HeapOrderedStore(Codec<K> keyCodec, Codec<V> valueCodec) {
        this(keyCodec, valueCodec, new TreeMap<>(Arrays::compareUnsigned));
    }

    private HeapOrderedStore(Codec<K> keyCodec, Codec<V> valueCodec, TreeMap<byte[], byte[]> map) {
        if (!keyCodec.orderPreserving()) {
            throw new IllegalArgumentException("the key codec must be order-preserving");
        }
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.map = map;
    }

    /** Every call starts here: a pinned copy checks that it is still open. */
    void checkOpen() {
    }

    /** Every write starts here: a pinned copy refuses. */
    void checkWritable() {
        checkOpen();
    }

    @Override
    public Codec<K> keyCodec() {
        return keyCodec;
    }

    @Override
    public Codec<V> valueCodec() {
        return valueCodec;
    }

    @Override
    public UpdateStrategy strategy() {
        return UpdateStrategy.SHADOW;
    }

    private Map.Entry<K, V> entry(Map.Entry<byte[], byte[]> e) {
        return e == null ? null
                : new AbstractMap.SimpleImmutableEntry<>(keyCodec.fromBytes(e.getKey()), valueCodec.fromBytes(e.getValue()));
    }

    private V value(byte[] v) {
        return v == null ? null : valueCodec.fromBytes(v);
    }

    @Override
    public synchronized V get(K key) {
        checkOpen();
        return value(map.get(keyCodec.toBytes(key)));
    }

    @Override
    public synchronized Map.Entry<K, V> find(K key, Relation relation) {
        checkOpen();
        if (key == null) {
            return entry(relation == Relation.CEILING || relation == Relation.HIGHER ? map.firstEntry() : map.lastEntry());
        }
        byte[] k = keyCodec.toBytes(key);
        return entry(switch (relation) {
            case EQUAL -> map.containsKey(k) ? map.ceilingEntry(k) : null;
            case CEILING -> map.ceilingEntry(k);
            case FLOOR -> map.floorEntry(k);
            case HIGHER -> map.higherEntry(k);
            case LOWER -> map.lowerEntry(k);
        });
    }

    @Override
    public synchronized int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
                                 List<Map.Entry<K, V>> out) {
        checkOpen();
        if (max < 1) {
            throw new IllegalArgumentException("max " + max);
        }
        NavigableMap<byte[], byte[]> view = descending ? map.descendingMap() : map;
        if (from != null) {
            view = view.tailMap(keyCodec.toBytes(from), fromInclusive);
        }
        if (to != null) {
            view = view.headMap(keyCodec.toBytes(to), toInclusive);
        }
        int n = 0;
        for (Map.Entry<byte[], byte[]> e : view.entrySet()) {
            if (n == max) {
                break;
            }
            out.add(entry(e));
            n++;
        }
        return n;
    }

    @Override
    public synchronized long size() {
        checkOpen();
        return map.size();
    }

    @Override
    public synchronized V put(K key, V value) {
        checkWritable();
        byte[] k = keyCodec.toBytes(key);
        byte[] v = valueCodec.toBytes(value);
        return value(map.put(k, v));
    }

    @Override
    public synchronized V remove(K key) {
        checkWritable();
        return value(map.remove(keyCodec.toBytes(key)));
    }

    @Override
    public synchronized void clear() {
        checkWritable();
        map.clear();
    }

    @Override
    public synchronized <T> T atomically(Supplier<T> body) {
        checkWritable();
        return body.get();
    }

    @Override
    public synchronized Pinned<K, V> pin() {
        checkOpen();
        return new PinnedCopy<>(keyCodec, valueCodec, new TreeMap<>(map));
    }

    /** A pinned copy: reads until closed, refuses writes. */
    private static final class PinnedCopy<K, V> extends HeapOrderedStore<K, V> implements Pinned<K, V> {
        private volatile boolean closed;

        PinnedCopy(Codec<K> keyCodec, Codec<V> valueCodec, TreeMap<byte[], byte[]> copy) {
            super(keyCodec, valueCodec, copy);
        }

        @Override
        void checkOpen() {
            if (closed) {
                throw new IllegalStateException("closed");
            }
        }

        @Override
        void checkWritable() {
            checkOpen();
            throw new UnsupportedOperationException("pinned");
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

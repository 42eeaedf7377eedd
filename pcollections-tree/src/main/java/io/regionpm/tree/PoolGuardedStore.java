package io.regionpm.tree;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.core.Codec;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.Relation;

/**
 * An engine's store seen through its pool's life: a call in progress while another thread
 * closes the pool fails inside the memory API with {@link IllegalStateException} ("already
 * closed"), which this turns into {@link PoolClosedException}, as every call on a closed pool
 * throws. Any other {@code IllegalStateException} (a user's function's included) passes
 * unchanged. Pinned stores it hands out are guarded alike.
 *
 * <p>Thread-safety: that of the store; this class keeps no state of its own.
 *
 * @param <K> keys
 * @param <V> values
 */
class PoolGuardedStore<K, V> implements OrderedStore<K, V> {
    final Pool pool;
    private final OrderedStore<K, V> store;

    PoolGuardedStore(Pool pool, OrderedStore<K, V> store) {
        this.pool = pool;
        this.store = store;
    }

    /**
     * @param e what a call threw
     * @return {@link PoolClosedException} (with {@code e} as its cause) if the pool is closed, else {@code e}
     */
    final RuntimeException closedDuring(IllegalStateException e) {
        if (!pool.isClosed()) {
            return e;
        }
        return new PoolClosedException(pool.path() + ": the pool was closed during the call", e);
    }

    @Override
    public Codec<K> keyCodec() {
        return store.keyCodec();
    }

    @Override
    public Codec<V> valueCodec() {
        return store.valueCodec();
    }

    @Override
    public UpdateStrategy strategy() {
        return store.strategy();
    }

    @Override
    public V get(K key) {
        try {
            return store.get(key);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public Map.Entry<K, V> find(K key, Relation relation) {
        try {
            return store.find(key, relation);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
                    List<Map.Entry<K, V>> out) {
        try {
            return store.scan(from, fromInclusive, to, toInclusive, descending, max, out);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public long size() {
        try {
            return store.size();
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public V put(K key, V value) {
        try {
            return store.put(key, value);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public V remove(K key) {
        try {
            return store.remove(key);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public void clear() {
        try {
            store.clear();
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public <T> T atomically(Supplier<T> body) {
        try {
            return store.atomically(body);
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    @Override
    public Pinned<K, V> pin() {
        try {
            return new GuardedPinned<>(pool, store.pin());
        } catch (IllegalStateException e) {
            throw closedDuring(e);
        }
    }

    /** A pinned store, guarded alike. */
    private static final class GuardedPinned<K, V> extends PoolGuardedStore<K, V> implements Pinned<K, V> {
        private final Pinned<K, V> pinned;

        GuardedPinned(Pool pool, Pinned<K, V> pinned) {
            super(pool, pinned);
            this.pinned = pinned;
        }

        @Override
        public void close() {
            pinned.close();
        }
    }
}

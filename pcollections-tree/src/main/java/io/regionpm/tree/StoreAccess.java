package io.regionpm.tree;

import io.regionpm.alloc.PoolClosedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.Pool;
import io.regionpm.tree.internal.OrderedStore;

/**
 * How a {@link RangeView} reaches its store: for reading, and for writing. A live map hands out
 * its store for both; a snapshot refuses writes and, once closed, everything.
 *
 * @param <K> keys
 * @param <V> values
 */
interface StoreAccess<K, V> {

    /**
     * @return the store to read
     * @throws IllegalStateException if the view is closed
     * @throws PoolClosedException   if the pool is closed
     */
    OrderedStore<K, V> reader();

    /**
     * @return the store to write
     * @throws IllegalStateException         if the view is closed
     * @throws UnsupportedOperationException if the view is read-only
     * @throws PoolClosedException           if the pool is closed
     * @throws PoolException                 if the pool was opened read-only
     */
    OrderedStore<K, V> writer();

    /**
     * The access of a live map: its store, for reads and writes, while its pool is open (calls
     * in progress when it closes: see {@link PoolGuardedStore}); writes refused if the pool
     * was opened read-only.
     *
     * @param pool  the pool (null: a store with no pool, in tests)
     * @param name  the map's name, for messages
     * @param store the store
     * @param <K>   keys
     * @param <V>   values
     * @return the access
     */
    static <K, V> StoreAccess<K, V> live(Pool pool, String name, OrderedStore<K, V> store) {
        return new StoreAccess<>() {
            @Override
            public OrderedStore<K, V> reader() {
                if (pool != null && pool.isClosed()) {
                    throw new PoolClosedException(pool.path() + ": the pool is closed");
                }
                return store;
            }

            @Override
            public OrderedStore<K, V> writer() {
                if (pool != null && pool.runtime().isReadOnly()) {
                    throw new PoolException(pool.path() + ": the pool was opened read-only: " + name + " cannot change");
                }
                return store;
            }
        };
    }
}

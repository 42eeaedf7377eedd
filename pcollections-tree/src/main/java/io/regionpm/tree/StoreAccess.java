package io.regionpm.tree;

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
     */
    OrderedStore<K, V> reader();

    /**
     * @return the store to write
     * @throws IllegalStateException         if the view is closed
     * @throws UnsupportedOperationException if the view is read-only
     */
    OrderedStore<K, V> writer();

    /**
     * The access of a live map: its store, for reads and writes.
     *
     * @param store the store
     * @param <K>   keys
     * @param <V>   values
     * @return the access
     */
    static <K, V> StoreAccess<K, V> live(OrderedStore<K, V> store) {
        return new StoreAccess<>() {
            @Override
            public OrderedStore<K, V> reader() {
                return store;
            }

            @Override
            public OrderedStore<K, V> writer() {
                return store;
            }
        };
    }
}

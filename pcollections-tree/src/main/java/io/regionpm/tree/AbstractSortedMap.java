package io.regionpm.tree;

import io.regionpm.core.Codec;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.tree.internal.OrderedStore;

/**
 * The {@link java.util.concurrent.ConcurrentNavigableMap} behaviour both persistent trees share,
 * built on an engine's {@link OrderedStore}: the map is the view of the store's full key range
 * ({@link RangeView}), and every sub-map, head/tail map, descending map and key set is a view
 * of a narrower range or the other direction, live and writable.
 *
 * <p>Semantics are those of {@link java.util.concurrent.ConcurrentSkipListMap}, in the order of
 * the keys' order-preserving encodings (the keys' natural order, so {@link #comparator()} is
 * null): null keys and values are refused with {@link NullPointerException}; a key of the wrong
 * type makes the key codec throw {@link ClassCastException} before anything changes; iterators
 * and spliterators are weakly consistent, fetch entries in bounded batches (heap use does not
 * grow with the map) and never throw {@link java.util.ConcurrentModificationException}; the
 * entries of {@link #entrySet()} write {@code setValue} through; {@code size()} is O(1) for the
 * whole map and a bounded count for a sub-map.
 *
 * <p>Thread-safety: safe for any number of threads; reads take no lock. Every check-then-act
 * method ({@code putIfAbsent}, {@code replace}, {@code remove(k, v)}, {@code compute},
 * {@code computeIfAbsent}, {@code computeIfPresent}, {@code merge}, {@code pollFirstEntry},
 * {@code pollLastEntry}) is one transaction holding the tree's writer lock, so it is atomic for
 * every thread and every JVM; its function runs exactly once, inside that transaction.
 *
 * <p>Process-safety: every JVM mapping the pool sees the same map; a change is visible to
 * others when its transaction commits.
 *
 * <p>Pool life: once the pool is closed every method (of the map, its views and iterators)
 * throws {@link io.regionpm.alloc.PoolClosedException}, calls in progress when another thread
 * closes it included. In a pool opened read-only every reading method works (lock-free, the
 * engines validating what they read against concurrent writers in other processes) and every
 * mutator throws {@link io.regionpm.alloc.PoolException}, even one that would change nothing.
 *
 * <p>Crash behaviour: each mutating call is one transaction, all or nothing after a crash, and
 * durable when it returns as the pool's {@link io.regionpm.core.Durability} says.
 * {@code clear()}, {@code putAll}, {@code replaceAll} and a sub-map's {@code clear()} are atomic
 * per entry or per batch, not as a whole, unless called inside an enclosing transaction.
 *
 * @param <K> keys
 * @param <V> values
 */
abstract class AbstractSortedMap<K, V> extends RangeView<K, V> {
    final Pool pool;
    final String name;
    final OrderedStore<K, V> store;

    /**
     * @param pool  the pool holding the tree (only named in messages; may be null in tests)
     * @param name  the tree's name in the pool
     * @param store the tree's engine
     */
    AbstractSortedMap(Pool pool, String name, OrderedStore<K, V> store) {
        super(StoreAccess.live(pool, name, guarded(pool, store)), KeyRange.all(store.keyCodec()), false);
        this.pool = pool;
        this.name = name;
        this.store = guarded(pool, store);
    }

    /** The store as the layer calls it: {@link PoolGuardedStore} (stateless, so two instances are one). */
    private static <K, V> OrderedStore<K, V> guarded(Pool pool, OrderedStore<K, V> store) {
        return pool == null ? store : new PoolGuardedStore<>(pool, store);
    }

    /**
     * A read-only map of this tree's state now, which later changes (by any thread or JVM) do
     * not affect. Reading it takes no lock and never blocks writers. Close it promptly: while it
     * is open, the nodes the writers retire cannot be reused.
     *
     * @return the snapshot (close it)
     * @throws UnsupportedOperationException if the tree's strategy cannot pin a state
     *                                       ({@link UpdateStrategy#IN_PLACE})
     */
    public SortedSnapshot<K, V> snapshot() {
        access.reader();
        return new SnapshotMap<>(store.pin());
    }

    /** @return the key codec (order-preserving), stored with the tree */
    public Codec<K> keyCodec() {
        return store.keyCodec();
    }

    /** @return the value codec, stored with the tree */
    public Codec<V> valueCodec() {
        return store.valueCodec();
    }

    /** @return the update strategy the tree was created with */
    public UpdateStrategy strategy() {
        return store.strategy();
    }

    /** @return the tree's name in its pool */
    public String name() {
        return name;
    }
}

package io.regionpm.tree.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.regionpm.core.Codec;
import io.regionpm.core.UpdateStrategy;

/**
 * A sorted map of keys to values kept in a pool, ordered by the bytes of the keys'
 * order-preserving encoding: what a tree engine (B+tree, AVL) offers to the
 * {@link java.util.NavigableMap} layer above it, which builds every method and view on these
 * few calls.
 *
 * <p>Contract every engine keeps:
 * <ul>
 *   <li>Keys and values are never null (the layer above rejects nulls first). A key is
 *       encoded once per call with {@link #keyCodec()}; a key of the wrong type throws
 *       {@link ClassCastException} from the codec before anything changes.</li>
 *   <li>Reads ({@link #get}, {@link #find}, {@link #scan}, {@link #size}) take no lock and
 *       each sees one consistent state of the tree (SHADOW: one published root under a
 *       reader epoch; IN_PLACE: validated against the tree's version). Inside a transaction
 *       of this thread that has written this tree they see its own writes.</li>
 *   <li>Writes ({@link #put}, {@link #remove}, {@link #clear}) are each atomic across threads
 *       and JVMs and crash-atomic: one transaction holding the tree's writer lock. Called
 *       inside a transaction ({@link #atomically} or {@code pool.transaction}) they join it
 *       (flat nesting) and become visible and durable when it commits.</li>
 *   <li>Entries handed out are immutable copies ({@link java.util.AbstractMap.SimpleImmutableEntry});
 *       nothing returned points into the pool.</li>
 *   <li>Heap use does not grow with the tree: {@link #scan} is bounded by its {@code max}.</li>
 *   <li>On a closed pool every call throws {@link io.regionpm.alloc.PoolClosedException}.</li>
 * </ul>
 *
 * @param <K> keys
 * @param <V> values
 */
public interface OrderedStore<K, V> {

    /** @return the key codec (order-preserving) */
    Codec<K> keyCodec();

    /** @return the value codec */
    Codec<V> valueCodec();

    /** @return the strategy the tree was created with */
    UpdateStrategy strategy();

    /**
     * @param key a key
     * @return its value, or null if absent
     */
    V get(K key);

    /**
     * @param key      a key, or null for the first entry (CEILING/HIGHER) or the last (FLOOR/LOWER)
     * @param relation which neighbour
     * @return that entry, or null if there is none
     */
    Map.Entry<K, V> find(K key, Relation relation);

    /**
     * Copies up to {@code max} consecutive entries, in one consistent read, into {@code out}
     * (appended), in ascending order or, if {@code descending}, descending order.
     *
     * @param from          where to start (null: at the first entry of the direction)
     * @param fromInclusive whether an entry at {@code from} itself is included
     * @param to            where to stop (null: no bound)
     * @param toInclusive   whether an entry at {@code to} itself is included
     * @param descending    the direction
     * @param max           at most this many entries, at least 1
     * @param out           receives the entries
     * @return the number of entries appended; fewer than {@code max} means the range is exhausted
     */
    int scan(K from, boolean fromInclusive, K to, boolean toInclusive, boolean descending, int max,
             List<Map.Entry<K, V>> out);

    /** @return the number of entries (a counter kept in the tree, O(1)) */
    long size();

    /**
     * @param key   a key
     * @param value its new value
     * @return the previous value, or null if the key was absent
     */
    V put(K key, V value);

    /**
     * @param key a key
     * @return the removed value, or null if the key was absent
     */
    V remove(K key);

    /** Removes every entry (in bounded transactions: atomic per batch, not as a whole, unless called inside a transaction). */
    void clear();

    /**
     * Runs {@code body} in one transaction that holds this tree's writer lock from the start,
     * so that reads and writes of this store inside it (check-then-act: putIfAbsent, compute,
     * poll...) are one atomic step for every thread and JVM. Joins an enclosing transaction.
     *
     * @param body the work
     * @param <T>  its result
     * @return the body's result
     */
    <T> T atomically(Supplier<T> body);

    /**
     * A read-only view pinned to the tree's state now: it never changes, and reading it takes
     * no lock. SHADOW trees pin the published root under a reader epoch, so writers go on and
     * the pinned nodes are reclaimed after {@link Pinned#close()}.
     *
     * @return the pinned view (close it)
     * @throws UnsupportedOperationException if the strategy cannot pin a state (IN_PLACE)
     */
    Pinned<K, V> pin();

    /**
     * A store pinned to one state: its reads see that state, its writes throw
     * {@link UnsupportedOperationException}.
     *
     * @param <K> keys
     * @param <V> values
     */
    interface Pinned<K, V> extends OrderedStore<K, V>, AutoCloseable {
        /** Releases the pinned state; later calls throw {@link IllegalStateException}. Idempotent. */
        @Override
        void close();
    }
}

package io.regionpm.tree;

import java.util.Objects;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolException;
import io.regionpm.core.Codec;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;
import io.regionpm.tree.internal.OrderedStore;
import io.regionpm.tree.internal.avl.AvlEngine;
import io.regionpm.tree.internal.avl.AvlHeader;
import io.regionpm.tree.internal.avl.AvlTreeType;

/**
 * A sorted map that lives in a pool as an AVL tree, shared by every thread and every JVM that
 * opens the pool: one node per entry, kept balanced by rotations.
 *
 * <pre>{@code
 * try (Pool pool = Pool.open(Path.of("data.pool"), PoolOptions.create(1L << 30))) {
 *     PersistentAvlTree<Long, String> avl = PersistentAvlTree.open(pool, "avl", Codecs.LONG, Codecs.STRING);
 *     avl.put(7L, "seven");
 * }
 * }</pre>
 *
 * <p>Order: the keys' natural order, compared as the unsigned bytes of the key codec's
 * order-preserving encoding (a key codec that is not order-preserving is refused). Keys are
 * at most 16 KiB encoded; a value whose node would exceed 1 KiB is kept in a block of its own.
 *
 * <p>Strategies: {@link UpdateStrategy#SHADOW} (default): path copying; every change writes new
 * copies of the nodes from the root down to it (and of those a rotation rewrites) and
 * publishes the new root with one 8-byte store at commit; readers in any JVM take no lock and
 * see one published root each, and a {@code snapshot()} pins one. {@link UpdateStrategy#IN_PLACE}:
 * logged rotations; nodes change in place under the transaction's undo log, a same-size value
 * is overwritten in place, and lock-free readers validate against the tree's version word
 * (snapshots are not available).
 *
 * <p>Concurrency: one writer at a time per tree (a lock in the pool, across JVMs); readers
 * never block writers. Inside {@code pool.transaction(...)} every access takes the writer lock
 * and sees the transaction's own writes. Crash behaviour: each change is one transaction,
 * there entirely or not at all after a process crash or power loss, as the pool's durability
 * mode promises; {@code clear()} removes entries in bounded transactions. Heap use does not
 * grow with the tree.
 *
 * @param <K> keys
 * @param <V> values
 */
public final class PersistentAvlTree<K, V> extends AbstractSortedMap<K, V> {
    static {
        CollectionTypes.register(AvlTreeType.INSTANCE);
    }

    private final AvlEngine<K, V> engine;

    private PersistentAvlTree(Pool pool, String name, AvlEngine<K, V> engine) {
        super(pool, name, engine);
        this.engine = engine;
    }

    /**
     * Opens the tree called {@code name}, creating it (with {@link UpdateStrategy#SHADOW}) if
     * the name is new; an existing tree opens with the strategy it was created with.
     *
     * @param pool       the pool
     * @param name       the tree's name
     * @param keyCodec   how keys are stored (order-preserving)
     * @param valueCodec how values are stored
     * @param <K>        keys
     * @param <V>        values
     * @return the tree
     * @throws IllegalStateException    if the name exists with another type or other codecs
     * @throws IllegalArgumentException if the key codec is not order-preserving
     */
    public static <K, V> PersistentAvlTree<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        return open(pool, name, keyCodec, valueCodec, null);
    }

    /**
     * Opens the tree called {@code name}, creating it with {@code strategy} if the name is new.
     *
     * @param pool       the pool
     * @param name       the tree's name
     * @param keyCodec   how keys are stored (order-preserving)
     * @param valueCodec how values are stored
     * @param strategy   SHADOW or IN_PLACE (null: as created; SHADOW for a new tree)
     * @param <K>        keys
     * @param <V>        values
     * @return the tree
     * @throws IllegalStateException    if the name exists with another type, other codecs or
     *                                  another strategy
     * @throws IllegalArgumentException if the key codec is not order-preserving, or the
     *                                  strategy is APPEND
     */
    public static <K, V> PersistentAvlTree<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec,
                                                      UpdateStrategy strategy) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(keyCodec, "keyCodec");
        Objects.requireNonNull(valueCodec, "valueCodec");
        if (!keyCodec.orderPreserving()) {
            throw new IllegalArgumentException("an AVL tree needs an order-preserving key codec, not " + keyCodec.id());
        }
        if (strategy != null && strategy != UpdateStrategy.SHADOW && strategy != UpdateStrategy.IN_PLACE) {
            throw new IllegalArgumentException("an AVL tree supports SHADOW and IN_PLACE, not " + strategy);
        }
        long header = header(pool, name, keyCodec.id(), valueCodec.id(), strategy);
        return new PersistentAvlTree<>(pool, name, new AvlEngine<>(pool, name, header, keyCodec, valueCodec));
    }

    /** Finds or creates the directory entry and the header (in one transaction), and validates the header. */
    private static long header(Pool pool, String name, String keyId, String valueId, UpdateStrategy strategy) {
        PoolRuntime rt = pool.runtime();
        CollectionHandle[] handle = new CollectionHandle[1];
        long header;
        if (rt.isReadOnly()) {
            handle[0] = pool.openCollection(name, AvlTreeType.NAME, keyId, valueId, strategy, UpdateStrategy.SHADOW);
            header = rt.memory().getLongAcquire(handle[0].rootSlot());
            if (header == 0) {
                throw new PoolException(pool.path() + ": " + name + " has no header yet (its creator died before"
                        + " finishing); open the pool read-write once");
            }
        } else {
            header = rt.transaction(() -> {
                handle[0] = pool.openCollection(name, AvlTreeType.NAME, keyId, valueId, strategy, UpdateStrategy.SHADOW);
                Transaction tx = rt.current();
                long h = tx.getLong(handle[0].rootSlot());
                if (h == 0) {
                    h = AvlEngine.create(tx, handle[0].strategy());
                    tx.setLong(handle[0].rootSlot(), h);
                }
                return h;
            });
        }
        AvlHeader.validate(rt.memory(), header, rt.heap().usableSize(header));
        if (AvlHeader.strategy(rt.memory(), header) != handle[0].strategy()) {
            throw new PoolCorruptedException(name + ": the tree's header says " + AvlHeader.strategy(rt.memory(), header)
                    + " but its directory entry " + handle[0].strategy());
        }
        return header;
    }

    /** @return the engine (for tests and the navigable layer's helpers) */
    OrderedStore<K, V> engine() {
        return engine;
    }
}

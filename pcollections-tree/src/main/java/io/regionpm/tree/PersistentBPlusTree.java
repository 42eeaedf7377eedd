package io.regionpm.tree;

import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.regionpm.alloc.PoolException;
import io.regionpm.core.Codec;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.core.spi.CollectionHandle;
import io.regionpm.core.spi.CollectionTypes;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.recovery.Transaction;
import io.regionpm.tree.internal.bplus.BPlusEngine;
import io.regionpm.tree.internal.bplus.BPlusTreeType;

/**
 * A sorted {@link java.util.concurrent.ConcurrentNavigableMap} in a pool: a B+tree of
 * fixed-size slotted nodes whose keys are compared as the bytes of their order-preserving
 * encoding, shared by every thread and JVM that opens the pool.
 *
 * <pre>{@code
 * PersistentBPlusTree<Long, byte[]> index = PersistentBPlusTree.open(pool, "index", Codecs.LONG, Codecs.BYTES);
 * index.put(7L, payload);
 * }</pre>
 *
 * <p>Strategies: {@link UpdateStrategy#SHADOW} (default): copy-on-write path copying, the new
 * root published by one 8-byte store at commit; readers in any JVM read a consistent state
 * without locks (a reader epoch keeps the nodes they may reach), and {@code snapshot()} pins
 * one. {@link UpdateStrategy#IN_PLACE}: nodes change in place under an undo log; readers take
 * no lock but validate against the tree's version and retry; snapshots are not supported.
 * Writers of one tree take turns (one lock per tree); a transaction's many changes to one tree
 * copy each node once.
 *
 * <p>Limits: a key's encoding must fit a quarter of a node (about 1000 bytes with the default
 * 4096-byte nodes; {@link IllegalArgumentException} otherwise, nothing changed); values larger
 * than a quarter of a node are stored out of line.
 *
 * <p>Crash behaviour: each change is one transaction (atomic across process crash and power
 * loss as the pool's durability mode promises); {@code bulkLoad} is all or nothing: the partial
 * tree of a load whose process died is freed when the tree is next opened read-write (or by the
 * next load).
 *
 * @param <K> keys
 * @param <V> values
 */
public final class PersistentBPlusTree<K, V> extends AbstractSortedMap<K, V> {
    /** Node size of new trees. */
    public static final int DEFAULT_NODE_BYTES = 4096;

    static {
        CollectionTypes.register(BPlusTreeType.INSTANCE);
    }

    private final BPlusEngine<K, V> engine;

    private PersistentBPlusTree(Pool pool, String name, BPlusEngine<K, V> engine) {
        super(pool, name, engine);
        this.engine = engine;
    }

    /**
     * Opens the tree called {@code name}, creating it (SHADOW, default node size) if new.
     *
     * @param pool       the pool
     * @param name       the name
     * @param keyCodec   how keys are stored (order-preserving)
     * @param valueCodec how values are stored
     * @param <K>        keys
     * @param <V>        values
     * @return the tree
     * @throws IllegalArgumentException if the key codec is not order-preserving
     * @throws IllegalStateException    if the name exists with another type or other codecs
     */
    public static <K, V> PersistentBPlusTree<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        return open(pool, name, keyCodec, valueCodec, null, 0);
    }

    /**
     * Opens the tree called {@code name}, creating it with {@code strategy} if new.
     *
     * @param pool       the pool
     * @param name       the name
     * @param keyCodec   how keys are stored (order-preserving)
     * @param valueCodec how values are stored
     * @param strategy   SHADOW or IN_PLACE
     * @param <K>        keys
     * @param <V>        values
     * @return the tree
     * @throws IllegalArgumentException if the key codec is not order-preserving or the strategy is APPEND
     * @throws IllegalStateException    if the name exists with another type, codecs or strategy
     */
    public static <K, V> PersistentBPlusTree<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec,
                                                        UpdateStrategy strategy) {
        return open(pool, name, keyCodec, valueCodec, Objects.requireNonNull(strategy, "strategy"), 0);
    }

    /**
     * Opens the tree called {@code name}, creating it with {@code strategy} and node size
     * {@code nodeBytes} if new.
     *
     * @param pool       the pool
     * @param name       the name
     * @param keyCodec   how keys are stored (order-preserving)
     * @param valueCodec how values are stored
     * @param strategy   SHADOW or IN_PLACE
     * @param nodeBytes  the node size, a power of two in [256, 65536]
     * @param <K>        keys
     * @param <V>        values
     * @return the tree
     * @throws IllegalArgumentException if the codec, strategy or node size is refused
     * @throws IllegalStateException    if the name exists with another type, codecs, strategy or node size
     */
    public static <K, V> PersistentBPlusTree<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec,
                                                        UpdateStrategy strategy, int nodeBytes) {
        if (nodeBytes != 0 && (Integer.bitCount(nodeBytes) != 1 || nodeBytes < 256 || nodeBytes > 65536)) {
            throw new IllegalArgumentException("node size must be a power of two in [256, 65536]: " + nodeBytes);
        }
        return new PersistentBPlusTree<>(pool, name, TreeOpener.open(pool, name, keyCodec, valueCodec, strategy,
                nodeBytes));
    }

    /** @return the engine (for tests of this package) */
    BPlusEngine<K, V> engine() {
        return engine;
    }

    /** @return the node size in bytes */
    public int nodeBytes() {
        return engine.nodeBytes();
    }

    /**
     * Loads sorted entries into this empty tree, building full leaves bottom-up: far faster
     * than putting them one by one. All or nothing, also across a crash.
     *
     * @param sorted entries in strictly ascending key order
     * @throws IllegalStateException    if the tree is not empty, or another thread or process is
     *                                  loading it (nothing changed)
     * @throws IllegalArgumentException if the keys are not strictly ascending or a key is too
     *                                  large (nothing changed)
     */
    public void bulkLoad(Iterator<? extends Map.Entry<? extends K, ? extends V>> sorted) {
        engine.bulkLoad(sorted);
    }

    /**
     * {@link #bulkLoad(Iterator)} from a stream.
     *
     * @param sorted entries in strictly ascending key order
     */
    public void bulkLoad(Stream<? extends Map.Entry<? extends K, ? extends V>> sorted) {
        bulkLoad(sorted.iterator());
    }

    /** Opens or creates the directory entry and header in one transaction. */
    static final class TreeOpener {
        private TreeOpener() {
        }

        static <K, V> BPlusEngine<K, V> open(Pool pool, String name, Codec<K> keyCodec, Codec<V> valueCodec,
                                             UpdateStrategy strategy, int nodeBytes) {
            if (!keyCodec.orderPreserving()) {
                throw new IllegalArgumentException("the key codec " + keyCodec.id() + " is not order-preserving: a"
                        + " sorted map needs one (for strings: Codecs.STRING_ORDERED)");
            }
            if (strategy != null && strategy != UpdateStrategy.SHADOW && strategy != UpdateStrategy.IN_PLACE) {
                throw new IllegalArgumentException("a B+tree supports SHADOW and IN_PLACE, not " + strategy);
            }
            PoolRuntime rt = pool.runtime();
            int size = nodeBytes == 0 ? DEFAULT_NODE_BYTES : nodeBytes;
            long header;
            if (rt.isReadOnly()) {
                CollectionHandle h = pool.openCollection(name, BPlusTreeType.NAME, keyCodec.id(), valueCodec.id(), strategy,
                        UpdateStrategy.SHADOW);
                header = rt.memory().getLongAcquire(h.rootSlot());
                if (header == 0) {
                    throw new PoolException(pool.path() + ": " + name + " has no header yet (its creator died before"
                            + " finishing); open the pool read-write once");
                }
            } else {
                header = rt.transaction(() -> {
                    CollectionHandle h = pool.openCollection(name, BPlusTreeType.NAME, keyCodec.id(), valueCodec.id(),
                            strategy, UpdateStrategy.SHADOW);
                    Transaction tx = rt.current();
                    long at = tx.getLong(h.rootSlot());
                    if (at == 0) {
                        at = BPlusTreeType.create(tx, h.strategy(), size);
                        tx.setLong(h.rootSlot(), at);
                    }
                    return at;
                });
            }
            int stored = BPlusTreeType.validate(rt, header);
            if (nodeBytes != 0 && stored != nodeBytes) {
                throw new IllegalStateException(name + " was created with node size " + stored + ", not " + nodeBytes);
            }
            BPlusEngine<K, V> engine = new BPlusEngine<>(pool, header, keyCodec, valueCodec);
            engine.discardAbandonedLoad();
            return engine;
        }
    }
}

package io.regionpm.tree;

import io.regionpm.core.Codec;
import io.regionpm.core.Codecs;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;

/**
 * The two real trees, opened alike for the layer's reusable suites: the B+tree with 256-byte
 * nodes (so that a few dozen entries already split, merge and grow levels), the AVL tree as it
 * is.
 */
enum TreeKind {
    /** {@link PersistentBPlusTree} with {@value #BPLUS_NODE_BYTES}-byte nodes. */
    BPLUS {
        @Override
        <K, V> AbstractSortedMap<K, V> open(Pool pool, String name, Codec<K> keys, Codec<V> values, UpdateStrategy strategy) {
            return PersistentBPlusTree.open(pool, name, keys, values, strategy, BPLUS_NODE_BYTES);
        }
    },
    /** {@link PersistentAvlTree}. */
    AVL {
        @Override
        <K, V> AbstractSortedMap<K, V> open(Pool pool, String name, Codec<K> keys, Codec<V> values, UpdateStrategy strategy) {
            return PersistentAvlTree.open(pool, name, keys, values, strategy);
        }
    };

    /** The B+tree's node size in these suites: the smallest allowed. */
    static final int BPLUS_NODE_BYTES = 256;

    /**
     * Opens (creating if new) the tree called {@code name}.
     *
     * @param pool     the pool
     * @param name     the tree's name
     * @param keys     the key codec (order-preserving)
     * @param values   the value codec
     * @param strategy SHADOW or IN_PLACE; null: as stored (SHADOW if new)
     * @param <K>      keys
     * @param <V>      values
     * @return the tree
     */
    abstract <K, V> AbstractSortedMap<K, V> open(Pool pool, String name, Codec<K> keys, Codec<V> values,
                                                 UpdateStrategy strategy);

    /**
     * Opens (creating if new) a {@code long -> long} tree, as the multi-JVM tests use them.
     *
     * @param pool     the pool
     * @param name     the tree's name
     * @param strategy SHADOW or IN_PLACE to create one; null to open an existing tree as it was created
     * @return the tree
     */
    AbstractSortedMap<Long, Long> longs(Pool pool, String name, UpdateStrategy strategy) {
        if (strategy != null) {
            return open(pool, name, Codecs.LONG, Codecs.LONG, strategy);
        }
        return this == BPLUS ? PersistentBPlusTree.open(pool, name, Codecs.LONG, Codecs.LONG)
                : PersistentAvlTree.open(pool, name, Codecs.LONG, Codecs.LONG);
    }
}

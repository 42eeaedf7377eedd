package io.regionpm.tree;

import java.util.concurrent.ConcurrentNavigableMap;

import io.regionpm.core.Codecs;
import io.regionpm.core.Pool;
import io.regionpm.core.UpdateStrategy;

/**
 * The two persistent trees as the multi-JVM tests open them: {@code long -> long} maps, the
 * B+tree with 256-byte nodes so that a few dozen keys already split and merge nodes over
 * several levels.
 */
enum TreeKind {
    BPLUS {
        @Override
        AbstractSortedMap<Long, Long> open(Pool pool, String name, UpdateStrategy strategy) {
            return strategy == null ? PersistentBPlusTree.open(pool, name, Codecs.LONG, Codecs.LONG)
                    : PersistentBPlusTree.open(pool, name, Codecs.LONG, Codecs.LONG, strategy, SMALL_NODES);
        }
    },
    AVL {
        @Override
        AbstractSortedMap<Long, Long> open(Pool pool, String name, UpdateStrategy strategy) {
            return strategy == null ? PersistentAvlTree.open(pool, name, Codecs.LONG, Codecs.LONG)
                    : PersistentAvlTree.open(pool, name, Codecs.LONG, Codecs.LONG, strategy);
        }
    };

    /** Node size of the B+trees these tests create. */
    static final int SMALL_NODES = 256;

    /**
     * @param pool     the pool
     * @param name     the tree's name
     * @param strategy its strategy, or null to open an existing tree as it was created
     * @return the tree
     */
    abstract AbstractSortedMap<Long, Long> open(Pool pool, String name, UpdateStrategy strategy);

    /** @return the tree as a {@link ConcurrentNavigableMap} */
    ConcurrentNavigableMap<Long, Long> map(AbstractSortedMap<Long, Long> tree) {
        return tree;
    }
}

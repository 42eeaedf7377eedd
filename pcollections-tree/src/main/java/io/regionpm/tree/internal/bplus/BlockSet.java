package io.regionpm.tree.internal.bplus;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

/**
 * A set of block offsets (the blocks a writer's transaction allocated): the few blocks of a
 * single change live in a small array scanned linearly (one or two cache lines, no hashing),
 * and only a transaction that allocates more (a bulk load batch, many changes in one
 * transaction) spills into a hash set.
 *
 * <p>Thread-safety: confined to one thread. Heap use: proportional to the blocks one
 * transaction allocates.
 */
final class BlockSet {
    private static final int SMALL = 16;
    private final long[] small = new long[SMALL];
    private int n;
    private MutableLongSet large;

    /** @param block a block (not 0) */
    void add(long block) {
        if (large != null) {
            large.add(block);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (small[i] == block) {
                return;
            }
        }
        if (n < SMALL) {
            small[n++] = block;
            return;
        }
        large = new LongHashSet();
        for (int i = 0; i < n; i++) {
            large.add(small[i]);
        }
        n = 0;
        large.add(block);
    }

    /** @param block a block @return whether it is in the set */
    boolean contains(long block) {
        if (large != null) {
            return large.contains(block);
        }
        for (int i = 0; i < n; i++) {
            if (small[i] == block) {
                return true;
            }
        }
        return false;
    }

    /** @param block a block to take out (absent: nothing happens) */
    void remove(long block) {
        if (large != null) {
            large.remove(block);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (small[i] == block) {
                small[i] = small[--n];
                return;
            }
        }
    }

    /** Empties the set (a spilled hash set is dropped, so a big transaction's table does not stay). */
    void clear() {
        n = 0;
        large = null;
    }
}

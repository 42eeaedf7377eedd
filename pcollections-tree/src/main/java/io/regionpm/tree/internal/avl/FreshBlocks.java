package io.regionpm.tree.internal.avl;

import org.eclipse.collections.api.set.primitive.MutableLongSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;

import io.regionpm.recovery.Transaction;

/**
 * The blocks (nodes and out-of-line values) that the calling thread's transaction allocated
 * for AVL trees: not published yet, so SHADOW changes them in place rather than copying them
 * again, and not yet marked allocated in the pool, so they are validated by their lengths
 * rather than by the allocator. Emptied when the transaction ends (and, in case an end hook
 * did not run, at the first use in the next transaction).
 *
 * <p>Thread-safety: one set per thread, as transactions are confined to their thread. Heap
 * use: proportional to the blocks one transaction allocates.
 */
final class FreshBlocks {
    /** A touched-set key no offset can equal (bits above any pool offset). */
    private static final long TAG = 0x7FA5_1000_0000_0000L;
    private static final ThreadLocal<FreshBlocks> SETS = ThreadLocal.withInitial(FreshBlocks::new);

    private final MutableLongSet blocks = new LongHashSet();
    private final Runnable clear = blocks::clear;

    private FreshBlocks() {
    }

    /**
     * @param tx the calling thread's transaction
     * @return its set
     */
    static FreshBlocks of(Transaction tx) {
        FreshBlocks set = SETS.get();
        if (tx.firstTouch(TAG)) {
            set.blocks.clear();
            tx.whenEnded(set.clear);
        }
        return set;
    }

    /**
     * @param tx    the calling thread's transaction, or null
     * @param block a block
     * @return whether that transaction allocated it for a tree
     */
    static boolean contains(Transaction tx, long block) {
        return tx != null && of(tx).blocks.contains(block);
    }

    /** @param block a block the transaction allocated */
    void add(long block) {
        blocks.add(block);
    }

    /** @param block a block the transaction freed */
    void remove(long block) {
        blocks.remove(block);
    }

    /** @param block a block @return whether the transaction allocated it */
    boolean contains(long block) {
        return blocks.contains(block);
    }
}

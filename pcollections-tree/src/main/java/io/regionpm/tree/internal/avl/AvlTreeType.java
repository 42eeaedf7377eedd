package io.regionpm.tree.internal.avl;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.core.spi.CollectionType;
import io.regionpm.recovery.Transaction;
import io.regionpm.recovery.check.BlockWalker;

/**
 * The AVL tree collection type for the pool: its name in the root directory ("avl-tree"), the
 * checker's walker ({@link AvlChecker}: every node and out-of-line block, key order, heights,
 * balance and count) and the drop.
 *
 * <p>Thread-safety: stateless.
 */
public final class AvlTreeType implements CollectionType {
    /** The one instance. */
    public static final AvlTreeType INSTANCE = new AvlTreeType();
    /** The type's name in the root directory. */
    public static final String NAME = "avl-tree";

    private AvlTreeType() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockWalker walker() {
        return AvlChecker::walk;
    }

    /**
     * Frees a dropped tree a few nodes per call without any heap state: while the root has a
     * left child, rotate it right (the tree stays a binary tree of the same nodes); else free
     * the root and make its right child the root. Every step is redo-logged in {@code tx}, so
     * after a crash the next call goes on from the last committed step. The header's drop
     * state tells the checker that the tree is no longer balanced.
     */
    @Override
    public boolean destroySome(Transaction tx, long rootSlot, int budget) {
        PersistentMemory pm = tx.runtime().memory();
        long header = tx.getLong(rootSlot);
        if (header == 0) {
            return true;
        }
        AvlHeader.validate(pm, header, tx.runtime().heap().usableSize(header));
        long dropAt = AvlHeader.dropState(header);
        if (tx.getLong(dropAt) == 0) {
            tx.setLong(dropAt, 1);
        }
        long rootAt = AvlHeader.root(header);
        for (int steps = Math.max(1, budget / 2); steps > 0; steps--) {
            long n = AvlNode.checkPointer(pm, tx.getLong(rootAt), header);
            if (n == 0) {
                tx.free(header);
                tx.setLong(rootSlot, 0);
                return true;
            }
            long l = AvlNode.checkPointer(pm, tx.getLong(n + AvlNode.LEFT), n);
            if (l == 0) {
                tx.setLong(rootAt, AvlNode.checkPointer(pm, tx.getLong(n + AvlNode.RIGHT), n));
                int k = AvlNode.keyLength(pm, n);
                if (AvlNode.valueLength(pm, n, k) == AvlNode.OUT_OF_LINE) {
                    tx.free(pm.getLong(AvlNode.valueAt(n, k)));
                }
                tx.free(n);
            } else {
                tx.setLong(n + AvlNode.LEFT, AvlNode.checkPointer(pm, tx.getLong(l + AvlNode.RIGHT), l));
                tx.setLong(l + AvlNode.RIGHT, n);
                tx.setLong(rootAt, l);
            }
        }
        return false;
    }

    /** @param pm the pool @param header a header @return whether the tree is being dropped */
    static boolean dropping(PersistentMemory pm, long header) {
        return pm.getLong(AvlHeader.dropState(header)) != 0;
    }
}

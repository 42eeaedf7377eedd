package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;

import io.regionpm.alloc.PoolCorruptedException;

import io.regionpm.recovery.Transaction;

/**
 * Frees detached trees a bounded batch at a time: the garbage root of a header (a cleared
 * tree, a failed or abandoned bulk load, a dropped tree) is walked in post-order with the
 * cursor frames of the header (node, next child), so that every batch is one transaction and
 * a crash resumes from the last committed batch. The garbage tree's nodes are never written
 * (SHADOW readers may still be reading them); only the header's cursor words change.
 *
 * <p>Invariant the checker relies on: for each frame f, the children of its node with index
 * &gt;= next are untouched; child next - 1 is frame f + 1 if that exists, else already freed.
 *
 * <p>Thread-safety: called with the tree's lock held (or on a dropped tree).
 */
final class TreeDestroyer {
    /** Blocks freed per transaction. */
    static final int BATCH = 256;

    private TreeDestroyer() {
    }

    /**
     * Hands a tree to the garbage words (the caller made sure they were empty).
     *
     * @param tx     the transaction
     * @param header the header
     * @param root   the tree's root
     */
    static void detach(Transaction tx, long header, long root) {
        tx.setLong(header + TreeHeader.GARBAGE_AT, root);
        tx.setLong(header + TreeHeader.DEPTH_AT, 0);
    }

    /**
     * Frees up to about {@code budget} blocks of the garbage tree.
     *
     * @param tx     the transaction
     * @param store  the node store
     * @param header the header
     * @param mode   COPY_ON_WRITE: retire (readers may still see the nodes), else free
     * @param budget blocks
     * @param fresh  the blocks this transaction allocated (checked by contents only)
     * @return whether no garbage is left
     */
    static boolean destroySome(Transaction tx, NodeStore store, long header, TreeWriter.Mode mode, int budget,
                               BlockSet fresh) {
        long garbage = tx.getLong(header + TreeHeader.GARBAGE_AT);
        if (garbage == 0) {
            return true;
        }
        int depth = (int) tx.getLong(header + TreeHeader.DEPTH_AT);
        if (depth == 0) {
            tx.setLong(TreeHeader.frameNode(header, 0), garbage);
            tx.setLong(TreeHeader.frameNext(header, 0), 0);
            depth = 1;
        }
        if (depth < 0 || depth > TreeHeader.FRAMES) {
            throw new PoolCorruptedException("B+tree header at " + header + ": garbage cursor depth " + depth);
        }
        MemorySegment mem = store.memory();
        while (budget > 0 && depth > 0) {
            int f = depth - 1;
            long node = tx.getLong(TreeHeader.frameNode(header, f));
            long next = tx.getLong(TreeHeader.frameNext(header, f));
            int n = fresh.contains(node) ? store.checkContents(node, -1) : store.checkNode(node, -1);
            int level = Node.level(mem, node);
            if (level > 0 && next <= n) {
                long child = Node.child(mem, node, (int) next);
                tx.setLong(TreeHeader.frameNext(header, f), next + 1);
                if (level == 1) {
                    budget -= freeLeaf(tx, store, child, mode, fresh);
                } else {
                    if (depth == TreeHeader.FRAMES) {
                        throw new PoolCorruptedException("B+tree garbage at " + garbage + " is too deep");
                    }
                    tx.setLong(TreeHeader.frameNode(header, depth), child);
                    tx.setLong(TreeHeader.frameNext(header, depth), 0);
                    depth++;
                }
                continue;
            }
            budget -= level == 0 ? freeLeaf(tx, store, node, mode, fresh) : free(tx, node, mode);
            depth--;
        }
        tx.setLong(header + TreeHeader.DEPTH_AT, depth);
        if (depth == 0) {
            tx.setLong(header + TreeHeader.GARBAGE_AT, 0);
            return true;
        }
        return false;
    }

    private static int freeLeaf(Transaction tx, NodeStore store, long leaf, TreeWriter.Mode mode, BlockSet fresh) {
        int n = fresh.contains(leaf) ? store.checkContents(leaf, 0) : store.checkNode(leaf, 0);
        MemorySegment mem = store.memory();
        int freed = 1;
        for (int i = 0; i < n; i++) {
            if (Node.valueField(mem, leaf, i) == Node.OUT_OF_LINE) {
                freed += free(tx, mem.get(Node.LONG, Node.payloadAt(mem, leaf, i)), mode);
            }
        }
        free(tx, leaf, mode);
        return freed;
    }

    private static int free(Transaction tx, long block, TreeWriter.Mode mode) {
        if (mode == TreeWriter.Mode.COPY_ON_WRITE) {
            tx.retire(block);
        } else {
            tx.free(block);
        }
        return 1;
    }
}

package io.regionpm.tree.internal.avl;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.spi.OutOfLineValues;
import io.regionpm.recovery.Transaction;

/**
 * One insertion, update or removal of an AVL tree inside a transaction that holds the tree's
 * writer lock: descend with an explicit path, change the bottom, then walk the path back up
 * relinking and rebalancing (single and double rotations).
 *
 * <p>SHADOW: every node on the path, and every node a rotation rewrites, is first copied into
 * a block of the transaction ({@link #prepare}); the original is retired (freed once no reader
 * can reach it). A node this transaction allocated is not published yet, so it is changed in
 * place instead (its ancestors in the transaction's view are its copies too). The new root is
 * published with one redo-logged store at commit. IN_PLACE: each node is changed in place
 * after its words are undo-logged, the version word made odd first; the walk up stops as soon
 * as a subtree's root and height are unchanged.
 *
 * <p>Thread-safety: confined to the transaction's thread. Heap use: two arrays of
 * {@link AvlNode#MAX_HEIGHT} + 1 entries.
 */
final class AvlUpdate {
    private final AvlEngine<?, ?> tree;
    private final Transaction tx;
    private final PersistentMemory pm;
    private final boolean shadow;
    private final FreshBlocks fresh;
    private final long[] path = new long[AvlNode.MAX_HEIGHT + 1];
    private final int[] side = new int[AvlNode.MAX_HEIGHT + 1];
    private int depth;

    AvlUpdate(AvlEngine<?, ?> tree, Transaction tx) {
        this.tree = tree;
        this.tx = tx;
        this.pm = tx.runtime().memory();
        this.shadow = tree.isShadow();
        this.fresh = FreshBlocks.of(tx);
    }

    /**
     * Inserts or replaces.
     *
     * @param k     the key
     * @param value the value's encoding
     * @return the previous value's encoding, or null
     */
    byte[] put(KeyProbe k, byte[] value) {
        long root = tree.root(tx);
        int found = descend(root, k);
        if (found < 0) {
            long n = newNode(k.toBytes(), value, 0, 0, AvlNode.meta(1, 0));
            publish(fixUp(depth - 1, n, depth), tree.count(tx) + 1);
            return null;
        }
        long x = path[found];
        byte[] old = tree.reader().valueBytes(x);
        long r = replaceValue(x, k, value);
        if (r != x || shadow) {
            publish(fixUp(found - 1, r, found), tree.count(tx));
        }
        return old;
    }

    /**
     * Removes a key.
     *
     * @param k the key
     * @return the removed value's encoding, or null if absent
     */
    byte[] remove(KeyProbe k) {
        long root = tree.root(tx);
        int found = descend(root, k);
        if (found < 0) {
            return null;
        }
        long x = path[found];
        byte[] old = tree.reader().valueBytes(x);
        long l = AvlNode.child(pm, x, AvlNode.L);
        long r = AvlNode.child(pm, x, AvlNode.R);
        long newRoot;
        if (l == 0 || r == 0) {
            dispose(x);
            newRoot = fixUp(found - 1, l != 0 ? l : r, found);
        } else {
            int m = found + 1;
            side[found] = AvlNode.R;
            path[m] = r;
            for (long n = AvlNode.child(pm, r, AvlNode.L); n != 0; n = AvlNode.child(pm, n, AvlNode.L)) {
                checkDepth(m + 1);
                side[m] = AvlNode.L;
                path[++m] = n;
            }
            long s = path[m];
            long sRight = AvlNode.child(pm, s, AvlNode.R);
            int height = AvlNode.height(pm, x);
            long rep = prepare(s);
            AvlNode.setChild(pm, rep, AvlNode.L, l);
            AvlNode.setChild(pm, rep, AvlNode.R, r);
            pm.setLong(rep + AvlNode.META, AvlNode.meta(height, 0));
            dispose(x);
            path[found] = rep;
            newRoot = fixUp(m - 1, sRight, found);
        }
        publish(newRoot, tree.count(tx) - 1);
        return old;
    }

    /**
     * @param root the root
     * @return the key of the first node, or null if the tree is empty
     */
    byte[] firstKey(long root) {
        long n = root;
        for (int d = 0; n != 0; d++) {
            checkDepth(d);
            long l = AvlNode.child(pm, n, AvlNode.L);
            if (l == 0) {
                return tree.reader().keyBytes(n);
            }
            n = l;
        }
        return null;
    }

    /** Fills the path from the root toward the key; returns the index of the key's node or -1. */
    private int descend(long root, KeyProbe k) {
        depth = 0;
        for (long n = root; n != 0; ) {
            checkDepth(depth);
            checkBlock(n);
            path[depth] = n;
            int c = k.compareTo(pm, n, AvlNode.keyLength(pm, n));
            if (c == 0) {
                return depth++;
            }
            side[depth++] = c < 0 ? AvlNode.L : AvlNode.R;
            n = AvlNode.child(pm, n, c < 0 ? AvlNode.L : AvlNode.R);
        }
        return -1;
    }

    private void checkDepth(int d) {
        if (d >= AvlNode.MAX_HEIGHT) {
            throw new PoolCorruptedException("AVL tree at " + tree.header() + " is deeper than " + AvlNode.MAX_HEIGHT
                    + " (a cycle?)");
        }
    }

    /** A node a writer is about to use must be an allocated block that holds what its lengths say. */
    private void checkBlock(long n) {
        if (fresh.contains(n)) {
            AvlNode.bytesOf(pm, n);
            return;
        }
        long usable = tx.runtime().heap().usableSize(n);
        long bytes = AvlNode.bytesOf(pm, n);
        if (bytes > usable) {
            throw new PoolCorruptedException("AVL node at " + n + ": " + bytes + " bytes of fields in a block of " + usable);
        }
    }

    /**
     * Relinks {@code child} into {@code path[i]} on {@code side[i]} for i = from..0, rebalancing
     * each; IN_PLACE stops early below index {@code stopBelow} once nothing changes further up.
     *
     * @return the new root
     */
    private long fixUp(int from, long child, int stopBelow) {
        for (int i = from; i >= 0; i--) {
            long before = path[i];
            int oldHeight = AvlNode.height(pm, before);
            long p = before;
            if (shadow || AvlNode.child(pm, p, side[i]) != child) {
                p = prepare(p);
                AvlNode.setChild(pm, p, side[i], child);
            }
            p = balance(p);
            if (!shadow && i < stopBelow && p == before && AvlNode.height(pm, p) == oldHeight) {
                return path[0];
            }
            child = p;
        }
        return child;
    }

    /** Restores the AVL balance at {@code p} (whose subtrees are balanced); returns the subtree's root. */
    private long balance(long p) {
        int hl = AvlNode.height(pm, AvlNode.child(pm, p, AvlNode.L));
        int hr = AvlNode.height(pm, AvlNode.child(pm, p, AvlNode.R));
        if (Math.abs(hl - hr) > 1) {
            int heavy = hl > hr ? AvlNode.L : AvlNode.R;
            long c = AvlNode.child(pm, p, heavy);
            if (AvlNode.height(pm, AvlNode.child(pm, c, 1 - heavy)) > AvlNode.height(pm, AvlNode.child(pm, c, heavy))) {
                c = rotateUp(c, 1 - heavy);
                p = prepare(p);
                AvlNode.setChild(pm, p, heavy, c);
            }
            return rotateUp(p, heavy);
        }
        int h = 1 + Math.max(hl, hr);
        if (h != AvlNode.height(pm, p)) {
            p = prepare(p);
            AvlNode.setHeight(pm, p, h);
        }
        return p;
    }

    /** Rotates p's child on side s up into p's place; returns it. */
    private long rotateUp(long p, int s) {
        p = prepare(p);
        long c = prepare(AvlNode.child(pm, p, s));
        AvlNode.setChild(pm, p, s, AvlNode.child(pm, c, 1 - s));
        AvlNode.setChild(pm, c, 1 - s, p);
        updateHeight(p);
        updateHeight(c);
        return c;
    }

    private void updateHeight(long n) {
        int h = 1 + Math.max(AvlNode.height(pm, AvlNode.child(pm, n, AvlNode.L)),
                AvlNode.height(pm, AvlNode.child(pm, n, AvlNode.R)));
        AvlNode.setHeight(pm, n, h);
    }

    /**
     * Makes a node writable: SHADOW copies a published node into a new block (retiring the
     * original) and returns the copy; IN_PLACE undo-logs its fixed words and returns it.
     */
    private long prepare(long n) {
        if (shadow) {
            if (fresh.contains(n)) {
                return n;
            }
            checkBlock(n);
            long size = AvlNode.bytesOf(pm, n);
            long copy = tx.allocate(size);
            pm.copy(n, copy, size);
            fresh.add(copy);
            tx.retire(n);
            return copy;
        }
        tree.beginInPlace(tx);
        tx.snapshot(n, AvlNode.KEY);
        return n;
    }

    /** A new node (fresh block; out-of-line value block if needed). */
    private long newNode(byte[] key, byte[] value, long left, long right, long meta) {
        boolean inline = AvlNode.inline(key.length, value.length);
        long ool = inline ? 0 : OutOfLineValues.storeBytes(tx, value);
        if (ool != 0) {
            fresh.add(ool);
        }
        int valueLen = inline ? value.length : AvlNode.OUT_OF_LINE;
        long n = tx.allocate(AvlNode.bytes(key.length, valueLen));
        fresh.add(n);
        AvlNode.format(pm, n, key, valueLen, meta);
        AvlNode.setChild(pm, n, AvlNode.L, left);
        AvlNode.setChild(pm, n, AvlNode.R, right);
        long at = AvlNode.valueAt(n, key.length);
        if (inline) {
            pm.write(value, 0, at, value.length);
        } else {
            pm.setLong(at, ool);
        }
        return n;
    }

    /** Gives a present key a new value: in place if the sizes allow, else a new node; returns the node now there. */
    private long replaceValue(long x, KeyProbe k, byte[] value) {
        int kl = AvlNode.keyLength(pm, x);
        int vl = AvlNode.valueLength(pm, x, kl);
        if (vl == value.length && AvlNode.inline(kl, vl) && (!shadow || fresh.contains(x))) {
            long at = AvlNode.valueAt(x, kl);
            if (!shadow) {
                tree.beginInPlace(tx);
                tx.snapshot(at, vl);
            }
            pm.write(value, 0, at, vl);
            return x;
        }
        long n = newNode(k.toBytes(), value, AvlNode.child(pm, x, AvlNode.L), AvlNode.child(pm, x, AvlNode.R),
                pm.getLong(x + AvlNode.META));
        dispose(x);
        return n;
    }

    /** Frees (IN_PLACE) or retires (SHADOW) a node that leaves the tree, with its out-of-line value. */
    private void dispose(long x) {
        int kl = AvlNode.keyLength(pm, x);
        long ool = AvlNode.valueLength(pm, x, kl) == AvlNode.OUT_OF_LINE ? pm.getLong(AvlNode.valueAt(x, kl)) : 0;
        if (shadow) {
            tx.retire(x);
            if (ool != 0) {
                tx.retire(ool);
            }
        } else {
            tx.free(x);
            if (ool != 0) {
                tx.free(ool);
            }
        }
        fresh.remove(x);
        fresh.remove(ool);
    }

    /** Stores the new root and count (SHADOW: redo-logged, and the count in the root node too). */
    private void publish(long root, long count) {
        if (shadow && root != 0) {
            root = prepare(root);
            AvlNode.setRootCount(pm, root, count);
        }
        tree.setRootAndCount(tx, root, count);
    }
}

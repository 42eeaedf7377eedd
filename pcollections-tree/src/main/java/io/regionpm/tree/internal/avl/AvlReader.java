package io.regionpm.tree.internal.avl;

import java.util.List;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.Codec;
import io.regionpm.core.spi.OutOfLineValues;
import io.regionpm.recovery.PoolRuntime;
import io.regionpm.tree.internal.Relation;

/**
 * The read-side descents of an AVL tree from a given root: exact search, neighbour search and
 * in-order scans with an explicit path stack. Each is iterative and bounded by
 * {@link AvlNode#MAX_HEIGHT} steps down, so a corrupted cycle ends in
 * {@link PoolCorruptedException} rather than a hang. The caller makes the root's state
 * consistent (a reader epoch, a version check, or the writer lock) and validates the copies.
 *
 * <p>Thread-safety: stateless apart from the pool; safe for any number of threads.
 */
final class AvlReader {
    private final PoolRuntime rt;
    private final PersistentMemory pm;

    AvlReader(PoolRuntime rt) {
        this.rt = rt;
        this.pm = rt.memory();
    }

    /**
     * @param root a root
     * @param k    a key
     * @return its node, or 0
     */
    long search(long root, KeyProbe k) {
        long n = root;
        for (int depth = 0; n != 0; depth++) {
            checkDepth(depth, root);
            int c = k.compareTo(pm, n, AvlNode.keyLength(pm, n));
            if (c == 0) {
                return n;
            }
            n = AvlNode.child(pm, n, c < 0 ? AvlNode.L : AvlNode.R);
        }
        return 0;
    }

    /**
     * @param root     a root
     * @param k        a key, or null for the first (CEILING, HIGHER) or last (FLOOR, LOWER) node
     * @param relation which neighbour
     * @return its node, or 0
     */
    long find(long root, KeyProbe k, Relation relation) {
        if (relation == Relation.EQUAL) {
            return k == null ? 0 : search(root, k);
        }
        boolean upward = relation == Relation.CEILING || relation == Relation.HIGHER;
        boolean inclusive = relation == Relation.CEILING || relation == Relation.FLOOR;
        long best = 0;
        long n = root;
        for (int depth = 0; n != 0; depth++) {
            checkDepth(depth, root);
            int c = k == null ? (upward ? -1 : 1) : k.compareTo(pm, n, AvlNode.keyLength(pm, n));
            if (c == 0 && inclusive) {
                return n;
            }
            boolean candidate = upward ? c < 0 : c > 0;
            if (candidate) {
                best = n;
            }
            n = AvlNode.child(pm, n, candidate == upward ? AvlNode.L : AvlNode.R);
        }
        return best;
    }

    /**
     * Copies up to {@code max} consecutive entries' encodings (key, value, key, value...).
     *
     * @param root       a root
     * @param from       the start, or null
     * @param fromIncl   whether an entry at {@code from} is included
     * @param to         the end, or null
     * @param toIncl     whether an entry at {@code to} is included
     * @param descending the direction
     * @param max        entries at most
     * @param out        receives key and value encodings, alternately
     * @return the number of entries copied
     */
    int scan(long root, KeyProbe from, boolean fromIncl, KeyProbe to, boolean toIncl, boolean descending, int max,
             List<byte[]> out) {
        int fwd = descending ? AvlNode.L : AvlNode.R;
        int back = 1 - fwd;
        int sign = descending ? -1 : 1;
        long[] stack = new long[AvlNode.MAX_HEIGHT];
        int top = 0;
        for (long n = root; n != 0; ) {
            int c = from == null ? -1 : from.compareTo(pm, n, AvlNode.keyLength(pm, n)) * sign;
            if (c < 0 || c == 0 && fromIncl) {
                top = push(stack, top, n, root);
                if (c == 0) {
                    break;
                }
                n = AvlNode.child(pm, n, back);
            } else {
                n = AvlNode.child(pm, n, fwd);
            }
        }
        int copied = 0;
        while (copied < max && top > 0) {
            long n = stack[--top];
            if (to != null) {
                int c = to.compareTo(pm, n, AvlNode.keyLength(pm, n)) * sign;
                if (c < 0 || c == 0 && !toIncl) {
                    break;
                }
            }
            out.add(keyBytes(n));
            out.add(valueBytes(n));
            copied++;
            for (long m = AvlNode.child(pm, n, fwd); m != 0; m = AvlNode.child(pm, m, back)) {
                top = push(stack, top, m, root);
            }
        }
        return copied;
    }

    private static int push(long[] stack, int top, long n, long root) {
        checkDepth(top, root);
        stack[top] = n;
        return top + 1;
    }

    private static void checkDepth(int depth, long root) {
        if (depth >= AvlNode.MAX_HEIGHT) {
            throw new PoolCorruptedException("AVL tree from root " + root + " is deeper than " + AvlNode.MAX_HEIGHT
                    + " (a cycle?)");
        }
    }

    /** @param n a node @return a copy of its key's encoding */
    byte[] keyBytes(long n) {
        int k = AvlNode.keyLength(pm, n);
        byte[] out = new byte[k];
        pm.read(n + AvlNode.KEY, out, 0, k);
        return out;
    }

    /** @param n a node @return a copy of its value's encoding (inline or out of line) */
    byte[] valueBytes(long n) {
        int k = AvlNode.keyLength(pm, n);
        int v = AvlNode.valueLength(pm, n, k);
        long at = AvlNode.valueAt(n, k);
        if (v == AvlNode.OUT_OF_LINE) {
            long block = pm.getLong(at);
            return FreshBlocks.contains(rt.current(), block) ? freshValue(block) : OutOfLineValues.loadBytes(rt, block);
        }
        byte[] out = new byte[v];
        pm.read(at, out, 0, v);
        return out;
    }

    /** An out-of-line value this thread's transaction stored (not yet marked allocated): validated by its length. */
    private byte[] freshValue(long block) {
        long size = pm.getLong(block);
        if (size < 0 || size > Codec.MAX_ENCODED_BYTES) {
            throw new PoolCorruptedException("out-of-line value at " + block + ": length " + size);
        }
        byte[] out = new byte[(int) size];
        pm.read(block + OutOfLineValues.HEADER, out, 0, out.length);
        return out;
    }
}

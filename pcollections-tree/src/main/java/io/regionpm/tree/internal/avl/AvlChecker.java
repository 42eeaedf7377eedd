package io.regionpm.tree.internal.avl;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.check.ReferenceSink;

/**
 * The pool checker's walk of one AVL tree: an iterative in-order traversal with an explicit
 * stack that reports every pointer (root, children, out-of-line values) and verifies that the
 * keys ascend strictly, that every stored height is one more than its taller child's, that no
 * node's subtrees differ in height by more than one, and that the header's count (and, for
 * SHADOW, the root's) equals the number of nodes. A tree being dropped is only walked for its
 * blocks (it is no longer balanced, and may be deeper than a live tree can be).
 *
 * <p>Thread-safety: stateless; never writes.
 */
final class AvlChecker {
    private AvlChecker() {
    }

    static void walk(PersistentMemory pm, long header, ReferenceSink sink) {
        AvlHeader.validate(pm, header, Long.MAX_VALUE);
        boolean live = !AvlTreeType.dropping(pm, header);
        long rootSlot = AvlHeader.root(header);
        long root = pm.getLong(rootSlot);
        long[] stack = new long[AvlNode.MAX_HEIGHT];
        int top = 0;
        long nodes = 0;
        long prev = 0;
        long n = sink.visit(rootSlot, root) ? root : 0;
        while (n != 0 || top > 0) {
            for (; n != 0; ) {
                if (top == stack.length) {
                    if (live) {
                        throw new PoolCorruptedException("AVL tree at " + header + " is deeper than " + AvlNode.MAX_HEIGHT);
                    }
                    stack = Arrays.copyOf(stack, stack.length * 2);
                }
                stack[top++] = n;
                long l = pm.getLong(n + AvlNode.LEFT);
                n = sink.visit(n + AvlNode.LEFT, l) ? l : 0;
            }
            n = stack[--top];
            nodes++;
            checkNode(pm, n, sink);
            if (live) {
                checkBalance(pm, n);
                if (prev != 0 && compareKeys(pm, prev, n) >= 0) {
                    throw new PoolCorruptedException("AVL tree at " + header + ": the key of node " + n
                            + " does not sort after the key of node " + prev);
                }
            }
            prev = n;
            long r = pm.getLong(n + AvlNode.RIGHT);
            n = sink.visit(n + AvlNode.RIGHT, r) ? r : 0;
        }
        if (live) {
            checkCount(pm, header, root, nodes);
        }
    }

    private static void checkNode(PersistentMemory pm, long n, ReferenceSink sink) {
        int k = AvlNode.keyLength(pm, n);
        if (AvlNode.valueLength(pm, n, k) == AvlNode.OUT_OF_LINE) {
            long at = AvlNode.valueAt(n, k);
            long block = pm.getLong(at);
            if (block == 0) {
                throw new PoolCorruptedException("AVL node at " + n + ": out-of-line value pointer is 0");
            }
            sink.visit(at, block);
        }
    }

    private static void checkBalance(PersistentMemory pm, long n) {
        int hl = AvlNode.height(pm, AvlNode.child(pm, n, AvlNode.L));
        int hr = AvlNode.height(pm, AvlNode.child(pm, n, AvlNode.R));
        int h = AvlNode.height(pm, n);
        if (h != 1 + Math.max(hl, hr)) {
            throw new PoolCorruptedException("AVL node at " + n + ": height " + h + " but subtrees of heights " + hl
                    + " and " + hr);
        }
        if (Math.abs(hl - hr) > 1) {
            throw new PoolCorruptedException("AVL node at " + n + " is out of balance: subtrees of heights " + hl
                    + " and " + hr);
        }
    }

    private static void checkCount(PersistentMemory pm, long header, long root, long nodes) {
        long count = pm.getLong(AvlHeader.count(header));
        if (count != nodes) {
            throw new PoolCorruptedException("AVL tree at " + header + ": count " + count + " but " + nodes + " nodes");
        }
        if (root != 0 && AvlHeader.strategy(pm, header) == UpdateStrategy.SHADOW && AvlNode.rootCount(pm, root) != nodes) {
            throw new PoolCorruptedException("AVL tree at " + header + ": its root counts " + AvlNode.rootCount(pm, root)
                    + " entries but has " + nodes + " nodes");
        }
    }

    /** Unsigned lexicographic order of two nodes' keys, a proper prefix first. */
    static int compareKeys(PersistentMemory pm, long a, long b) {
        int ka = AvlNode.keyLength(pm, a);
        int kb = AvlNode.keyLength(pm, b);
        MemorySegment sa = pm.readOnlySlice(a + AvlNode.KEY, ka);
        MemorySegment sb = pm.readOnlySlice(b + AvlNode.KEY, kb);
        long at = MemorySegment.mismatch(sa, 0, ka, sb, 0, kb);
        if (at < 0) {
            return 0;
        }
        if (at == ka || at == kb) {
            return Integer.compare(ka, kb);
        }
        return Integer.compare(Byte.toUnsignedInt(sa.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at)),
                Byte.toUnsignedInt(sb.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at)));
    }
}

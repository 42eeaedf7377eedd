package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.recovery.check.ReferenceSink;

/**
 * The pool checker's walk of one B+tree: reports every node and out-of-line value block of
 * the published tree, the staging tree of a bulk load and the garbage tree being freed, and
 * verifies the published tree: node headers and slots valid, keys strictly ascending in each
 * node and inside the bounds its parent's separators set, every leaf at level 0 below a
 * chain of levels decreasing by one (so all at the same depth), every non-root node at least
 * a quarter full, and the header's count equal to the entries of the leaves.
 *
 * <p>Thread-safety: stateless; recursion is bounded by {@link Node#MAX_LEVEL}.
 */
final class TreeChecker {
    private final MemorySegment mem;
    private final ReferenceSink sink;
    private final int nodeBytes;

    private TreeChecker(PersistentMemory pm, ReferenceSink sink, int nodeBytes) {
        this.mem = pm.readOnlySlice(0, pm.size());
        this.sink = sink;
        this.nodeBytes = nodeBytes;
    }

    /**
     * Walks a tree from its header.
     *
     * @param pm     the pool
     * @param header the header block, reached for the first time
     * @param sink   the checker's sink
     */
    static void walk(PersistentMemory pm, long header, ReferenceSink sink) {
        TreeHeader.validate(pm, header, Long.MAX_VALUE);
        TreeChecker c = new TreeChecker(pm, sink, TreeHeader.nodeBytes(pm, header));
        long rootAt = header + TreeHeader.ROOT_AT;
        long root = pm.getLong(rootAt);
        long entries = 0;
        if (sink.visit(rootAt, root)) {
            entries = c.node(root, -1, -1, -1, -1, -1, true, true);
            long height = pm.getLong(header + TreeHeader.HEIGHT_AT);
            if (height != Node.level(c.mem, root) + 1) {
                throw new PoolCorruptedException("B+tree header at " + header + ": height " + height + " but the root is at"
                        + " level " + Node.level(c.mem, root));
            }
        } else if (root != 0) {
            throw new PoolCorruptedException("B+tree header at " + header + ": root " + root + " is not a new block");
        }
        long count = pm.getLong(header + TreeHeader.COUNT_AT);
        if (count != entries) {
            throw new PoolCorruptedException("B+tree header at " + header + ": count " + count + " but " + entries
                    + " entries in the leaves");
        }
        long stagingAt = header + TreeHeader.STAGING_AT;
        if (sink.visit(stagingAt, pm.getLong(stagingAt))) {
            c.node(pm.getLong(stagingAt), -1, -1, -1, -1, -1, true, false);
        }
        c.garbage(pm, header);
    }

    private void garbage(PersistentMemory pm, long header) {
        long depth = pm.getLong(header + TreeHeader.DEPTH_AT);
        long garbageAt = header + TreeHeader.GARBAGE_AT;
        if (depth < 0 || depth > TreeHeader.FRAMES) {
            throw new PoolCorruptedException("B+tree header at " + header + ": garbage cursor depth " + depth);
        }
        if (pm.getLong(garbageAt) == 0) {
            return;
        }
        if (depth == 0) {
            if (sink.visit(garbageAt, pm.getLong(garbageAt))) {
                node(pm.getLong(garbageAt), -1, -1, -1, -1, -1, true, false);
            }
            return;
        }
        for (int f = 0; f < depth; f++) {
            long at = TreeHeader.frameNode(header, f);
            long node = pm.getLong(at);
            if (!sink.visit(at, node)) {
                continue;
            }
            int n = Node.checkHeader(mem, node, nodeBytes, -1);
            int level = Node.level(mem, node);
            if (level == 0) {
                leafBlocks(node, n);
                continue;
            }
            for (long j = pm.getLong(TreeHeader.frameNext(header, f)); j <= n; j++) {
                long child = Node.child(mem, node, (int) j);
                if (sink.visit(childWord(node, (int) j), child)) {
                    node(child, level - 1, -1, -1, -1, -1, true, false);
                }
            }
        }
    }

    private long childWord(long node, int j) {
        return j == 0 ? node + Node.CHILD0_AT : Node.payloadAt(mem, node, j - 1);
    }

    private void leafBlocks(long leaf, int n) {
        for (int i = 0; i < n; i++) {
            Node.checkSlot(mem, leaf, i, nodeBytes);
            if (Node.valueField(mem, leaf, i) == Node.OUT_OF_LINE) {
                long at = Node.payloadAt(mem, leaf, i);
                sink.visit(at, mem.get(Node.LONG, at));
            }
        }
    }

    /**
     * Walks a subtree whose root was reached for the first time.
     *
     * @param node   the node
     * @param level  its level, or -1 for any (a root)
     * @param loNode the node holding the lower bound key (inclusive), or -1
     * @param loSlot its slot
     * @param hiNode the node holding the upper bound key (exclusive), or -1
     * @param hiSlot its slot
     * @param root   whether it is a root (no fill minimum)
     * @param verify whether to verify order and fill (the published tree)
     * @return the entries of its leaves
     */
    private long node(long node, int level, long loNode, int loSlot, long hiNode, int hiSlot, boolean root, boolean verify) {
        if (node <= 0 || node > mem.byteSize() - nodeBytes) {
            throw new PoolCorruptedException("B+tree node pointer " + node + " is outside the pool");
        }
        int n = Node.checkHeader(mem, node, nodeBytes, level);
        int lv = Node.level(mem, node);
        for (int i = 0; i < n; i++) {
            Node.checkSlot(mem, node, i, nodeBytes);
        }
        if (verify) {
            verifyOrder(node, n, loNode, loSlot, hiNode, hiSlot);
            if (!root && Node.used(mem, node, nodeBytes) < nodeBytes / 4) {
                throw new PoolCorruptedException("B+tree node at " + node + " uses " + Node.used(mem, node, nodeBytes)
                        + " of " + nodeBytes + " bytes, below the minimum of a quarter");
            }
        }
        if (lv == 0) {
            leafBlocks(node, n);
            return n;
        }
        long entries = 0;
        for (int j = 0; j <= n; j++) {
            long child = Node.child(mem, node, j);
            if (!sink.visit(childWord(node, j), child)) {
                throw new PoolCorruptedException("B+tree node at " + node + ": child " + j + " (" + child
                        + ") is not a block reached for the first time");
            }
            entries += node(child, lv - 1, j == 0 ? loNode : node, j == 0 ? loSlot : j - 1, j == n ? hiNode : node,
                    j == n ? hiSlot : j, false, verify);
        }
        return entries;
    }

    private void verifyOrder(long node, int n, long loNode, int loSlot, long hiNode, int hiSlot) {
        for (int i = 0; i < n; i++) {
            if (i > 0 && compare(node, i - 1, node, i) >= 0) {
                throw new PoolCorruptedException("B+tree node at " + node + ": keys " + (i - 1) + " and " + i
                        + " are not strictly ascending");
            }
            if (loNode >= 0 && compare(loNode, loSlot, node, i) > 0) {
                throw new PoolCorruptedException("B+tree node at " + node + ": key " + i + " is below its separator");
            }
            if (hiNode >= 0 && compare(node, i, hiNode, hiSlot) >= 0) {
                throw new PoolCorruptedException("B+tree node at " + node + ": key " + i + " is not below its separator");
            }
        }
    }

    private int compare(long a, int i, long b, int j) {
        long aAt = Node.keyAt(mem, a, i);
        long bAt = Node.keyAt(mem, b, j);
        int aLen = Node.keyLength(mem, a, i);
        int bLen = Node.keyLength(mem, b, j);
        long at = MemorySegment.mismatch(mem, aAt, aAt + aLen, mem, bAt, bAt + bLen);
        if (at < 0) {
            return 0;
        }
        if (at == aLen || at == bLen) {
            return Integer.compare(aLen, bLen);
        }
        return Integer.compare(mem.get(ValueLayout.JAVA_BYTE, aAt + at) & 0xFF, mem.get(ValueLayout.JAVA_BYTE, bAt + at) & 0xFF);
    }
}

package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;

import io.regionpm.alloc.PoolCorruptedException;

/**
 * A position in one state of a tree (one root), kept as the path from the root: the node and
 * the child index taken at each level, and the slot in the leaf. Moving to the next or
 * previous entry climbs the path and descends again, so nodes need no sibling pointers (they
 * would break path copying). Every node read is bounds-checked (pointer inside the pool,
 * header valid for its level, slot cells inside the node).
 *
 * <p>Thread-safety: confined to one thread; valid only while the state it reads is (a reader
 * epoch, a version check, or the writer lock).
 */
final class Cursor {
    private final NodeStore store;
    private final MemorySegment mem;
    private final int nodeBytes;
    private final long[] node = new long[Node.MAX_LEVEL + 2];
    private final int[] index = new int[Node.MAX_LEVEL + 2];
    private final int[] count = new int[Node.MAX_LEVEL + 2];
    private int leaf = -1;

    Cursor(NodeStore store) {
        this.store = store;
        this.mem = store.memory();
        this.nodeBytes = store.nodeBytes();
    }

    private int load(int depth, long at, int level) {
        store.checkInPool(at);
        int n = Node.checkHeader(mem, at, nodeBytes, level);
        node[depth] = at;
        count[depth] = n;
        return n;
    }

    private long childOf(int depth, int j) {
        if (j > 0) {
            Node.checkSlot(mem, node[depth], j - 1, nodeBytes);
        }
        return Node.child(mem, node[depth], j);
    }

    /**
     * Positions at the key's slot, or where it would be inserted (possibly one past the leaf's last).
     *
     * @param root  the root (not 0)
     * @param probe the key
     * @return whether the key is present
     */
    boolean seek(long root, KeyProbe probe) {
        int level = -1;
        long at = root;
        for (int d = 0; ; d++) {
            if (d > Node.MAX_LEVEL) {
                throw new PoolCorruptedException("B+tree at " + root + " is deeper than " + Node.MAX_LEVEL);
            }
            int n = load(d, at, level);
            int i = probe.search(mem, at, n, nodeBytes);
            level = Node.level(mem, at);
            if (level == 0) {
                leaf = d;
                index[d] = i >= 0 ? i : -i - 1;
                return i >= 0;
            }
            index[d] = i >= 0 ? i + 1 : -i - 1;
            at = childOf(d, index[d]);
            level--;
        }
    }

    /** Positions at the first entry (false if the tree is empty). */
    boolean first(long root) {
        descendEdge(0, root, -1, false);
        return normalizeForward();
    }

    /** Positions at the last entry (false if the tree is empty). */
    boolean last(long root) {
        descendEdge(0, root, -1, true);
        return normalizeBackward();
    }

    private void descendEdge(int from, long at, int level, boolean right) {
        for (int d = from; ; d++) {
            if (d > Node.MAX_LEVEL) {
                throw new PoolCorruptedException("B+tree at " + node[0] + " is deeper than " + Node.MAX_LEVEL);
            }
            int n = load(d, at, level);
            level = Node.level(mem, at);
            if (level == 0) {
                leaf = d;
                index[d] = right ? n - 1 : 0;
                return;
            }
            index[d] = right ? n : 0;
            at = childOf(d, index[d]);
            level--;
        }
    }

    /** Moves to the next entry; false when there is none. */
    boolean next() {
        index[leaf]++;
        return normalizeForward();
    }

    /** Moves to the previous entry; false when there is none. */
    boolean previous() {
        index[leaf]--;
        return normalizeBackward();
    }

    /** If past the leaf's end, climbs and descends to the next leaf's first entry. */
    boolean normalizeForward() {
        while (index[leaf] >= count[leaf]) {
            int d = leaf - 1;
            while (d >= 0 && index[d] >= count[d]) {
                d--;
            }
            if (d < 0) {
                return false;
            }
            index[d]++;
            descendEdge(d + 1, childOf(d, index[d]), Node.level(mem, node[d]) - 1, false);
        }
        return true;
    }

    /** If before the leaf's start, climbs and descends to the previous leaf's last entry. */
    boolean normalizeBackward() {
        while (index[leaf] < 0) {
            int d = leaf - 1;
            while (d >= 0 && index[d] <= 0) {
                d--;
            }
            if (d < 0) {
                return false;
            }
            index[d]--;
            descendEdge(d + 1, childOf(d, index[d]), Node.level(mem, node[d]) - 1, true);
        }
        return true;
    }

    /** Moves one slot back without normalizing (FLOOR/LOWER after a seek). */
    void stepBack() {
        index[leaf]--;
    }

    /** @return the current leaf's entry count (its header checked) */
    int leafCount() {
        return count[leaf];
    }

    /** @return the current slot, not validated (the caller checks the slots it reads) */
    int rawSlot() {
        return index[leaf];
    }

    /**
     * Moves to slot i of the current leaf and normalizes (i may be past its end).
     *
     * @param i       the slot
     * @param forward the direction to normalize in
     * @return whether there is an entry there
     */
    boolean moveTo(int i, boolean forward) {
        index[leaf] = i;
        return forward ? normalizeForward() : normalizeBackward();
    }

    /** @return the current leaf */
    long leafNode() {
        return node[leaf];
    }

    /** @return the current slot, validated */
    int slot() {
        Node.checkSlot(mem, node[leaf], index[leaf], nodeBytes);
        return index[leaf];
    }
}

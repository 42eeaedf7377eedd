package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;

import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.recovery.Transaction;

/**
 * The changes of a B+tree, inside a transaction that holds the tree's writer lock: insert,
 * update and delete at a leaf, then the changed node settles upwards: a node that overflows
 * splits, a non-root node that falls below a quarter of the node size merges with or takes
 * entries from a sibling, the root grows or shrinks a level. Each changed node is packed on
 * the heap ({@link NodeBuilder}) and written either into a new block (the old one retired:
 * copy-on-write) or over its own block (a block this transaction allocated, or any block in
 * a logged in-place tree: only the bytes that differ, undo-logged first). A node rewritten
 * in its own block changes nothing above it, so the copying stops there.
 *
 * <p>Thread-safety: confined to the writing thread (its {@link WriteContext}).
 */
final class TreeWriter {
    /** How a tree's published nodes change. */
    enum Mode {
        /** SHADOW: copy, publish the new root at commit, retire the old nodes (readers may still see them). */
        COPY_ON_WRITE,
        /** IN_PLACE, and trees no reader sees (bulk load staging): undo-logged writes over the node, frees at commit. */
        LOGGED_IN_PLACE
    }

    /**
     * Which tree of a header is changed and how.
     *
     * @param rootWord   its root word
     * @param countWord  its entry count word
     * @param heightWord its height word, or 0
     * @param mode       how published nodes change
     */
    record Target(long rootWord, long countWord, long heightWord, Mode mode) {
    }

    private final NodeStore store;
    private final MemorySegment mem;
    private final int nodeBytes;
    private final int minUsed;
    private final Runnable beforeInPlace;

    /**
     * @param store         the node store
     * @param beforeInPlace run before the first in-place write of a published node
     */
    TreeWriter(NodeStore store, Runnable beforeInPlace) {
        this.store = store;
        this.mem = store.memory();
        this.nodeBytes = store.nodeBytes();
        this.minUsed = nodeBytes / 4;
        this.beforeInPlace = beforeInPlace;
    }

    /** Validates a node read from the pool (a block of this transaction by its contents only). */
    private int check(WriteContext c, long node, int level) {
        return c.fresh.contains(node) ? store.checkContents(node, level) : store.checkNode(node, level);
    }

    /** @return the fewest bytes a non-root node uses */
    int minUsed() {
        return minUsed;
    }

    /**
     * Descends to the key's leaf, recording the path in the context.
     *
     * @return the leaf's depth, or -1 if the tree is empty
     */
    int descend(Transaction tx, Target t, WriteContext c, KeyProbe key) {
        long at = tx.getLong(t.rootWord());
        if (at == 0) {
            return -1;
        }
        int level = -1;
        for (int d = 0; ; d++) {
            if (d > Node.MAX_LEVEL) {
                throw new PoolCorruptedException("B+tree deeper than " + Node.MAX_LEVEL);
            }
            int n = store.checkForDescent(at, level, t.mode() == Mode.COPY_ON_WRITE || c.fresh.contains(at));
            c.path[d] = at;
            level = Node.level(mem, at);
            if (level == 0) {
                return d;
            }
            int i = key.search(mem, at, n, nodeBytes);
            int j = i >= 0 ? i + 1 : -i - 1;
            if (j > 0) {
                Node.checkSlot(mem, at, j - 1, nodeBytes);
            }
            c.index[d] = j;
            at = Node.child(mem, at, j);
            level--;
        }
    }

    /** Validates every slot of the path's nodes (before a repack reads them all). */
    private void checkPath(WriteContext c, int leaf) {
        for (int d = 0; d <= leaf; d++) {
            store.checkSlots(c.path[d]);
        }
    }

    /**
     * Where an edit of a node goes: the node itself if this transaction allocated it or the
     * tree changes in place, else a new block (the caller disposes of the old one).
     */
    private long destination(Transaction tx, Target t, WriteContext c, long node) {
        if (c.fresh.contains(node) || t.mode() == Mode.LOGGED_IN_PLACE) {
            return node;
        }
        long block = tx.allocate(nodeBytes);
        c.fresh.add(block);
        return block;
    }

    private boolean logged(Target t, WriteContext c, long node, long dst) {
        return dst == node && t.mode() == Mode.LOGGED_IN_PLACE && !c.fresh.contains(node);
    }

    /**
     * After the node at depth d was edited into {@code edited} (itself or a copy), re-points
     * the parents up to the root: nothing above changes once a node is edited in its own block.
     */
    private void repointUp(Transaction tx, Target t, WriteContext c, int d, long edited) {
        long now = edited;
        for (int at = d; ; at--) {
            long old = c.path[at];
            if (now == old) {
                return;
            }
            dispose(tx, t, c, old);
            if (at == 0) {
                tx.setLong(t.rootWord(), now);
                return;
            }
            long parent = c.path[at - 1];
            long dst = destination(tx, t, c, parent);
            c.editor.repoint(tx, parent, dst, logged(t, c, parent, dst), beforeInPlace, c.index[at - 1], now);
            now = dst;
        }
    }

    /** Inserts or replaces in the leaf without repacking, if the node's gap allows; @return whether done */
    private boolean putFast(Transaction tx, Target t, WriteContext c, int leaf, int i, KeyProbe key, int field,
                            MemorySegment pay, long pointer) {
        long node = c.path[leaf];
        int n = Node.count(mem, node);
        NodeEditor e = c.editor;
        int gap = e.gap(node, n);
        long dst;
        if (i >= 0) {
            boolean same = e.fitsInPlace(node, i, field);
            int k = Node.keyLength(mem, node, i);
            if (!same && (gap < Node.cellBytes(k, field) || leaf > 0 && shrinksBelowMinimum(node, i, k, field))) {
                return false;
            }
            dst = destination(tx, t, c, node);
            e.replace(tx, node, dst, logged(t, c, node, dst), beforeInPlace, i, field, pay, pointer);
        } else {
            if (gap < Node.SLOT + Node.cellBytes(key.length(), field)) {
                return false;
            }
            dst = destination(tx, t, c, node);
            e.insert(tx, node, dst, logged(t, c, node, dst), beforeInPlace, -i - 1, key, field, pay, pointer);
        }
        repointUp(tx, t, c, leaf, dst);
        return true;
    }

    /** @return whether replacing slot i's value by one of {@code field} leaves the node below the minimum */
    private boolean shrinksBelowMinimum(long node, int i, int k, int field) {
        int shrink = Node.cellBytes(k, Node.valueField(mem, node, i)) - Node.cellBytes(k, field);
        return shrink > 0 && Node.used(mem, node, nodeBytes) - shrink < minUsed;
    }

    /**
     * Puts an entry whose payload is described by {@code field} and either bytes or a pointer.
     *
     * @param tx      the transaction
     * @param t       the tree
     * @param c       the context
     * @param key     the key
     * @param field   the value field (inline length or {@link Node#OUT_OF_LINE})
     * @param pay     the inline bytes' segment (null for out of line)
     * @param pointer the out-of-line block
     * @param old     receives the old slot before it goes (null: nothing to report)
     * @return whether the key was new
     */
    boolean put(Transaction tx, Target t, WriteContext c, KeyProbe key, int field, MemorySegment pay, long pointer,
                OldEntry old) {
        NodeBuilder b = c.builder;
        int leaf = descend(tx, t, c, key);
        b.reset();
        if (leaf < 0) {
            addNew(b, key, field, pay, pointer);
            b.pack(0, 0, NodeBuilder.Split.BALANCED);
            long node = store.writeNew(tx, b.outSegment(0), b.out(0));
            c.fresh.add(node);
            tx.setLong(t.rootWord(), node);
            setHeight(tx, t, 1);
            addCount(tx, t, 1);
            return true;
        }
        long node = c.path[leaf];
        int n = Node.count(mem, node);
        int i = key.search(mem, node, n, nodeBytes);
        if (i >= 0) {
            Node.checkSlot(mem, node, i, nodeBytes);
            old.accept(mem, node, i);
        }
        if (putFast(tx, t, c, leaf, i, key, field, pay, pointer)) {
            if (i < 0) {
                addCount(tx, t, 1);
            }
            return i < 0;
        }
        checkPath(c, leaf);
        if (i >= 0) {
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    addNew(b, key, field, pay, pointer);
                } else {
                    b.addSlot(mem, node, j);
                }
            }
        } else {
            int at = -i - 1;
            for (int j = 0; j <= n; j++) {
                if (j == at) {
                    addNew(b, key, field, pay, pointer);
                }
                if (j < n) {
                    b.addSlot(mem, node, j);
                }
            }
            addCount(tx, t, 1);
        }
        NodeBuilder.Split split = i < 0 && -i - 1 == n && rightmost(c, leaf) ? NodeBuilder.Split.APPEND
                : NodeBuilder.Split.BALANCED;
        settle(tx, t, c, leaf, b.pack(0, 0, split), split);
        return i < 0;
    }

    /**
     * Appends a new last child (a node of the level below the spine's) to a tree being bulk
     * loaded, whose keys are all below {@code sep}.
     *
     * @param tx    the transaction
     * @param t     the tree
     * @param c     the context
     * @param child the new child
     * @param sep   its first key
     */
    void appendChild(Transaction tx, Target t, WriteContext c, long child, KeyProbe sep) {
        NodeBuilder b = c.builder;
        long at = tx.getLong(t.rootWord());
        if (at == 0) {
            tx.setLong(t.rootWord(), child);
            return;
        }
        int childLevel = Node.level(mem, child);
        check(c, at, -1);
        if (Node.level(mem, at) == childLevel) {
            b.reset();
            b.addKeyWithPointer(sep.segment(), 0, sep.length(), 8, child);
            b.pack(childLevel + 1, at, NodeBuilder.Split.FILL);
            tx.setLong(t.rootWord(), placeNew(tx, c, 0));
            return;
        }
        int d = 0;
        for (; ; d++) {
            int n = check(c, at, -1);
            c.path[d] = at;
            if (Node.level(mem, at) == childLevel + 1) {
                break;
            }
            if (Node.level(mem, at) <= childLevel || d >= Node.MAX_LEVEL) {
                throw new PoolCorruptedException("B+tree staging spine at " + at + " has no level " + (childLevel + 1));
            }
            c.index[d] = n;
            at = Node.child(mem, at, n);
        }
        int n = Node.count(mem, at);
        b.reset();
        for (int j = 0; j < n; j++) {
            b.addSlot(mem, at, j);
        }
        b.addKeyWithPointer(sep.segment(), 0, sep.length(), 8, child);
        settle(tx, t, c, d, b.pack(childLevel + 1, Node.child(mem, at, 0), NodeBuilder.Split.FILL), NodeBuilder.Split.FILL);
    }

    /**
     * Fixes the deepest underfull node of the right spine (a bulk load's last nodes).
     *
     * @return whether there was one
     */
    boolean fixRightSpine(Transaction tx, Target t, WriteContext c) {
        long at = tx.getLong(t.rootWord());
        if (at == 0) {
            return false;
        }
        int deepest = -1;
        for (int d = 0; ; d++) {
            int n = check(c, at, -1);
            c.path[d] = at;
            if (d > 0 && Node.used(mem, at, nodeBytes) < minUsed) {
                deepest = d;
            }
            if (Node.level(mem, at) == 0 || d >= Node.MAX_LEVEL) {
                break;
            }
            c.index[d] = n;
            at = Node.child(mem, at, n);
        }
        if (deepest < 0) {
            return false;
        }
        long node = c.path[deepest];
        NodeBuilder b = c.builder;
        b.reset();
        int n = Node.count(mem, node);
        for (int j = 0; j < n; j++) {
            b.addSlot(mem, node, j);
        }
        int level = Node.level(mem, node);
        settle(tx, t, c, deepest, b.pack(level, level == 0 ? 0 : Node.child(mem, node, 0), NodeBuilder.Split.BALANCED),
                NodeBuilder.Split.BALANCED);
        return true;
    }

    private boolean rightmost(WriteContext c, int leaf) {
        for (int d = 0; d < leaf; d++) {
            if (c.index[d] != Node.count(mem, c.path[d])) {
                return false;
            }
        }
        return true;
    }

    private static void addNew(NodeBuilder b, KeyProbe key, int field, MemorySegment pay, long pointer) {
        if (pay == null) {
            b.addKeyWithPointer(key.segment(), 0, key.length(), field, pointer);
        } else {
            b.add(key.segment(), 0, key.length(), pay, 0, field);
        }
    }

    /**
     * Removes a key.
     *
     * @return whether it was present
     */
    boolean remove(Transaction tx, Target t, WriteContext c, KeyProbe key, OldEntry old) {
        int leaf = descend(tx, t, c, key);
        if (leaf < 0) {
            return false;
        }
        long node = c.path[leaf];
        int n = Node.count(mem, node);
        int i = key.search(mem, node, n, nodeBytes);
        if (i < 0) {
            return false;
        }
        Node.checkSlot(mem, node, i, nodeBytes);
        old.accept(mem, node, i);
        addCount(tx, t, -1);
        if (n > 1 && (leaf == 0 || Node.used(mem, node, nodeBytes) - Node.SLOT
                - Node.cellBytes(Node.keyLength(mem, node, i), Node.valueField(mem, node, i)) >= minUsed)) {
            long dst = destination(tx, t, c, node);
            c.editor.remove(tx, node, dst, logged(t, c, node, dst), beforeInPlace, i);
            repointUp(tx, t, c, leaf, dst);
            return true;
        }
        checkPath(c, leaf);
        NodeBuilder b = c.builder;
        b.reset();
        for (int j = 0; j < n; j++) {
            if (j != i) {
                b.addSlot(mem, node, j);
            }
        }
        settle(tx, t, c, leaf, b.pack(0, 0, NodeBuilder.Split.BALANCED), NodeBuilder.Split.BALANCED);
        return true;
    }

    /**
     * Writes the builder's packed replacement of the node at depth {@code d} of the path, then
     * settles each level above (parents re-pointed, splits, merges) up to the root.
     */
    void settle(Transaction tx, Target t, WriteContext c, int d, int packed, NodeBuilder.Split split) {
        NodeBuilder b = c.builder;
        int k = packed;
        while (true) {
            long old = c.path[d];
            int level = Node.level(b.outSegment(0), 0);
            KeyProbe sep = c.separators[d & 1];
            if (k == 2) {
                b.copyKey(b.separator(), sep);
            }
            boolean underfull = k == 1 && d > 0 && b.totalBytes() < minUsed;
            long b0 = place(tx, t, c, old, 0);
            long b1 = k == 2 ? placeNew(tx, c, 1) : 0;
            long child0 = underfull ? rebalance(tx, t, c, d, b0, level) : -1;
            if (child0 >= 0) {
                d--;
                k = b.pack(level + 1, child0, NodeBuilder.Split.BALANCED);
                continue;
            }
            if (d == 0) {
                setRoot(tx, t, c, b0, k, sep, b1, level);
                return;
            }
            if (k == 1 && b0 == old) {
                return;
            }
            d--;
            int a = c.index[d];
            long parent = c.path[d];
            int n = Node.count(mem, parent);
            b.reset();
            replaceChildren(b, parent, n, a, 1, b0, k == 2 ? sep : null, b1);
            k = b.pack(level + 1, a == 0 ? b0 : Node.child(mem, parent, 0), split);
        }
    }

    /**
     * Merges the underfull node b0 at depth d with a sibling, or moves entries between them,
     * and leaves the parent's new entries in the builder (not packed).
     *
     * @return the parent's new child 0, or -1 if the parent has one child only (nothing done)
     */
    private long rebalance(Transaction tx, Target t, WriteContext c, int d, long b0, int level) {
        long parent = c.path[d - 1];
        int pn = Node.count(mem, parent);
        if (pn == 0) {
            return -1;
        }
        int a = c.index[d - 1];
        int la = a > 0 ? a - 1 : 0;
        long left = a > 0 ? Node.child(mem, parent, a - 1) : b0;
        long right = a > 0 ? b0 : Node.child(mem, parent, 1);
        check(c, a > 0 ? left : right, level);
        NodeBuilder b = c.builder;
        b.reset();
        int ln = Node.count(mem, left);
        for (int j = 0; j < ln; j++) {
            b.addSlot(mem, left, j);
        }
        if (level > 0) {
            b.addSlotWithChild(mem, parent, la, Node.child(mem, right, 0));
        }
        int rn = Node.count(mem, right);
        for (int j = 0; j < rn; j++) {
            b.addSlot(mem, right, j);
        }
        int k = b.pack(level, level > 0 ? Node.child(mem, left, 0) : 0, NodeBuilder.Split.BALANCED);
        KeyProbe sep = c.separators[d & 1];
        if (k == 2) {
            b.copyKey(b.separator(), sep);
        }
        long r0 = place(tx, t, c, left, 0);
        long r1 = 0;
        if (k == 2) {
            r1 = place(tx, t, c, right, 1);
        } else {
            dispose(tx, t, c, right);
        }
        b.reset();
        replaceChildren(b, parent, pn, la, 2, r0, k == 2 ? sep : null, r1);
        return la == 0 ? r0 : Node.child(mem, parent, 0);
    }

    /**
     * Lists a parent's entries with children a .. a+c-1 replaced by b0 (and b1 after the
     * separator sep, if any).
     */
    private void replaceChildren(NodeBuilder b, long parent, int n, int a, int c, long b0, KeyProbe sep, long b1) {
        for (int j = 0; j < a - 1; j++) {
            b.addSlot(mem, parent, j);
        }
        if (a >= 1) {
            b.addSlotWithChild(mem, parent, a - 1, b0);
        }
        if (sep != null) {
            b.addKeyWithPointer(sep.segment(), 0, sep.length(), 8, b1);
        }
        for (int j = a + c - 1; j < n; j++) {
            b.addSlot(mem, parent, j);
        }
    }

    private void setRoot(Transaction tx, Target t, WriteContext c, long b0, int k, KeyProbe sep, long b1, int level) {
        long root = b0;
        if (k == 2) {
            NodeBuilder b = c.builder;
            b.reset();
            b.addKeyWithPointer(sep.segment(), 0, sep.length(), 8, b1);
            b.pack(level + 1, b0, NodeBuilder.Split.BALANCED);
            root = placeNew(tx, c, 0);
        } else {
            while (root != 0 && Node.count(mem, root) == 0) {
                long next = Node.level(mem, root) == 0 ? 0 : Node.child(mem, root, 0);
                dispose(tx, t, c, root);
                root = next;
            }
        }
        if (root != tx.getLong(t.rootWord())) {
            tx.setLong(t.rootWord(), root);
        }
        setHeight(tx, t, root == 0 ? 0 : Node.level(mem, root) + 1);
    }

    private void setHeight(Transaction tx, Target t, long height) {
        if (t.heightWord() != 0 && tx.getLong(t.heightWord()) != height) {
            tx.setLong(t.heightWord(), height);
        }
    }

    private static void addCount(Transaction tx, Target t, long delta) {
        tx.setLong(t.countWord(), tx.getLong(t.countWord()) + delta);
    }

    /** Writes packed node {@code which} over {@code old} if that may change in place, else into a new block. */
    long place(Transaction tx, Target t, WriteContext c, long old, int which) {
        NodeBuilder b = c.builder;
        if (old != 0 && c.fresh.contains(old)) {
            store.writeWhole(old, b.outSegment(which), b.out(which));
            return old;
        }
        if (old != 0 && t.mode() == Mode.LOGGED_IN_PLACE) {
            store.writeLogged(tx, old, b.outSegment(which), b.out(which), beforeInPlace);
            return old;
        }
        long fresh = placeNew(tx, c, which);
        if (old != 0) {
            dispose(tx, t, c, old);
        }
        return fresh;
    }

    private long placeNew(Transaction tx, WriteContext c, int which) {
        long node = store.writeNew(tx, c.builder.outSegment(which), c.builder.out(which));
        c.fresh.add(node);
        return node;
    }

    /** Frees a node (or value block) the tree no longer references: retired under copy-on-write. */
    void dispose(Transaction tx, Target t, WriteContext c, long block) {
        c.fresh.remove(block);
        if (t.mode() == Mode.COPY_ON_WRITE) {
            tx.retire(block);
        } else {
            tx.free(block);
        }
    }

    /** Receives the slot an operation replaces or removes, before it changes. */
    @FunctionalInterface
    interface OldEntry {
        /**
         * @param mem  the pool
         * @param leaf the leaf
         * @param slot the slot
         */
        void accept(MemorySegment mem, long leaf, int slot);
    }
}

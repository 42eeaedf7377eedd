package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.recovery.Transaction;

/**
 * The fast edits of one node that leave its structure alone (insert a slot, replace a value,
 * remove a slot, re-point a child), written straight into the pool instead of repacking the
 * node on the heap: the destination is either a new block (copy-on-write: the header and
 * slots are copied with the one slot shifted, the cell area in one piece) or the node itself
 * (a block of this transaction, or a logged in-place tree: the slots after the edit move up
 * or down in place, and only the ranges that change are undo-logged: the header's count and
 * data start, the shifted slots, the new cell). Cells are never moved: a new cell goes below
 * the data start, a removed or replaced cell stays as a hole until the node is next repacked
 * (the {@link NodeBuilder} path, taken when the gap between slots and cells is too small).
 *
 * <p>The caller validated the source node's header; every slot this class interprets is
 * checked with {@link Node#checkSlot} first. In a SYNC pool the header and slot ranges are
 * logged as one range (fewer flushes, each an msync). Thread-safety: confined to one thread (its
 * {@link WriteContext}), under the tree's writer lock.
 */
final class NodeEditor {
    private final PersistentMemory pm;
    private final MemorySegment mem;
    private final int nodeBytes;
    private final byte[] scratch;
    private final MemorySegment scratchSegment;
    private final boolean fewRanges;

    NodeEditor(NodeStore store, PersistentMemory pm, boolean fewRanges) {
        this.pm = pm;
        this.fewRanges = fewRanges;
        this.mem = store.memory();
        this.nodeBytes = store.nodeBytes();
        this.scratch = new byte[nodeBytes];
        this.scratchSegment = MemorySegment.ofArray(scratch);
    }

    /** @return the free gap between a node's slot array and its cells */
    int gap(long node, int n) {
        return Node.dataStart(mem, node) - Node.HEADER - Node.SLOT * n;
    }

    /**
     * Inserts a new slot at index {@code at} with a new cell below the data start (the caller
     * checked that {@link #gap} holds a slot and the cell).
     *
     * @param tx      the transaction
     * @param src     the node
     * @param dst     where the result goes: a new block, or {@code src} itself
     * @param logged  whether {@code dst == src} is a published node (undo-log first)
     * @param before  run before the first in-place write of a published node
     * @param at      the insertion index
     * @param key     the key
     * @param field   the value field (inline length or {@link Node#OUT_OF_LINE})
     * @param pay     the inline value bytes (null: {@code pointer})
     * @param pointer the out-of-line block
     */
    void insert(Transaction tx, long src, long dst, boolean logged, Runnable before, int at, KeyProbe key, int field,
                MemorySegment pay, long pointer) {
        int n = Node.count(mem, src);
        int data = Node.dataStart(mem, src);
        int k = key.length();
        int cb = Node.cellBytes(k, field);
        int cell = data - cb;
        if (src != dst) {
            pm.copy(src, dst, Node.HEADER + (long) Node.SLOT * at);
            pm.copy(Node.slot(src, at), Node.slot(dst, at + 1), (long) Node.SLOT * (n - at));
            pm.copy(src + data, dst + data, nodeBytes - data);
        } else {
            if (logged) {
                before.run();
                snapshotHeaderAndSlots(tx, dst, at, n + 1);
                tx.snapshot(dst + cell, cb);
            }
            if (at < n) {
                pm.copy(Node.slot(src, at), Node.slot(dst, at + 1), (long) Node.SLOT * (n - at));
            }
        }
        int len = 0;
        if (k > Node.HEAD) {
            System.arraycopy(key.bytes(), 0, scratch, 0, k);
            len = k;
        }
        len = payload(len, field, pay, pointer);
        pm.write(scratch, 0, dst + cell, len);
        writeSlot(dst, at, key.head(), cell, k, field);
        writeHeader(dst, n + 1, cell);
    }

    /**
     * Replaces slot i's payload: over the old one if it has the same size, else in a new cell
     * (the caller checked that {@link #gap} holds it; see {@link #fitsInPlace}).
     *
     * @param tx      the transaction
     * @param src     the node
     * @param dst     where the result goes
     * @param logged  whether {@code dst == src} is a published node
     * @param before  run before the first in-place write of a published node
     * @param i       the slot (checked)
     * @param field   the new value field
     * @param pay     the inline bytes (null: {@code pointer})
     * @param pointer the out-of-line block
     */
    void replace(Transaction tx, long src, long dst, boolean logged, Runnable before, int i, int field,
                 MemorySegment pay, long pointer) {
        int n = Node.count(mem, src);
        int data = Node.dataStart(mem, src);
        if (src != dst) {
            pm.copy(src, dst, Node.HEADER + (long) Node.SLOT * n);
            pm.copy(src + data, dst + data, nodeBytes - data);
        }
        int len = payload(0, field, pay, pointer);
        if (fitsInPlace(src, i, field)) {
            long at = Node.payloadAt(mem, dst, i);
            if (logged) {
                before.run();
                tx.snapshot(at, len);
            }
            pm.write(scratch, 0, at, len);
            return;
        }
        int k = Node.keyLength(mem, src, i);
        int keyBytes = k > Node.HEAD ? k : 0;
        int cell = data - keyBytes - len;
        if (logged) {
            before.run();
            tx.snapshot(dst, Node.CHILD0_AT);
            tx.snapshot(Node.slot(dst, i), Node.SLOT);
            tx.snapshot(dst + cell, keyBytes + len);
        }
        pm.write(scratch, 0, dst + cell + keyBytes, len);
        if (keyBytes > 0) {
            pm.copy(src + Node.cellOffset(mem, src, i), dst + cell, keyBytes);
        }
        writeSlot(dst, i, Node.head(mem, src, i), cell, k, field);
        writeHeader(dst, n, cell);
    }

    /** @return whether slot i's payload can be overwritten by one of {@code field} (same size and kind) */
    boolean fitsInPlace(long node, int i, int field) {
        return Node.valueField(mem, node, i) == field;
    }

    /**
     * Removes slot i (its cell stays as a hole).
     *
     * @param tx     the transaction
     * @param src    the node
     * @param dst    where the result goes
     * @param logged whether {@code dst == src} is a published node
     * @param before run before the first in-place write of a published node
     * @param i      the slot
     */
    void remove(Transaction tx, long src, long dst, boolean logged, Runnable before, int i) {
        int n = Node.count(mem, src);
        int data = Node.dataStart(mem, src);
        if (src != dst) {
            pm.copy(src, dst, Node.HEADER + (long) Node.SLOT * i);
            pm.copy(src + data, dst + data, nodeBytes - data);
        } else if (logged) {
            before.run();
            snapshotHeaderAndSlots(tx, dst, i, n);
        }
        if (i + 1 < n) {
            pm.copy(Node.slot(src, i + 1), Node.slot(dst, i), (long) Node.SLOT * (n - i - 1));
        }
        writeHeader(dst, n - 1, data);
    }

    /**
     * Re-points child j of an inner node (slot j - 1 checked by the caller).
     *
     * @param tx     the transaction
     * @param src    the node
     * @param dst    where the result goes
     * @param logged whether {@code dst == src} is a published node
     * @param before run before the first in-place write of a published node
     * @param j      the child index
     * @param child  the new child
     */
    void repoint(Transaction tx, long src, long dst, boolean logged, Runnable before, int j, long child) {
        int n = Node.count(mem, src);
        int data = Node.dataStart(mem, src);
        if (src != dst) {
            pm.copy(src, dst, Node.HEADER + (long) Node.SLOT * n);
            pm.copy(src + data, dst + data, nodeBytes - data);
        }
        long at = j == 0 ? dst + Node.CHILD0_AT : Node.payloadAt(mem, src, j - 1) - src + dst;
        if (logged) {
            before.run();
            tx.snapshot(at, 8);
        }
        scratchSegment.set(Node.LONG, 0, child);
        pm.write(scratch, 0, at, 8);
    }

    /**
     * Undo-logs a node's header words and its slots [from, to): as two ranges, or as one range
     * from the node's start when flushes are expensive (a SYNC pool: every range is a log
     * flush and a flush at commit, each an msync), at the price of logging the slots before
     * {@code from} too.
     */
    private void snapshotHeaderAndSlots(Transaction tx, long node, int from, int to) {
        if (fewRanges) {
            tx.snapshot(node, Node.HEADER + (long) Node.SLOT * to);
            return;
        }
        tx.snapshot(node, Node.CHILD0_AT);
        tx.snapshot(Node.slot(node, from), (long) Node.SLOT * (to - from));
    }

    /** Puts a payload into the scratch buffer at {@code from}; @return the end */
    private int payload(int from, int field, MemorySegment pay, long pointer) {
        if (field == Node.OUT_OF_LINE || pay == null) {
            scratchSegment.set(Node.LONG, from, pointer);
            return from + 8;
        }
        MemorySegment.copy(pay, ValueLayout.JAVA_BYTE, 0, scratch, from, field);
        return from + field;
    }

    private void writeSlot(long node, int i, long head, int cell, int k, int field) {
        scratchSegment.set(Node.HEAD_BE, 0, head);
        scratchSegment.set(Node.SHORT, Node.S_CELL, (short) cell);
        scratchSegment.set(Node.SHORT, Node.S_KLEN, (short) k);
        scratchSegment.set(Node.SHORT, Node.S_VLEN, (short) field);
        scratchSegment.set(Node.SHORT, Node.S_VLEN + 2, (short) 0);
        pm.write(scratch, 0, Node.slot(node, i), Node.SLOT);
    }

    private void writeHeader(long node, int count, int data) {
        scratchSegment.set(Node.INT, 0, count);
        scratchSegment.set(Node.INT, 4, data);
        pm.write(scratch, 0, node + Node.COUNT_AT, 8);
    }
}

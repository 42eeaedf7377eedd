package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Builds the new contents of one or two nodes on the heap from a list of entries that point
 * at their bytes (in nodes of the pool, in heap buffers or in a probe): the whole of every
 * B+tree change (insert, update, delete, split, merge, redistribution, child replacement) is
 * "list the entries, then pack them". Packing lays the slots out in order and the cells from
 * the end of the node down, so a change near the end of a node moves few bytes (the in-place
 * writer copies only what differs).
 *
 * <p>Thread-safety: confined to one thread (each thread has its own builder per tree).
 * Heap use: two node buffers and arrays of at most a node's worth of entries.
 */
final class NodeBuilder {
    /** Where to split an overflowing node: in the middle, or leaving the right node nearly minimal. */
    enum Split {
        /** Halves of equal size (random inserts, rebalancing). */
        BALANCED,
        /** The left node about 70% full, the right one above the minimum (ascending inserts). */
        APPEND,
        /** The left node as full as it can be (bulk loading; the right spine is fixed at the end). */
        FILL
    }

    private final int nodeBytes;
    private final int capacity;
    private final MemorySegment[] keySeg;
    private final long[] keyAt;
    private final int[] keyLen;
    private final MemorySegment[] paySeg;
    private final long[] payAt;
    private final int[] valueField;
    private final long[] pointer;
    private final boolean[] usePointer;
    private int n;
    private final byte[][] out = new byte[2][];
    private final MemorySegment[] outSeg = new MemorySegment[2];
    private int separator = -1;

    NodeBuilder(int nodeBytes) {
        this.nodeBytes = nodeBytes;
        this.capacity = 2 * ((nodeBytes - Node.HEADER) / Node.SLOT) + 4;
        keySeg = new MemorySegment[capacity];
        keyAt = new long[capacity];
        keyLen = new int[capacity];
        paySeg = new MemorySegment[capacity];
        payAt = new long[capacity];
        valueField = new int[capacity];
        pointer = new long[capacity];
        usePointer = new boolean[capacity];
        for (int i = 0; i < 2; i++) {
            out[i] = new byte[nodeBytes];
            outSeg[i] = MemorySegment.ofArray(out[i]);
        }
    }

    void reset() {
        n = 0;
        separator = -1;
    }

    int size() {
        return n;
    }

    /** Adds slot i of a node as it is (its header and slot checked by the caller). */
    void addSlot(MemorySegment s, long node, int i) {
        add(s, Node.keyAt(s, node, i), Node.keyLength(s, node, i), s, Node.payloadAt(s, node, i), Node.valueField(s, node, i));
    }

    /** Adds slot i of an inner node's key with another child. */
    void addSlotWithChild(MemorySegment s, long node, int i, long child) {
        addKeyWithPointer(s, Node.keyAt(s, node, i), Node.keyLength(s, node, i), 8, child);
    }

    /** Adds slot i's key with a new payload (bytes elsewhere). */
    void addSlotWithPayload(MemorySegment s, long node, int i, MemorySegment pay, long payOffset, int field) {
        add(s, Node.keyAt(s, node, i), Node.keyLength(s, node, i), pay, payOffset, field);
    }

    /** Adds an entry whose payload is an 8-byte pointer (a child, or an out-of-line value). */
    void addKeyWithPointer(MemorySegment s, long at, int length, int field, long ptr) {
        add(s, at, length, null, 0, field);
        pointer[n - 1] = ptr;
        usePointer[n - 1] = true;
    }

    /** Sets entry i's pointer payload (an out-of-line value stored after the entry was listed). */
    void setPointer(int i, long ptr) {
        pointer[i] = ptr;
        usePointer[i] = true;
    }

    /** Adds an entry from its parts. */
    void add(MemorySegment s, long at, int length, MemorySegment pay, long payOffset, int field) {
        keySeg[n] = s;
        keyAt[n] = at;
        keyLen[n] = length;
        paySeg[n] = pay;
        payAt[n] = payOffset;
        valueField[n] = field;
        usePointer[n] = false;
        n++;
    }

    /** @return the bytes entry i takes in a node (slot and cell) */
    int entryBytes(int i) {
        return Node.SLOT + Node.cellBytes(keyLen[i], valueField[i]);
    }

    /** @return the bytes all entries take in one node */
    int totalBytes() {
        int t = Node.HEADER;
        for (int i = 0; i < n; i++) {
            t += entryBytes(i);
        }
        return t;
    }

    /**
     * Packs the entries into one node, or two if they do not fit one.
     *
     * @param level  the nodes' level (0: leaves)
     * @param child0 an inner node's first child (for the left node)
     * @param split  where to split if needed
     * @return 1 or 2
     */
    int pack(int level, long child0, Split split) {
        int total = totalBytes();
        if (total <= nodeBytes) {
            write(0, level, child0, 0, n);
            separator = -1;
            return 1;
        }
        int m = splitPoint(level, total, split);
        separator = m;
        write(0, level, child0, 0, m);
        if (level == 0) {
            write(1, level, 0, m, n);
        } else {
            write(1, level, usePointer[m] ? pointer[m] : paySeg[m].get(Node.LONG, payAt[m]), m + 1, n);
        }
        return 2;
    }

    /**
     * The first entry of the right node (an inner split's separator, which moves up): the one
     * nearest the split's target among those that leave both nodes at least a quarter of the
     * node used (unless filling: the bulk loader fixes its right spine at the end), so that an
     * inner node's right half keeps more than its header and one long separator.
     */
    private int splitPoint(int level, int total, Split split) {
        int target = switch (split) {
            case BALANCED -> total / 2;
            case APPEND -> Math.max(total / 2, total - nodeBytes / 4 - nodeBytes / 16);
            case FILL -> nodeBytes;
        };
        int min = split == Split.FILL ? 0 : nodeBytes / 4;
        int best = -1;
        long bestScore = Long.MAX_VALUE;
        int left = Node.HEADER;
        for (int m = 1; m < n; m++) {
            left += entryBytes(m - 1);
            int right = total - left + Node.HEADER - (level == 0 ? 0 : entryBytes(m));
            long score = Math.abs(left - target) + (left < min || right < min ? (long) nodeBytes << 2 : 0);
            if (left <= nodeBytes && right <= nodeBytes && score < bestScore) {
                best = m;
                bestScore = score;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("B+tree entries of " + total + " bytes do not fit two nodes of " + nodeBytes);
        }
        return best;
    }

    /** @return the index of the entry that separates the two packed nodes (-1 if one node) */
    int separator() {
        return separator;
    }

    /** Copies entry i's key into a probe (a separator that must outlive the sources). */
    void copyKey(int i, KeyProbe into) {
        into.copyOf(keySeg[i], keyAt[i], keyLen[i]);
    }

    /** @return packed node i's bytes */
    byte[] out(int i) {
        return out[i];
    }

    /** @return packed node i's segment */
    MemorySegment outSegment(int i) {
        return outSeg[i];
    }

    private void write(int which, int level, long child0, int from, int to) {
        MemorySegment s = outSeg[which];
        int count = to - from;
        int slotEnd = Node.HEADER + Node.SLOT * count;
        s.asSlice(0, slotEnd).fill((byte) 0);
        s.set(ValueLayout.JAVA_BYTE, Node.KIND_AT, level == 0 ? Node.LEAF : Node.INNER);
        s.set(ValueLayout.JAVA_BYTE, Node.LEVEL_AT, (byte) level);
        s.set(Node.INT, Node.COUNT_AT, count);
        s.set(Node.LONG, Node.CHILD0_AT, level == 0 ? 0 : child0);
        int cell = nodeBytes;
        for (int j = 0; j < count; j++) {
            int i = from + j;
            int k = keyLen[i];
            cell -= Node.cellBytes(k, valueField[i]);
            long slot = Node.slot(0, j);
            s.set(Node.HEAD_BE, slot, KeyProbe.headOf(keySeg[i], keyAt[i], k));
            s.set(Node.SHORT, slot + Node.S_CELL, (short) cell);
            s.set(Node.SHORT, slot + Node.S_KLEN, (short) k);
            s.set(Node.SHORT, slot + Node.S_VLEN, (short) valueField[i]);
            int at = cell;
            if (k > Node.HEAD) {
                MemorySegment.copy(keySeg[i], keyAt[i], s, at, k);
                at += k;
            }
            if (usePointer[i]) {
                s.set(Node.LONG, at, pointer[i]);
            } else {
                int v = valueField[i] == Node.OUT_OF_LINE ? 8 : valueField[i];
                MemorySegment.copy(paySeg[i], payAt[i], s, at, v);
            }
        }
        s.set(Node.INT, Node.DATA_AT, cell);
    }
}

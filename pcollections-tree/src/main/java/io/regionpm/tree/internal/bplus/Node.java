package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import io.regionpm.alloc.PoolCorruptedException;

/**
 * The layout of one B+tree node (a block of N bytes, N the tree's node size) and the reads of
 * its fields, over any segment: the pool's whole read-only view (node = its pool offset) or a
 * heap buffer being edited (node = 0). The one place that defines the layout.
 *
 * <p>Node header (24 bytes), then a slot array growing up, cells growing down from N:
 * <pre>
 * | offset | size | field                                                        |
 * |      0 |    1 | kind: 1 = leaf, 2 = inner                                    |
 * |      1 |    1 | level: 0 for leaves, parent = child + 1                      |
 * |      2 |    2 | reserved (0)                                                 |
 * |      4 |    4 | count n (entries; an inner node has n + 1 children)          |
 * |      8 |    4 | data start: cells occupy [data start, N)                     |
 * |     12 |    4 | reserved (0)                                                 |
 * |     16 |    8 | inner: child 0 (the subtree below separator 0); leaf: 0      |
 * |     24 | 16 n | slots, in ascending key order                                |
 * </pre>
 * Slot (16 bytes):
 * <pre>
 * | offset | size | field                                                          |
 * |      0 |    8 | head: the key's first min(8, k) bytes, zero padded, in key order |
 * |      8 |    2 | cell offset in the node (unsigned)                             |
 * |     10 |    2 | key length k (unsigned)                                        |
 * |     12 |    2 | leaf: value length v, or 0xFFFF: out of line; inner: 8         |
 * |     14 |    2 | reserved (0)                                                   |
 * </pre>
 * Cell: the whole key if k &gt; 8 (else the head holds it: no copy), then the payload: a
 * leaf's v value bytes, or the 8-byte offset of an out-of-line value block
 * ({@code OutOfLineValues}); an inner node's child i + 1 (the subtree of keys &gt;= key i).
 * Multi-byte numbers are little-endian, except the head, whose byte order is the key's, so
 * that heads compare as unsigned big-endian longs.
 *
 * <p>Thread-safety: stateless.
 */
final class Node {
    static final int KIND_AT = 0;
    static final int LEVEL_AT = 1;
    static final int COUNT_AT = 4;
    static final int DATA_AT = 8;
    static final int CHILD0_AT = 16;
    static final int HEADER = 24;
    static final int SLOT = 16;
    static final int S_CELL = 8;
    static final int S_KLEN = 10;
    static final int S_VLEN = 12;
    static final byte LEAF = 1;
    static final byte INNER = 2;
    /** Value length meaning "out of line". */
    static final int OUT_OF_LINE = 0xFFFF;
    /** Keys of this many bytes or fewer live in the slot's head only. */
    static final int HEAD = 8;
    /** The deepest tree accepted (levels 0 .. MAX_LEVEL). */
    static final int MAX_LEVEL = 40;

    static final ValueLayout.OfLong HEAD_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Node() {
    }

    static int kind(MemorySegment s, long node) {
        return s.get(ValueLayout.JAVA_BYTE, node + KIND_AT);
    }

    static int level(MemorySegment s, long node) {
        return s.get(ValueLayout.JAVA_BYTE, node + LEVEL_AT) & 0xFF;
    }

    static int count(MemorySegment s, long node) {
        return s.get(INT, node + COUNT_AT);
    }

    static int dataStart(MemorySegment s, long node) {
        return s.get(INT, node + DATA_AT);
    }

    static long slot(long node, int i) {
        return node + HEADER + (long) SLOT * i;
    }

    static long head(MemorySegment s, long node, int i) {
        return s.get(HEAD_BE, slot(node, i));
    }

    static int cellOffset(MemorySegment s, long node, int i) {
        return s.get(SHORT, slot(node, i) + S_CELL) & 0xFFFF;
    }

    static int keyLength(MemorySegment s, long node, int i) {
        return s.get(SHORT, slot(node, i) + S_KLEN) & 0xFFFF;
    }

    static int valueField(MemorySegment s, long node, int i) {
        return s.get(SHORT, slot(node, i) + S_VLEN) & 0xFFFF;
    }

    /** @return the bytes the cell of a key of length k with a payload field v takes */
    static int cellBytes(int k, int v) {
        return (k > HEAD ? k : 0) + (v == OUT_OF_LINE ? 8 : v);
    }

    /** @return the offset (from the node) of slot i's key bytes: in the cell, or the head */
    static long keyAt(MemorySegment s, long node, int i) {
        return keyLength(s, node, i) > HEAD ? node + cellOffset(s, node, i) : slot(node, i);
    }

    /** @return the offset (from the node) of slot i's payload */
    static long payloadAt(MemorySegment s, long node, int i) {
        int k = keyLength(s, node, i);
        return node + cellOffset(s, node, i) + (k > HEAD ? k : 0);
    }

    /** @return child j (0 .. n) of an inner node */
    static long child(MemorySegment s, long node, int j) {
        return j == 0 ? s.get(LONG, node + CHILD0_AT) : s.get(LONG, payloadAt(s, node, j - 1));
    }

    /** @return the bytes of the node in use: header, slots and cells */
    static int used(MemorySegment s, long node, int nodeBytes) {
        int n = count(s, node);
        int used = HEADER + SLOT * n;
        for (int i = 0; i < n; i++) {
            used += cellBytes(keyLength(s, node, i), valueField(s, node, i));
        }
        return used;
    }

    /**
     * Validates a node's header read from the pool: kind, level, count and data start.
     *
     * @param s         the segment
     * @param node      the node
     * @param nodeBytes N
     * @param level     the level it must have, or -1 for any
     * @return its count
     * @throws PoolCorruptedException if anything is out of range
     */
    static int checkHeader(MemorySegment s, long node, int nodeBytes, int level) {
        int kind = kind(s, node);
        int lv = level(s, node);
        int n = count(s, node);
        int data = dataStart(s, node);
        if ((kind != LEAF && kind != INNER) || (kind == LEAF) != (lv == 0) || lv > MAX_LEVEL || (level >= 0 && lv != level)
                || n < 0 || n > (nodeBytes - HEADER) / SLOT || data < HEADER + SLOT * n || data > nodeBytes) {
            throw new PoolCorruptedException("B+tree node at " + node + ": kind " + kind + ", level " + lv + " (expected "
                    + level + "), count " + n + ", data start " + data + " in a node of " + nodeBytes + " bytes");
        }
        return n;
    }

    /**
     * Validates slot i of a node whose header was checked: its cell lies inside the cell area.
     *
     * @param s         the segment
     * @param node      the node
     * @param i         the slot
     * @param nodeBytes N
     * @throws PoolCorruptedException if not
     */
    static void checkSlot(MemorySegment s, long node, int i, int nodeBytes) {
        int cell = cellOffset(s, node, i);
        int k = keyLength(s, node, i);
        int v = valueField(s, node, i);
        boolean inner = kind(s, node) == INNER;
        if (cell < dataStart(s, node) || cell + cellBytes(k, v) > nodeBytes || (inner && v != 8) || k > nodeBytes) {
            throw new PoolCorruptedException("B+tree node at " + node + ": slot " + i + " has cell " + cell + ", key length "
                    + k + ", value field " + v + " outside its node of " + nodeBytes + " bytes");
        }
    }
}

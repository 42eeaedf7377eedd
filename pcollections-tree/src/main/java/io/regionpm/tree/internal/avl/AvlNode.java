package io.regionpm.tree.internal.avl;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;

/**
 * The layout of one AVL tree node: a block holding one entry and its two child pointers.
 * The one place that defines it.
 *
 * <pre>
 * | offset | size | field                                                               |
 * |      0 |    8 | left child (0: none)                                                |
 * |      8 |    8 | right child (0: none)                                               |
 * |     16 |    4 | key length k (0..{@link #MAX_KEY_BYTES})                            |
 * |     20 |    4 | value length v, or -1: the value is out of line                     |
 * |     24 |    8 | meta: height (1..64) in bits 0..7; bits 8..63: the tree's entry     |
 * |        |      | count when this node is a SHADOW tree's root (0 or stale elsewhere)  |
 * |     32 |    k | the key's order-preserving encoding, then zero padding to 8 bytes   |
 * | 32+k'  | v/8  | the value's encoding inline, or the offset of its out-of-line block |
 * |        |      | ({@link io.regionpm.core.spi.OutOfLineValues}); k' = k rounded up to 8 |
 * </pre>
 * A value is inline when the whole node stays within {@link #MAX_INLINE_NODE} bytes. Keys are
 * compared where they lie as unsigned bytes, eight at a time.
 *
 * <p>Thread-safety: stateless reads and writes of pool words; the tree's protocol (see
 * {@link AvlEngine}) gives the isolation. Reads validate what they return (lengths within
 * bounds, heights in range, pointers aligned and inside the pool) and throw
 * {@link PoolCorruptedException} otherwise.
 */
public final class AvlNode {
    /** Left child pointer. */
    public static final int LEFT = 0;
    /** Right child pointer. */
    public static final int RIGHT = 8;
    /** Key length (int). */
    public static final int KEY_LENGTH = 16;
    /** Value length or {@link #OUT_OF_LINE} (int). */
    public static final int VALUE_LENGTH = 20;
    /** Height and root count word. */
    public static final int META = 24;
    /** First key byte. */
    public static final int KEY = 32;
    /** The value length of an out-of-line value. */
    public static final int OUT_OF_LINE = -1;
    /** The longest key encoding a tree accepts. */
    public static final int MAX_KEY_BYTES = 16 * 1024;
    /** The largest node that keeps its value inline. */
    public static final int MAX_INLINE_NODE = 1024;
    /** The greatest height of a node (an AVL tree of height 64 would hold more than 2^44 entries). */
    public static final int MAX_HEIGHT = 64;
    /** Side index of the left child. */
    public static final int L = 0;
    /** Side index of the right child. */
    public static final int R = 1;

    private AvlNode() {
    }

    /** @param k a key length @return its bytes rounded up to whole words */
    static long paddedKey(int k) {
        return (long) k + 7 & -8L;
    }

    /** @param k key length @param v value length @return whether the value stays inline */
    public static boolean inline(int k, int v) {
        return KEY + paddedKey(k) + v <= MAX_INLINE_NODE;
    }

    /**
     * @param k key length
     * @param v value length or {@link #OUT_OF_LINE}
     * @return the node's size in bytes (a multiple of 8)
     */
    public static long bytes(int k, int v) {
        return KEY + paddedKey(k) + (v == OUT_OF_LINE ? 8 : (long) v + 7 & -8L);
    }

    /** @param node a node @param k its key length @return the offset of its value or out-of-line pointer */
    public static long valueAt(long node, int k) {
        return node + KEY + paddedKey(k);
    }

    /** @param node a node @param side {@link #L} or {@link #R} @return the offset of that child pointer */
    public static long childAt(long node, int side) {
        return node + 8L * side;
    }

    /**
     * @param pm   the pool
     * @param node a node
     * @param side {@link #L} or {@link #R}
     * @return that child, validated as a plausible node offset (0: none)
     */
    public static long child(PersistentMemory pm, long node, int side) {
        return checkPointer(pm, pm.getLong(childAt(node, side)), node);
    }

    /** @param pm the pool @param node a node @param side a side @param child its new child (a plain store) */
    static void setChild(PersistentMemory pm, long node, int side, long child) {
        pm.setLong(childAt(node, side), child);
    }

    /**
     * @param pm    the pool
     * @param p     a pointer read from the pool
     * @param owner where it was read (for the message)
     * @return {@code p}, if it is 0 or an aligned offset with room for a node header in the pool
     */
    public static long checkPointer(PersistentMemory pm, long p, long owner) {
        if (p != 0 && ((p & 7) != 0 || p < 0 || p > pm.size() - KEY)) {
            throw new PoolCorruptedException("AVL node at " + owner + ": child pointer " + p + " is not a node offset");
        }
        return p;
    }

    /** @param pm the pool @param node a node @return its key length, validated */
    public static int keyLength(PersistentMemory pm, long node) {
        int k = pm.getInt(node + KEY_LENGTH);
        if (k < 0 || k > MAX_KEY_BYTES) {
            throw new PoolCorruptedException("AVL node at " + node + ": key length " + k);
        }
        return k;
    }

    /**
     * @param pm   the pool
     * @param node a node
     * @param k    its key length
     * @return its value length, or {@link #OUT_OF_LINE}, validated
     */
    public static int valueLength(PersistentMemory pm, long node, int k) {
        int v = pm.getInt(node + VALUE_LENGTH);
        if (v != OUT_OF_LINE && (v < 0 || !inline(k, v))) {
            throw new PoolCorruptedException("AVL node at " + node + ": value length " + v + " with key length " + k);
        }
        return v;
    }

    /** @param pm the pool @param node a node or 0 @return its height (0 for none), validated */
    public static int height(PersistentMemory pm, long node) {
        if (node == 0) {
            return 0;
        }
        int h = (int) (pm.getLong(node + META) & 0xFF);
        if (h < 1 || h > MAX_HEIGHT) {
            throw new PoolCorruptedException("AVL node at " + node + ": height " + h);
        }
        return h;
    }

    /** @param pm the pool @param node a SHADOW tree's root @return the tree's entry count it holds */
    public static long rootCount(PersistentMemory pm, long node) {
        return pm.getLong(node + META) >>> 8;
    }

    /** @param height a height @param count a root count @return the meta word */
    static long meta(int height, long count) {
        return count << 8 | height;
    }

    /** @param pm the pool @param node a node @param height its new height (count bits kept) */
    static void setHeight(PersistentMemory pm, long node, int height) {
        long m = pm.getLong(node + META);
        pm.setLong(node + META, (m & ~0xFFL) | height);
    }

    /** @param pm the pool @param node a SHADOW root @param count the tree's entry count */
    static void setRootCount(PersistentMemory pm, long node, long count) {
        pm.setLong(node + META, meta(height(pm, node), count));
    }

    /**
     * @param pm   the pool
     * @param node a node
     * @return its size as its lengths say, validated
     */
    public static long bytesOf(PersistentMemory pm, long node) {
        int k = keyLength(pm, node);
        return bytes(k, valueLength(pm, node, k));
    }

    /**
     * Writes a new node's fields (into a block of at least {@link #bytes} bytes that nobody
     * else can see yet).
     *
     * @param pm       the pool
     * @param node     the block
     * @param key      the key's encoding
     * @param valueLen the value's length or {@link #OUT_OF_LINE}
     * @param meta     the meta word
     */
    static void format(PersistentMemory pm, long node, byte[] key, int valueLen, long meta) {
        pm.setLong(node + LEFT, 0);
        pm.setLong(node + RIGHT, 0);
        pm.setInt(node + KEY_LENGTH, key.length);
        pm.setInt(node + VALUE_LENGTH, valueLen);
        pm.setLong(node + META, meta);
        long padded = paddedKey(key.length);
        if (padded > key.length) {
            pm.setLong(node + KEY + padded - 8, 0);
        }
        pm.write(key, 0, node + KEY, key.length);
    }
}

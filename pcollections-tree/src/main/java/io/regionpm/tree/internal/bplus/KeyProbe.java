package io.regionpm.tree.internal.bplus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.regionpm.core.Codec;

/**
 * An encoded key being searched for, compared with the keys of nodes in place (no decoding,
 * no allocation): first by the 8-byte heads as unsigned longs, then, when both keys are
 * longer than 8 bytes, by the rest of their bytes. A thread reuses one probe (its buffer
 * grows to the largest key it has seen, at most a node).
 *
 * <p>Thread-safety: confined to one thread.
 */
final class KeyProbe {
    private byte[] bytes = new byte[64];
    private MemorySegment segment = MemorySegment.ofArray(bytes);
    private int length;
    private long head;

    /**
     * Encodes a key into this probe.
     *
     * @param codec the key codec
     * @param key   the key
     * @param <K>   its type
     * @return this
     */
    <K> KeyProbe set(Codec<K> codec, K key) {
        int n = codec.encodedSize(key);
        if (n > bytes.length) {
            bytes = new byte[Math.max(n, bytes.length * 2)];
            segment = MemorySegment.ofArray(bytes);
        }
        codec.encode(key, segment, 0);
        length = n;
        head = headOf(segment, 0, n);
        return this;
    }

    /**
     * Copies a key encoding (from a node or a heap buffer) into this probe.
     *
     * @param s   the segment holding it
     * @param at  its first byte
     * @param n   its length
     * @return this
     */
    KeyProbe copyOf(MemorySegment s, long at, int n) {
        if (n > bytes.length) {
            bytes = new byte[Math.max(n, bytes.length * 2)];
            segment = MemorySegment.ofArray(bytes);
        }
        MemorySegment.copy(s, at, segment, 0, n);
        length = n;
        head = headOf(segment, 0, n);
        return this;
    }

    /** @return the head of a key: its first min(8, n) bytes, zero padded, as an unsigned big-endian long */
    static long headOf(MemorySegment s, long at, int n) {
        if (n >= Node.HEAD) {
            return s.get(Node.HEAD_BE, at);
        }
        long h = 0;
        for (int i = 0; i < Node.HEAD; i++) {
            h = h << 8 | (i < n ? s.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF : 0);
        }
        return h;
    }

    int length() {
        return length;
    }

    long head() {
        return head;
    }

    MemorySegment segment() {
        return segment;
    }

    byte[] bytes() {
        return bytes;
    }

    /**
     * Compares slot i of a node with this key.
     *
     * @param s         the segment holding the node
     * @param node      the node
     * @param i         the slot (its header checked)
     * @param nodeBytes N, to bound the cell
     * @return negative, zero or positive as the slot's key sorts before, with or after this key
     */
    int compareSlot(MemorySegment s, long node, int i, int nodeBytes) {
        int c = Long.compareUnsigned(Node.head(s, node, i), head);
        if (c != 0) {
            return c;
        }
        int k = Node.keyLength(s, node, i);
        if (k <= Node.HEAD || length <= Node.HEAD) {
            return Integer.compare(k, length);
        }
        long cell = node + Node.cellOffset(s, node, i);
        if (cell + k > node + nodeBytes) {
            throw new io.regionpm.alloc.PoolCorruptedException("B+tree node at " + node + ": slot " + i + " key of " + k
                    + " bytes leaves its node");
        }
        long at = MemorySegment.mismatch(s, cell + Node.HEAD, cell + k, segment, Node.HEAD, length);
        if (at < 0) {
            return 0;
        }
        if (at == k - Node.HEAD || at == length - Node.HEAD) {
            return Integer.compare(k, length);
        }
        return Integer.compare(s.get(ValueLayout.JAVA_BYTE, cell + Node.HEAD + at) & 0xFF,
                segment.get(ValueLayout.JAVA_BYTE, Node.HEAD + at) & 0xFF);
    }

    /**
     * Binary search of a node's slots.
     *
     * @param s         the segment
     * @param node      the node (header checked)
     * @param n         its count
     * @param nodeBytes N
     * @return the slot holding this key, or -(insertion point) - 1
     */
    int search(MemorySegment s, long node, int n, int nodeBytes) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareSlot(s, node, mid, nodeBytes);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }
}

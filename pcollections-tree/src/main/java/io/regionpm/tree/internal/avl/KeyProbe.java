package io.regionpm.tree.internal.avl;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.core.Codec;

/**
 * A key's order-preserving encoding, held as big-endian 8-byte words so that it compares with
 * a node's key in place, eight unsigned bytes at a time, without decoding or copying.
 * Reusable: {@link #set} re-encodes into the same buffers (grown when needed), so the lookup
 * path allocates nothing once a thread's probes are warm ({@link #first}, {@link #second}).
 *
 * <p>Thread-safety: not thread-safe; each thread uses its own.
 */
public final class KeyProbe {
    private static final VarHandle BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final boolean NATIVE_LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<KeyProbe[]> PROBES = ThreadLocal.withInitial(() -> new KeyProbe[] {new KeyProbe(), new KeyProbe()});

    private byte[] bytes = new byte[64];
    private MemorySegment segment = MemorySegment.ofArray(bytes);
    private long[] words = new long[8];
    private int length;

    /**
     * @param codec the key codec
     * @param key   a key
     * @param <K>   its type
     * @return this thread's first probe, holding the key
     */
    public static <K> KeyProbe first(Codec<K> codec, K key) {
        return PROBES.get()[0].set(codec, key);
    }

    /**
     * @param codec the key codec
     * @param key   a key
     * @param <K>   its type
     * @return this thread's second probe (for a range's other bound), holding the key
     */
    public static <K> KeyProbe second(Codec<K> codec, K key) {
        return PROBES.get()[1].set(codec, key);
    }

    /**
     * @param encoding a key's encoding (kept, not copied)
     * @return a new probe holding it
     */
    public static KeyProbe of(byte[] encoding) {
        KeyProbe p = new KeyProbe();
        p.bytes = Arrays.copyOf(encoding, (int) AvlNode.paddedKey(encoding.length) + 8);
        p.length = encoding.length;
        p.words = new long[p.bytes.length / 8];
        p.fillWords();
        return p;
    }

    /**
     * Encodes a key into this probe.
     *
     * @param codec the key codec
     * @param key   the key
     * @param <K>   its type
     * @return this (a key longer than a tree stores is simply absent from it)
     */
    public <K> KeyProbe set(Codec<K> codec, K key) {
        int n = codec.encodedSize(key);
        if (n + 8 > bytes.length) {
            bytes = new byte[(int) AvlNode.paddedKey(n) + 8];
            segment = MemorySegment.ofArray(bytes);
            words = new long[bytes.length / 8];
        }
        codec.encode(key, segment, 0);
        Arrays.fill(bytes, n, (int) AvlNode.paddedKey(n), (byte) 0);
        length = n;
        fillWords();
        return this;
    }

    /** @param n an encoding's length @throws IllegalArgumentException if a key that long is refused */
    static void checkLength(int n) {
        if (n > AvlNode.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("an AVL tree key's encoding is at most " + AvlNode.MAX_KEY_BYTES
                    + " bytes, not " + n);
        }
    }

    private void fillWords() {
        int w = (length + 7) >>> 3;
        for (int i = 0; i < w; i++) {
            words[i] = (long) BIG_ENDIAN.get(bytes, i * 8);
        }
    }

    /** @return the encoding's length */
    public int length() {
        return length;
    }

    /** @return a copy of the encoding */
    public byte[] toBytes() {
        return Arrays.copyOf(bytes, length);
    }

    /**
     * Compares this key with a node's key where it lies (unsigned bytes, a proper prefix first).
     *
     * @param pm   the pool
     * @param node the node
     * @param k    the node's key length, validated
     * @return negative, zero or positive as this key sorts before, with or after the node's
     */
    public int compareTo(PersistentMemory pm, long node, int k) {
        int n = Math.min(k, length);
        int full = n >>> 3;
        long at = node + AvlNode.KEY;
        for (int i = 0; i < full; i++) {
            long theirs = bigEndian(pm.getLong(at + 8L * i));
            if (theirs != words[i]) {
                return Long.compareUnsigned(words[i], theirs);
            }
        }
        int rest = n & 7;
        if (rest != 0) {
            long mask = -1L << (64 - 8 * rest);
            long theirs = bigEndian(pm.getLong(at + 8L * full)) & mask;
            long mine = words[full] & mask;
            if (theirs != mine) {
                return Long.compareUnsigned(mine, theirs);
            }
        }
        return Integer.compare(length, k);
    }

    private static long bigEndian(long nativeWord) {
        return NATIVE_LITTLE ? Long.reverseBytes(nativeWord) : nativeWord;
    }
}

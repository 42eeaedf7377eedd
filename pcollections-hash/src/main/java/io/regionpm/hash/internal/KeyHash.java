package io.regionpm.hash.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The hash of a key's encoding: part of the file format (a stripe and bucket are chosen from
 * it), so it never changes. 64 bits: a multiply-xorshift over little-endian 8-byte words of
 * the encoding, finished with MurmurHash3's fmix64. The top bits choose the stripe; the low
 * 32 bits are stored in the entry and choose the bucket.
 *
 * <p>Thread-safety: stateless.
 */
public final class KeyHash {
    private static final long M = 0x9E37_79B9_7F4A_7C15L;
    private static final ValueLayout.OfLong LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private KeyHash() {
    }

    /**
     * @param bytes an encoding
     * @param length its length
     * @return its hash
     */
    public static long of(byte[] bytes, int length) {
        MemorySegment s = MemorySegment.ofArray(bytes);
        long h = length * M;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = (h ^ s.get(LE, i)) * M;
            h ^= h >>> 29;
        }
        if (i < length) {
            long tail = 0;
            for (int k = length - 1; k >= i; k--) {
                tail = tail << 8 | (bytes[k] & 0xFF);
            }
            h = (h ^ tail) * M;
            h ^= h >>> 29;
        }
        return fmix64(h);
    }

    /** @param key a long key of {@code PersistentLongLongHashMap} @return its hash */
    public static long ofLong(long key) {
        return fmix64(key * M ^ 0x5851_F42D_4C95_7F2DL);
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xFF51_AFD7_ED55_8CCDL;
        k ^= k >>> 33;
        k *= 0xC4CE_B9FE_1A85_EC53L;
        k ^= k >>> 33;
        return k;
    }
}

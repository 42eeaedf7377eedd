package io.regionpm.recovery.log;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 64-bit checksum of log records and log headers: xxHash64's round and avalanche over
 * 64-bit words, with four independent lanes for the bulk of the input (the lanes let the CPU
 * overlap the multiplications).
 *
 * <p>Every step is a bijection of the state for a fixed input word and of the input word for
 * a fixed state, and the final merge and avalanche are bijections too. So two inputs of the
 * same length that differ in exactly one word (any number of flipped bits in it) always have
 * different checksums; other damage goes unnoticed with probability 2<sup>-64</sup>.
 *
 * <p>Also the framing checksum of the collection logs ({@code PersistentLog}): one checksum
 * for every log record in the pool.
 *
 * <p>Thread-safety: stateless.
 */
public final class Checksum64 {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private Checksum64() {
    }

    /**
     * @param seed  mixed in first (a record's position, so that a record copied to another
     *              place does not verify there)
     * @param first the first input word (a record's header)
     * @param words the rest of the input
     * @param from  index of its first word
     * @param count its length
     * @return the checksum
     */
    public static long of(long seed, long first, long[] words, int from, int count) {
        int i = from;
        int end = from + count;
        long h;
        if (count >= 4) {
            long a1 = seed + P1 + P2;
            long a2 = seed + P2;
            long a3 = seed;
            long a4 = seed - P1;
            for (; i <= end - 4; i += 4) {
                a1 = round(a1, words[i]);
                a2 = round(a2, words[i + 1]);
                a3 = round(a3, words[i + 2]);
                a4 = round(a4, words[i + 3]);
            }
            h = Long.rotateLeft(a1, 1) + Long.rotateLeft(a2, 7) + Long.rotateLeft(a3, 12) + Long.rotateLeft(a4, 18);
        } else {
            h = seed + P5;
        }
        h = round(h, first);
        for (; i < end; i++) {
            h = round(h, words[i]);
        }
        return avalanche(h);
    }

    /**
     * The checksum of a header word and a byte range taken as little-endian 64-bit words, the
     * last one zero-padded: equal to {@link #of(long, long, long[], int, int)} over those words.
     *
     * @param seed   mixed in first (a record's position)
     * @param first  the first input word (a record's header)
     * @param data   where the bytes are (a pool or heap segment)
     * @param offset first byte in {@code data}
     * @param length bytes, non-negative
     * @return the checksum
     */
    public static long of(long seed, long first, MemorySegment data, long offset, long length) {
        long words = (length + 7) >>> 3;
        long full = length >>> 3;
        long i = 0;
        long h;
        if (words >= 4) {
            long a1 = seed + P1 + P2;
            long a2 = seed + P2;
            long a3 = seed;
            long a4 = seed - P1;
            for (; i <= words - 4; i += 4) {
                a1 = round(a1, word(data, offset, i, full, length));
                a2 = round(a2, word(data, offset, i + 1, full, length));
                a3 = round(a3, word(data, offset, i + 2, full, length));
                a4 = round(a4, word(data, offset, i + 3, full, length));
            }
            h = Long.rotateLeft(a1, 1) + Long.rotateLeft(a2, 7) + Long.rotateLeft(a3, 12) + Long.rotateLeft(a4, 18);
        } else {
            h = seed + P5;
        }
        h = round(h, first);
        for (; i < words; i++) {
            h = round(h, word(data, offset, i, full, length));
        }
        return avalanche(h);
    }

    private static long word(MemorySegment data, long offset, long i, long full, long length) {
        if (i < full) {
            return data.get(WORD, offset + 8 * i);
        }
        long w = 0;
        for (long b = 8 * i; b < length; b++) {
            w |= (data.get(ValueLayout.JAVA_BYTE, offset + b) & 0xFFL) << (8 * (b - 8 * i));
        }
        return w;
    }

    private static long round(long acc, long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}

package io.regionpm.alloc.internal;

import io.regionpm.alloc.PoolGeometry;

/**
 * The small-block size classes: 16 to 64 bytes in steps of 8, then four classes per power
 * of two (spacing at most 25% from 32 bytes on) up to 16 KiB. Every class is a multiple of
 * 8, so every block is 8-byte aligned. Requests above {@link #MAX_SMALL} take whole
 * superblocks.
 *
 * <p>Thread-safety: immutable.
 */
public final class SizeClasses {
    /** Largest small block. */
    public static final int MAX_SMALL = 16384;
    private static final int[] SIZES = sizes();
    private static final byte[] BY_EIGHTHS = lookup();

    private SizeClasses() {
    }

    /** @return how many classes there are */
    public static int count() {
        return SIZES.length;
    }

    /**
     * @param bytes a request, 1 to {@link #MAX_SMALL}
     * @return the smallest class that holds it
     */
    public static int classOf(long bytes) {
        return BY_EIGHTHS[(int) ((bytes + 7) >>> 3)];
    }

    /** @param cls a class @return its block size */
    public static int size(int cls) {
        return SIZES[cls];
    }

    /** @param cls a class @return blocks in one superblock of it */
    public static int blocks(int cls) {
        return PoolGeometry.SUPERBLOCK_BYTES / SIZES[cls];
    }

    /** @param cls a class @return 64-bit bitmap words in use for it */
    public static int words(int cls) {
        return (blocks(cls) + 63) >>> 6;
    }

    private static int[] sizes() {
        int[] out = new int[64];
        int n = 0;
        for (int s = 16; s <= 64; s += 8) {
            out[n++] = s;
        }
        for (int base = 64; base < MAX_SMALL; base <<= 1) {
            for (int q = 1; q <= 4; q++) {
                out[n++] = base + q * (base / 4);
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static byte[] lookup() {
        byte[] t = new byte[MAX_SMALL / 8 + 1];
        int cls = 0;
        for (int e = 0; e < t.length; e++) {
            while (SIZES[cls] < e * 8) {
                cls++;
            }
            t[e] = (byte) cls;
        }
        return t;
    }
}

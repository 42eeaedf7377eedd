package io.regionpm.bench;

import java.util.SplittableRandom;

/**
 * The key generation the map benchmarks share (hash and tree): distinct 64-bit keys from a
 * bijective mix of 0..n-1, their 16-character hex form for string keys, and random
 * permutations for the order in which gets, updates and removes visit them.
 *
 * <p>Thread-safety: stateless.
 */
public final class BenchKeys {
    /** Characters of a string key. */
    public static final int KEY_CHARS = 16;

    private BenchKeys() {
    }

    /**
     * @param n how many
     * @param r the randomness
     * @return a random permutation of 0..n-1
     */
    public static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * @param x an index
     * @return the SplitMix64 finalizer of {@code x}: a bijection, so distinct inputs give distinct keys
     */
    public static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @param v a number
     * @return {@code v} as {@value #KEY_CHARS} lower-case hex digits
     */
    public static String hex16(long v) {
        char[] c = new char[KEY_CHARS];
        for (int i = c.length - 1; i >= 0; i--) {
            c[i] = Character.forDigit((int) (v & 15), 16);
            v >>>= 4;
        }
        return new String(c);
    }
}

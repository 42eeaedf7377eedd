package io.regionpm.bench.tree;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.openjdk.jmh.infra.Blackhole;

import static io.regionpm.bench.BenchKeys.hex16;
import static io.regionpm.bench.BenchKeys.mix;
import static io.regionpm.bench.BenchKeys.permutation;

/**
 * The keys, values and scan start keys of one trial of {@link SortedMapBenchmark}, built before
 * timing. The i-th key loaded is {@code mix(i)} (A) or its 16 hex digits (B; hex of a fixed
 * width sorts as the unsigned number, which is how the start keys of B's scans are found
 * without sorting strings).
 */
final class Keys {
    /** A sink for the untimed checks. */
    static final Blackhole SINK = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    private static final int VALUE_POOL = 16;

    /** Keys in load order, and the same keys in probe order (A). */
    final long[] longKeys;
    final long[] longProbe;
    /** Keys in load order, and in probe order (B). */
    final String[] strKeys;
    final String[] strProbe;
    /** Start keys of the scans (A or B). */
    final long[] longScanFrom;
    final String[] strScanFrom;
    /** The raw keys (A: signed order; B: unsigned order, the order of their hex), sorted. */
    private final long[] sorted;
    private final long[] raw;
    /** 100-byte values, each different (B). */
    private final byte[][] values;

    /**
     * @param n     entries
     * @param longs workload A (else B)
     * @param scans how many scan start keys to make (0: none)
     */
    Keys(int n, boolean longs, int scans) {
        int[] perm = permutation(n, new SplittableRandom(42));
        raw = new long[n];
        for (int i = 0; i < n; i++) {
            raw[i] = mix(i);
        }
        sorted = sorted(raw, !longs);
        int[] ranks = new SplittableRandom(11).ints(scans, 0, Math.max(1, n - SortedMapBenchmark.SCAN_LENGTH + 1))
                .toArray();
        if (longs) {
            longKeys = raw;
            longProbe = new long[n];
            for (int i = 0; i < n; i++) {
                longProbe[i] = raw[perm[i]];
            }
            longScanFrom = new long[scans];
            for (int s = 0; s < scans; s++) {
                longScanFrom[s] = sorted[ranks[s]];
            }
            strKeys = strProbe = strScanFrom = null;
            values = null;
        } else {
            strKeys = new String[n];
            strProbe = new String[n];
            for (int i = 0; i < n; i++) {
                strKeys[i] = hex16(raw[i]);
            }
            for (int i = 0; i < n; i++) {
                strProbe[i] = strKeys[perm[i]];
            }
            strScanFrom = new String[scans];
            for (int s = 0; s < scans; s++) {
                strScanFrom[s] = hex16(sorted[ranks[s]]);
            }
            longKeys = longProbe = longScanFrom = null;
            SplittableRandom r = new SplittableRandom(7);
            values = new byte[VALUE_POOL][];
            for (int v = 0; v < VALUE_POOL; v++) {
                values[v] = new byte[TreeKind.VALUE_BYTES];
                r.nextBytes(values[v]);
            }
        }
    }

    /** @param i a load index (or any counter) @return B's value for it */
    byte[] value(int i) {
        return values[i & (VALUE_POOL - 1)];
    }

    /** @param rank 0..n-1 @return A's key of that rank */
    long sortedLong(int rank) {
        return sorted[rank];
    }

    /** @param rank 0..n-1 @return B's key of that rank */
    String sortedString(int rank) {
        return hex16(sorted[rank]);
    }

    /**
     * @param rank the first entry's rank
     * @param len  entries
     * @return what {@link TreeUnderTest.LongLong#scan} of the freshly filled A map returns from
     *         the key of that rank (value of the i-th key loaded = i)
     */
    long scanSum(int rank, int len) {
        Map<Long, Integer> index = new HashMap<>();
        for (int r = rank; r < rank + len; r++) {
            index.put(sorted[r], -1);
        }
        for (int i = 0; i < raw.length; i++) {
            index.replace(raw[i], i);
        }
        long sum = 0;
        for (Map.Entry<Long, Integer> e : index.entrySet()) {
            sum += e.getKey() * 31 + e.getValue();
        }
        return sum;
    }

    /** @return {@code raw} sorted, as signed or (flipping the sign bit around a signed sort) unsigned numbers */
    private static long[] sorted(long[] raw, boolean unsigned) {
        long flip = unsigned ? Long.MIN_VALUE : 0;
        long[] s = new long[raw.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = raw[i] ^ flip;
        }
        Arrays.sort(s);
        for (int i = 0; i < s.length; i++) {
            s[i] ^= flip;
        }
        return s;
    }
}

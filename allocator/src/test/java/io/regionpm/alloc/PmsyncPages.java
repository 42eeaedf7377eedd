package io.regionpm.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whole-page stamps for PMSYNC tests: page {@code p} at generation {@code g} holds {@code g}
 * in its first word and a value derived from (g, p, word) in each of the others, so that a
 * page that mixes two generations, or is partly zero, is recognised as torn.
 */
final class PmsyncPages {
    static final int PAGE = 4096;
    static final int WORDS = PAGE / 8;
    /** {@link #read} of a page that is neither all zero nor one whole stamp. */
    static final long TORN = -1;

    private PmsyncPages() {
    }

    private static long word(long gen, int page, int w) {
        long x = gen * 0x9E3779B97F4A7C15L + ((long) page << 16) + w;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 29) | 1;
    }

    /** Stamps a page with generation {@code gen} (positive) and flushes it. */
    static void stamp(PersistentMemory pm, int page, long gen) {
        long at = (long) page * PAGE;
        pm.setLong(at, gen);
        for (int w = 1; w < WORDS; w++) {
            pm.setLong(at + 8L * w, word(gen, page, w));
        }
        pm.flush(at, PAGE);
    }

    /** @return the page's generation, 0 if all zero, {@link #TORN} otherwise */
    static long read(PersistentMemory pm, int page) {
        return read(pm.readOnlySlice((long) page * PAGE, PAGE), page);
    }

    /**
     * @param bytes the page's 4096 bytes (of a mapped pool file, say)
     * @param page  its page number
     * @return its generation, 0 if all zero, {@link #TORN} otherwise
     */
    static long read(MemorySegment bytes, int page) {
        long gen = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        for (int w = 1; w < WORDS; w++) {
            long v = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, 8L * w);
            if (v != (gen == 0 ? 0 : word(gen, page, w))) {
                return TORN;
            }
        }
        return gen;
    }
}

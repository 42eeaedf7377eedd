package io.regionpm.recovery;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.recovery.check.BlockWalker;
import io.regionpm.recovery.check.ReferenceSink;

/**
 * A page of a lane's limbo overflow: retired blocks that did not fit in the lane's 32 limbo
 * entries while readers held them, in a chain from the lane log's overflow head (oldest) to
 * its tail (newest). Pages are allocated by the committing transaction and changed only by
 * its redo-logged writes, so a crash neither leaks nor frees early.
 *
 * <pre>
 * | offset | size | field                                                          |
 * |      0 |    8 | next (newer) page, 0 for the tail                              |
 * |      8 |    8 | count n of blocks listed, at most {@link #CAPACITY}            |
 * |     16 |    8 | tag: the reader-epoch tag of the newest block listed           |
 * |     24 |    8 | reserved, zero                                                 |
 * |     32 |  8 n | the retired blocks                                             |
 * </pre>
 *
 * <p>Thread-safety: a flyweight of static offsets; a page is used by its lane's holder only.
 */
final class LimboPage {
    /** Bytes of a page. */
    static final int BYTES = 512;
    static final long NEXT = 0, COUNT = 8, TAG = 16, RESERVED = 24, BLOCKS = 32;
    /** Blocks a page lists at most. */
    static final int CAPACITY = (int) ((BYTES - BLOCKS) / 8);

    private LimboPage() {
    }

    /** @return the offset of the word holding the {@code i}th block listed in {@code page} */
    static long block(long page, int i) {
        return page + BLOCKS + 8L * i;
    }

    /**
     * @param count a count read from a page
     * @return it, if valid
     * @throws PoolCorruptedException if it is out of range
     */
    static int checkedCount(long page, long count) {
        if (count < 0 || count > CAPACITY) {
            throw new PoolCorruptedException("limbo page at " + page + " lists " + count + " blocks (at most "
                    + CAPACITY + ")");
        }
        return (int) count;
    }

    /**
     * The checker's walker of a limbo overflow chain, from its head page: every page and every
     * block listed. Iterative.
     *
     * @return the walker
     */
    static BlockWalker walker() {
        return (PersistentMemory pm, long head, ReferenceSink sink) -> {
            for (long page = head; ; ) {
                int n = checkedCount(page, pm.getLong(page + COUNT));
                for (int i = 0; i < n; i++) {
                    sink.visit(block(page, i), pm.getLong(block(page, i)));
                }
                long next = pm.getLong(page + NEXT);
                if (next == 0 || !sink.visit(page + NEXT, next)) {
                    return;
                }
                page = next;
            }
        };
    }
}

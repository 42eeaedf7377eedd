package io.regionpm.tree.internal.bplus;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.RobustMutex;

/**
 * The flyweight of a B+tree's header block (the block its directory entry's root slot points
 * to). The one place that defines its layout.
 *
 * <pre>
 * | offset | size | field                                                              |
 * |      0 |    8 | magic "PBPTREE1" (0x5042_5054_5245_4531)                           |
 * |      8 |    4 | layout version (1)                                                 |
 * |     12 |    4 | strategy: 0 = SHADOW, 2 = IN_PLACE ({@link UpdateStrategy} ordinal) |
 * |     16 |    4 | node size N (a power of two, 256 .. 65536)                         |
 * |     20 |    4 | reserved (0)                                                       |
 * |     24 |    8 | checksum of bytes 0..23 (fixed fields)                             |
 * |     32 |   16 | the writers' {@link RobustMutex}                                   |
 * |     48 |    8 | version: even = stable, odd = a writer is changing the tree       |
 * |     56 |    8 | root node (0: empty); SHADOW publishes a new tree by this one word |
 * |     64 |    8 | height (levels; 0 when empty)                                      |
 * |     72 |    8 | entry count                                                        |
 * |     80 |    8 | staging root: the tree a bulk load is building (0: none)           |
 * |     88 |    8 | staging entry count                                                |
 * |     96 |    8 | garbage root: a detached tree being freed (clear, failed bulk load)|
 * |    104 |    8 | garbage cursor depth d (0: not started)                            |
 * |    112 |    8 | bulk loader: its registry entry + 1 (0: no load in progress)       |
 * |    120 |    8 | bulk loader: its registration's generation                         |
 * |    128 | 16 F | garbage cursor frames 0 .. d-1: node (8), next child index (8)     |
 * </pre>
 * F = {@link Node#MAX_LEVEL} + 1 frames.
 *
 * <p>Thread-safety: stateless; the mutex and version protocol of {@link BPlusEngine} give
 * the isolation.
 */
final class TreeHeader {
    static final long MAGIC = 0x5042_5054_5245_4531L;
    static final int VERSION = 1;
    static final int MAGIC_AT = 0;
    static final int LAYOUT_AT = 8;
    static final int STRATEGY_AT = 12;
    static final int NODE_BYTES_AT = 16;
    static final int CHECKSUM_AT = 24;
    static final int MUTEX_AT = 32;
    static final int VERSION_AT = 48;
    static final int ROOT_AT = 56;
    static final int HEIGHT_AT = 64;
    static final int COUNT_AT = 72;
    static final int STAGING_AT = 80;
    static final int STAGING_COUNT_AT = 88;
    static final int GARBAGE_AT = 96;
    static final int DEPTH_AT = 104;
    static final int LOADER_AT = 112;
    static final int LOADER_GENERATION_AT = 120;
    static final int FRAMES_AT = 128;
    static final int FRAMES = Node.MAX_LEVEL + 1;
    static final int BYTES = FRAMES_AT + 16 * FRAMES;
    static final int MIN_NODE = 256;
    static final int MAX_NODE = 65536;

    private TreeHeader() {
    }

    /**
     * Writes a new header into a block the caller allocated in its transaction.
     *
     * @param pm        the pool
     * @param at        the block
     * @param strategy  SHADOW or IN_PLACE
     * @param nodeBytes N
     */
    static void format(PersistentMemory pm, long at, UpdateStrategy strategy, int nodeBytes) {
        pm.fill(at, BYTES, (byte) 0);
        pm.setLong(at + MAGIC_AT, MAGIC);
        pm.setInt(at + LAYOUT_AT, VERSION);
        pm.setInt(at + STRATEGY_AT, strategy.ordinal());
        pm.setInt(at + NODE_BYTES_AT, nodeBytes);
        pm.setLong(at + CHECKSUM_AT, checksum(pm, at));
    }

    private static long checksum(PersistentMemory pm, long at) {
        long h = 0x9E37_79B9_7F4A_7C15L;
        for (int i = 0; i < CHECKSUM_AT; i += 8) {
            h = Long.rotateLeft((h ^ pm.getLong(at + i)) * 0xBF58_476D_1CE4_E5B9L, 31);
        }
        return h ^ h >>> 29;
    }

    /**
     * Validates a header read from the pool.
     *
     * @param pm     the pool
     * @param at     the header block
     * @param usable its usable size
     * @throws PoolCorruptedException if it is not a valid B+tree header
     */
    static void validate(PersistentMemory pm, long at, long usable) {
        if (usable < BYTES || pm.getLong(at + MAGIC_AT) != MAGIC) {
            throw new PoolCorruptedException("B+tree header at " + at + ": bad magic or block of " + usable + " bytes");
        }
        int n = pm.getInt(at + NODE_BYTES_AT);
        int s = pm.getInt(at + STRATEGY_AT);
        if (pm.getLong(at + CHECKSUM_AT) != checksum(pm, at) || pm.getInt(at + LAYOUT_AT) != VERSION
                || Integer.bitCount(n) != 1 || n < MIN_NODE || n > MAX_NODE
                || (s != UpdateStrategy.SHADOW.ordinal() && s != UpdateStrategy.IN_PLACE.ordinal())) {
            throw new PoolCorruptedException("B+tree header at " + at + ": bad checksum, version, node size " + n
                    + " or strategy " + s);
        }
    }

    /** @param pm the pool @param at a validated header @return N */
    static int nodeBytes(PersistentMemory pm, long at) {
        return pm.getInt(at + NODE_BYTES_AT);
    }

    /** @param pm the pool @param at a validated header @return its strategy */
    static UpdateStrategy strategy(PersistentMemory pm, long at) {
        return UpdateStrategy.values()[pm.getInt(at + STRATEGY_AT)];
    }

    /** @param at the header @param frame a cursor frame @return its node word */
    static long frameNode(long at, int frame) {
        return at + FRAMES_AT + 16L * frame;
    }

    /** @param at the header @param frame a cursor frame @return its next-child word */
    static long frameNext(long at, int frame) {
        return at + FRAMES_AT + 16L * frame + 8;
    }
}

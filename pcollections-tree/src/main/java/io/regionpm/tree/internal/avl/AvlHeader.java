package io.regionpm.tree.internal.avl;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.core.UpdateStrategy;
import io.regionpm.recovery.RobustMutex;
import io.regionpm.recovery.log.Checksum64;

/**
 * The flyweight of an AVL tree's header block (the block its directory entry's root slot
 * points to). The one place that defines its layout.
 *
 * <pre>
 * | offset | size | field                                                                |
 * |      0 |    8 | magic "PAVLTREE" (0x5041_564C_5452_4545)                             |
 * |      8 |    4 | layout version (1)                                                   |
 * |     12 |    4 | kind (1: AVL tree)                                                   |
 * |     16 |    4 | strategy: 1 SHADOW, 2 IN_PLACE                                       |
 * |     20 |    4 | reserved (0)                                                         |
 * |     24 |    8 | checksum of the words at 0, 8 and 16, seeded with the header's offset |
 * |     32 |    8 | root node (0: empty); SHADOW publishes a new root by one store here   |
 * |     40 |    8 | entry count                                                          |
 * |     48 |    8 | version: even = stable, odd = an IN_PLACE writer is changing nodes   |
 * |     56 |    8 | drop state: 0 live, 1 being dropped (the tree may be unbalanced)     |
 * |     64 |   16 | the tree's writer {@link RobustMutex}                                 |
 * |     80 |   48 | reserved (0)                                                         |
 * </pre>
 *
 * <p>Thread-safety: stateless reads and writes of pool words; the writer lock and the version
 * protocol of {@link AvlEngine} give the isolation.
 */
public final class AvlHeader {
    /** "PAVLTREE". */
    public static final long MAGIC = 0x5041_564C_5452_4545L;
    /** Layout version. */
    public static final int VERSION = 1;
    /** Kind of an AVL tree. */
    public static final int KIND_AVL = 1;
    /** Header size. */
    public static final int BYTES = 128;

    static final int MAGIC_AT = 0;
    static final int VERSION_AT = 8;
    static final int KIND_AT = 12;
    static final int STRATEGY_AT = 16;
    static final int CHECKSUM_AT = 24;
    static final int ROOT_AT = 32;
    static final int COUNT_AT = 40;
    static final int SEQ_AT = 48;
    static final int DROP_AT = 56;
    static final int MUTEX_AT = 64;

    private static final int SHADOW_CODE = 1;
    private static final int IN_PLACE_CODE = 2;

    private AvlHeader() {
    }

    /**
     * Writes a new header into a block the caller allocated in its transaction.
     *
     * @param pm       the pool
     * @param at       the block ({@link #BYTES} bytes)
     * @param strategy SHADOW or IN_PLACE
     */
    public static void format(PersistentMemory pm, long at, UpdateStrategy strategy) {
        pm.fill(at, BYTES, (byte) 0);
        pm.setLong(at + MAGIC_AT, MAGIC);
        pm.setInt(at + VERSION_AT, VERSION);
        pm.setInt(at + KIND_AT, KIND_AVL);
        pm.setInt(at + STRATEGY_AT, strategy == UpdateStrategy.IN_PLACE ? IN_PLACE_CODE : SHADOW_CODE);
        pm.setLong(at + CHECKSUM_AT, checksum(pm, at));
    }

    private static long checksum(PersistentMemory pm, long at) {
        long[] words = {pm.getLong(at + VERSION_AT), pm.getLong(at + STRATEGY_AT)};
        return Checksum64.of(at, pm.getLong(at + MAGIC_AT), words, 0, 2);
    }

    /**
     * Validates a header read from the pool.
     *
     * @param pm     the pool
     * @param at     the header block
     * @param usable its usable size ({@link Long#MAX_VALUE} if unknown)
     * @throws PoolCorruptedException if it is not a valid AVL tree header
     */
    public static void validate(PersistentMemory pm, long at, long usable) {
        if (usable < BYTES || (at & 7) != 0 || pm.getLong(at + MAGIC_AT) != MAGIC) {
            throw new PoolCorruptedException("AVL tree header at " + at + ": bad magic");
        }
        if (pm.getLong(at + CHECKSUM_AT) != checksum(pm, at) || pm.getInt(at + VERSION_AT) != VERSION
                || pm.getInt(at + KIND_AT) != KIND_AVL) {
            throw new PoolCorruptedException("AVL tree header at " + at + ": bad checksum, version "
                    + pm.getInt(at + VERSION_AT) + " or kind " + pm.getInt(at + KIND_AT));
        }
        strategy(pm, at);
    }

    /** @param pm the pool @param at a validated header @return the strategy it was created with */
    public static UpdateStrategy strategy(PersistentMemory pm, long at) {
        int code = pm.getInt(at + STRATEGY_AT);
        return switch (code) {
            case SHADOW_CODE -> UpdateStrategy.SHADOW;
            case IN_PLACE_CODE -> UpdateStrategy.IN_PLACE;
            default -> throw new PoolCorruptedException("AVL tree header at " + at + ": strategy code " + code);
        };
    }

    /** @param header the header @return its root word */
    public static long root(long header) {
        return header + ROOT_AT;
    }

    /** @param header the header @return its count word */
    public static long count(long header) {
        return header + COUNT_AT;
    }

    /** @param header the header @return its version word */
    public static long version(long header) {
        return header + SEQ_AT;
    }

    /** @param header the header @return its drop state word */
    public static long dropState(long header) {
        return header + DROP_AT;
    }

    /** @param header the header @return its writer mutex */
    public static long mutex(long header) {
        return header + MUTEX_AT;
    }
}

package io.regionpm.log.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;

/**
 * The flyweight of a log's header block (the block its directory entry's root slot points to):
 * the one place that defines its layout.
 *
 * <pre>
 * | offset      | size | field                                                          |
 * |           0 |    8 | magic "PLOGHEAD" (0x504C_4F47_4845_4144)                       |
 * |           8 |    4 | layout version (1)                                             |
 * |          12 |    4 | segment shift: a segment holds 2^shift bytes (16..30)          |
 * |          16 |    4 | ring slots R (a power of two, 1..65536)                        |
 * |          20 |    4 | lane slots L (the pool's lane count)                           |
 * |          24 |    8 | head: position of the first record kept (transactional)        |
 * |          32 |   16 | reserved (0)                                                   |
 * |          48 |   16 | the segment mutex ({@code RobustMutex}): segment allocation,   |
 * |             |      | truncation                                                     |
 * |          64 |    8 | tail: the next position to reserve (CAS by appenders)          |
 * |          72 |   56 | reserved (0): the tail has its cache line to itself            |
 * |         128 |    4 | notify: bumped by every append (readers futex-wait on it)      |
 * |         132 |    4 | waiters: readers sleeping on notify                            |
 * |         136 |   56 | reserved (0)                                                   |
 * |         192 |  8*R | ring: segment k's block at slot k mod R (0: not allocated)     |
 * | 192 + 8*R   | 32*L | append slots, one per lane: see below                          |
 * </pre>
 *
 * <p>Append slot (written only by the process that holds the lane while it appends):
 * <pre>
 * | offset | size | field                                                                |
 * |      0 |    8 | announced position + 1 (0: idle); written last, with release         |
 * |      8 |    8 | extent: bytes reserved from that position (filler SKIP included)     |
 * |     16 |    8 | the appender's registry entry                                        |
 * |     24 |    8 | the appender's registry generation                                   |
 * </pre>
 *
 * <p>Positions are byte offsets in the log's unbounded address space: position p lives in
 * segment {@code p >>> shift} at offset {@code p & (2^shift - 1)} of its block.
 *
 * <p>Thread-safety: stateless reads and writes of pool words.
 */
public final class LogHeader {
    /** "PLOGHEAD". */
    public static final long MAGIC = 0x504C_4F47_4845_4144L;
    /** Layout version. */
    public static final int VERSION = 1;
    /** Bytes of one append slot. */
    public static final int SLOT_BYTES = 32;

    static final int MAGIC_AT = 0;
    static final int VERSION_AT = 8;
    static final int SHIFT_AT = 12;
    static final int RING_AT = 16;
    static final int LANES_AT = 20;
    static final int HEAD_AT = 24;
    static final int MUTEX_AT = 48;
    static final int TAIL_AT = 64;
    static final int NOTIFY_AT = 128;
    static final int WAITERS_AT = 132;
    static final int RING_SLOTS_AT = 192;

    static final int SLOT_POSITION = 0;
    static final int SLOT_EXTENT = 8;
    static final int SLOT_ENTRY = 16;
    static final int SLOT_GENERATION = 24;

    private LogHeader() {
    }

    /** @param ring R @param lanes L @return the header block's size */
    public static long bytes(int ring, int lanes) {
        return RING_SLOTS_AT + 8L * ring + (long) SLOT_BYTES * lanes;
    }

    /**
     * Writes a new header (into a block the caller allocated in its transaction).
     *
     * @param pm    the pool
     * @param at    the block
     * @param shift segment shift
     * @param ring  R
     * @param lanes L
     */
    public static void format(PersistentMemory pm, long at, int shift, int ring, int lanes) {
        pm.fill(at, bytes(ring, lanes), (byte) 0);
        pm.setLong(at + MAGIC_AT, MAGIC);
        pm.setInt(at + VERSION_AT, VERSION);
        pm.setInt(at + SHIFT_AT, shift);
        pm.setInt(at + RING_AT, ring);
        pm.setInt(at + LANES_AT, lanes);
    }

    /**
     * Validates a header read from the pool.
     *
     * @param pm     the pool
     * @param at     the header block
     * @param usable its usable size
     * @throws PoolCorruptedException if it is not a valid log header
     */
    public static void validate(PersistentMemory pm, long at, long usable) {
        if (usable < RING_SLOTS_AT || pm.getLong(at + MAGIC_AT) != MAGIC) {
            throw new PoolCorruptedException("log header at " + at + ": bad magic");
        }
        int version = pm.getInt(at + VERSION_AT);
        int shift = shift(pm, at);
        int ring = ring(pm, at);
        int lanes = lanes(pm, at);
        if (version != VERSION || shift < 16 || shift > 30 || Integer.bitCount(ring) != 1 || ring > 65536
                || lanes < 1 || lanes > 65536 || bytes(ring, lanes) > usable) {
            throw new PoolCorruptedException("log header at " + at + ": version " + version + ", shift " + shift
                    + ", ring " + ring + ", lanes " + lanes);
        }
    }

    /** @param pm the pool @param h the header @return the segment shift */
    public static int shift(PersistentMemory pm, long h) {
        return pm.getInt(h + SHIFT_AT);
    }

    /** @param pm the pool @param h the header @return R */
    public static int ring(PersistentMemory pm, long h) {
        return pm.getInt(h + RING_AT);
    }

    /** @param pm the pool @param h the header @return L */
    public static int lanes(PersistentMemory pm, long h) {
        return pm.getInt(h + LANES_AT);
    }

    /** @param h the header @return the head word */
    public static long head(long h) {
        return h + HEAD_AT;
    }

    /** @param h the header @return the segment mutex */
    public static long mutex(long h) {
        return h + MUTEX_AT;
    }

    /** @param h the header @return the tail word */
    public static long tail(long h) {
        return h + TAIL_AT;
    }

    /** @param h the header @return the 4-byte notify word */
    public static long notifyWord(long h) {
        return h + NOTIFY_AT;
    }

    /** @param h the header @return the 4-byte waiter count */
    public static long waiters(long h) {
        return h + WAITERS_AT;
    }

    /** @param h the header @param i a ring index, below R @return the ring slot */
    public static long ringSlot(long h, int i) {
        return h + RING_SLOTS_AT + 8L * i;
    }

    /** @param h the header @param ring R @param lane a lane @return that lane's append slot */
    public static long appendSlot(long h, int ring, int lane) {
        return h + RING_SLOTS_AT + 8L * ring + (long) SLOT_BYTES * lane;
    }

    /** @param slot an append slot @return its announced-position word */
    public static long slotPosition(long slot) {
        return slot + SLOT_POSITION;
    }

    /** @param slot an append slot @return its extent word */
    public static long slotExtent(long slot) {
        return slot + SLOT_EXTENT;
    }

    /** @param slot an append slot @return its registry-entry word */
    public static long slotEntry(long slot) {
        return slot + SLOT_ENTRY;
    }

    /** @param slot an append slot @return its registry-generation word */
    public static long slotGeneration(long slot) {
        return slot + SLOT_GENERATION;
    }
}

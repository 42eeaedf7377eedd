package io.regionpm.alloc.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;

/**
 * One lane's 128-byte record in the lane table: its owner and its intent record, which
 * makes an allocation or a free atomic with the pointer that publishes it.
 *
 * <pre>
 * | offset | size | field                                                  |
 * |      0 |    8 | owner token (0: free; else pid and start time)         |
 * |      8 |    8 | remote-free hint (bumped by other lanes' frees)        |
 * |     16 |   48 | reserved, zero                                         |
 * |     64 |    8 | intent header: op (bits 0-7: 0 none, 1 ALLOC, 2 FREE), |
 * |        |      | sequence (bits 8-63)                                   |
 * |     72 |    8 | intent block offset                                    |
 * |     80 |    8 | intent slot offset (-1: none)                          |
 * |     88 |    8 | intent slot value                                      |
 * |     96 |   24 | reserved, zero                                         |
 * |    120 |    8 | intent check: a 64-bit hash of bytes 64..95            |
 * </pre>
 *
 * <p>An intent is valid when its op is nonzero and its check matches; a torn write (any
 * mix of old and new words) fails the check and is ignored, so one persist makes an intent
 * both complete and durable. Clearing stores 0 in the header.
 *
 * <p>Thread-safety: a flyweight; the intent is written only by the lane's holder.
 */
public final class LaneRecord {
    static final long OWNER = 0, REMOTE_FREES = 8, INTENT = 64, BLOCK = 72, SLOT = 80, VALUE = 88, CHECK = 120;
    private static final long INTENT_BYTES = 64;
    /** Intent op codes. */
    public static final int NONE = 0, ALLOC = 1, FREE = 2;
    /** Slot value meaning "no slot". */
    public static final long NO_SLOT = -1;

    private final PersistentMemory pm;
    private final long at;
    private final int lane;

    /**
     * @param pm       the pool
     * @param geometry its layout
     * @param lane     the lane index
     */
    public LaneRecord(PersistentMemory pm, PoolGeometry geometry, int lane) {
        this.pm = pm;
        this.at = geometry.laneOffset(lane);
        this.lane = lane;
    }

    /**
     * Whether a slot may be named by an intent or passed to publish and free: {@link #NO_SLOT}
     * or a word {@link PoolGeometry#isSlot} accepts (data region, root area, registry, lane logs).
     *
     * @param geometry the pool's layout
     * @param slot     the slot offset
     * @return whether it is acceptable
     */
    public static boolean isValidSlot(PoolGeometry geometry, long slot) {
        return slot == NO_SLOT || slot >= 0 && slot <= geometry.size() - 8 && geometry.isSlot(slot);
    }

    /** @return the lane index */
    public int lane() {
        return lane;
    }

    /** @return the owner token (acquire) */
    public long ownerAcquire() {
        return pm.getLongAcquire(at + OWNER);
    }

    /**
     * @param expected the current owner (0 or a dead owner's token)
     * @param token    the new owner
     * @return whether the lane changed hands
     */
    public boolean compareAndSetOwner(long expected, long token) {
        if (pm.compareAndSetLong(at + OWNER, expected, token)) {
            pm.flush(at + OWNER, 8);
            return true;
        }
        return false;
    }

    /** @return the remote-free hint */
    public long remoteFreesAcquire() {
        return pm.getLongAcquire(at + REMOTE_FREES);
    }

    /** Bumps the remote-free hint (a volatile hint, never flushed). */
    public void addRemoteFree() {
        pm.getAndAddLong(at + REMOTE_FREES, 1);
    }

    /**
     * Writes a valid intent and makes it durable (one drain, which also drains every flush
     * the caller issued before).
     *
     * @param op    {@link #ALLOC} or {@link #FREE}
     * @param block the block
     * @param slot  the slot offset or {@link #NO_SLOT}
     * @param value the value for the slot
     */
    public void writeIntent(int op, long block, long slot, long value) {
        long header = (pm.getLong(at + INTENT) & ~0xFFL) + 0x100 | op;
        pm.setLong(at + BLOCK, block);
        pm.setLong(at + SLOT, slot);
        pm.setLong(at + VALUE, value);
        pm.setLong(at + CHECK, check(header, block, slot, value));
        pm.setLongRelease(at + INTENT, header);
        pm.persist(at + INTENT, INTENT_BYTES);
    }

    /** Clears the intent and makes that durable. */
    public void clearIntent() {
        pm.setLongRelease(at + INTENT, pm.getLong(at + INTENT) & ~0xFFL);
        pm.persist(at + INTENT, 8);
    }

    /** @return the op of a valid intent, or {@link #NONE} */
    public int validOp() {
        long header = pm.getLongAcquire(at + INTENT);
        int op = (int) (header & 0xFF);
        if (op == NONE) {
            return NONE;
        }
        if (pm.getLong(at + CHECK) != check(header, block(), slot(), value())) {
            return NONE;
        }
        if (op != ALLOC && op != FREE) {
            throw new PoolCorruptedException("lane " + lane + ": intent with unknown op " + op);
        }
        return op;
    }

    /** @return the intent's block */
    public long block() {
        return pm.getLong(at + BLOCK);
    }

    /** @return the intent's slot */
    public long slot() {
        return pm.getLong(at + SLOT);
    }

    /** @return the intent's slot value */
    public long value() {
        return pm.getLong(at + VALUE);
    }

    private static long check(long header, long block, long slot, long value) {
        long h = 0x9E3779B97F4A7C15L;
        h = mix(h ^ header);
        h = mix(h ^ block);
        h = mix(h ^ slot);
        return mix(h ^ value) | 1;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}

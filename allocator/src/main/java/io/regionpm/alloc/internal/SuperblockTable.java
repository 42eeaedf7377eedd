package io.regionpm.alloc.internal;

import io.regionpm.alloc.PersistentMemory;
import io.regionpm.alloc.PoolCorruptedException;
import io.regionpm.alloc.PoolGeometry;

import static io.regionpm.alloc.internal.SuperblockState.KIND_HEAD;
import static io.regionpm.alloc.internal.SuperblockState.KIND_SMALL;

/**
 * The superblock state table and the allocation bitmaps (kept apart from the data), with
 * block-offset validation. Each superblock has one state word ({@link SuperblockState}) and
 * a {@value PoolGeometry#BITMAP_BYTES}-byte bitmap: bit i set means block i is allocated
 * (for a large run, bit 0 of its head).
 *
 * <p>Thread- and process-safety: every change is an atomic read-modify-write.
 */
public final class SuperblockTable {
    private final PersistentMemory pm;
    private final PoolGeometry g;

    /** @param pm the pool @param geometry its layout */
    public SuperblockTable(PersistentMemory pm, PoolGeometry geometry) {
        this.pm = pm;
        this.g = geometry;
    }

    /** @return the layout */
    public PoolGeometry geometry() {
        return g;
    }

    /** @return the pool memory */
    public PersistentMemory memory() {
        return pm;
    }

    /** @param sb superblock @return its state (acquire) */
    public long state(long sb) {
        return pm.getLongAcquire(g.stateOffset(sb));
    }

    /**
     * Changes a state word and flushes it (the caller drains).
     *
     * @param sb       superblock
     * @param expected current state
     * @param state    new state
     * @return whether it changed
     */
    public boolean compareAndSetState(long sb, long expected, long state) {
        if (pm.compareAndSetLong(g.stateOffset(sb), expected, state)) {
            pm.flush(g.stateOffset(sb), 8);
            return true;
        }
        return false;
    }

    /** @param sb superblock @param word index @return the bitmap word (acquire) */
    public long bitmapWord(long sb, int word) {
        return pm.getLongAcquire(g.bitmapOffset(sb) + 8L * word);
    }

    /** @param sb superblock @return whether no bit of its bitmap is set */
    public boolean bitmapEmpty(long sb) {
        for (int w = 0; w < PoolGeometry.BITMAP_BYTES / 8; w++) {
            if (bitmapWord(sb, w) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sets a block's bit atomically and flushes its word (the caller drains).
     *
     * @param block a resolved block
     * @return whether it was clear before
     */
    public boolean setBit(Block block) {
        long at = bitWordOffset(block);
        long mask = 1L << (block.index() & 63);
        boolean was = (pm.getAndBitwiseOrLong(at, mask) & mask) == 0;
        pm.flush(at, 8);
        return was;
    }

    /**
     * Clears a block's bit atomically and flushes its word (the caller drains).
     *
     * @param block a resolved block
     * @return whether it was set before
     */
    public boolean clearBit(Block block) {
        long at = bitWordOffset(block);
        long mask = 1L << (block.index() & 63);
        boolean was = (pm.getAndBitwiseAndLong(at, ~mask) & mask) != 0;
        pm.flush(at, 8);
        return was;
    }

    /** @param block a resolved block @return whether its bit is set */
    public boolean isSet(Block block) {
        long mask = 1L << (block.index() & 63);
        return (pm.getLongAcquire(bitWordOffset(block)) & mask) != 0;
    }

    private long bitWordOffset(Block block) {
        return g.bitmapOffset(block.superblock()) + 8L * (block.index() >>> 6);
    }

    /**
     * Validates a block offset (typically read from the pool) against the state table.
     *
     * @param offset the offset
     * @return the block: superblock, index, size
     * @throws PoolCorruptedException if it is not the start of a block of a SMALL superblock
     *                                or of a LARGE_HEAD
     */
    public Block resolve(long offset) {
        long sb = g.superblockOf(offset);
        if (sb < 0) {
            throw new PoolCorruptedException("offset " + offset + " is outside the data region ["
                    + g.dataOffset() + ", " + (g.dataOffset() + g.dataBytes()) + ")");
        }
        Block b = find(offset);
        if (b == null) {
            throw new PoolCorruptedException("offset " + offset + " is not a block start (superblock " + sb
                    + " is " + SuperblockState.describe(state(sb)) + ")");
        }
        return b;
    }

    /**
     * Like {@link #resolve} without throwing: for checkers probing offsets that may be
     * garbage (any value, misaligned or outside the pool).
     *
     * @param offset the offset
     * @return the block starting there, allocated or not, or null if none does
     */
    public Block find(long offset) {
        long sb = g.superblockOf(offset);
        if (sb < 0) {
            return null;
        }
        long state = state(sb);
        long rel = offset - g.superblockOffset(sb);
        int kind = SuperblockState.kind(state);
        if (kind == KIND_SMALL && SuperblockState.sizeClass(state) < SizeClasses.count()) {
            int cls = SuperblockState.sizeClass(state);
            int size = SizeClasses.size(cls);
            if (rel % size == 0 && rel / size < SizeClasses.blocks(cls)) {
                return new Block(offset, sb, (int) (rel / size), cls, size, state);
            }
        } else if (kind == KIND_HEAD && rel == 0 && validRun(sb, SuperblockState.run(state))) {
            return new Block(offset, sb, 0, -1, SuperblockState.run(state) * PoolGeometry.SUPERBLOCK_BYTES, state);
        }
        return null;
    }

    /**
     * Like {@link #resolve} and also requires the block to be allocated.
     *
     * @param offset the offset
     * @return the block
     */
    public Block resolveAllocated(long offset) {
        Block b = resolve(offset);
        if (!isSet(b)) {
            throw new PoolCorruptedException("offset " + offset + " is not an allocated block (its bit is clear)");
        }
        return b;
    }

    private boolean validRun(long sb, long run) {
        return run >= 1 && run <= g.superblockCount() - sb;
    }

    /**
     * Releases a large run to FREE: tails first, then the head, each by compare-and-set
     * (so that two releasers of the same run do no harm), flushed (the caller drains).
     *
     * @param head  the head superblock
     * @param state the head's state
     */
    public void releaseRun(long head, long state) {
        int owner = SuperblockState.owner(state);
        long run = SuperblockState.run(state);
        for (long d = run - 1; d >= 1; d--) {
            compareAndSetState(head + d, SuperblockState.tail(owner, d), SuperblockState.FREE);
        }
        compareAndSetState(head, state, SuperblockState.FREE);
    }
}
